"""The clock port: services receive one so tests can pin time."""
from __future__ import annotations

import time
from datetime import datetime, timezone


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def timestamp(self) -> int:
        return int(time.time())


class FixedClock:
    """A clock for tests: starts at `moment` and moves only when told."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment

    def timestamp(self) -> int:
        return int(self.moment.timestamp())

    def advance(self, **delta) -> None:
        from datetime import timedelta
        self.moment = self.moment + timedelta(**delta)
