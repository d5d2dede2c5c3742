"""ISO-8601 UTC formatting used in JSON and in sortable index keys (pure, no clock)."""
from __future__ import annotations

from datetime import datetime, timezone

_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime(_FORMAT)


def parse_iso(text: str) -> datetime:
    """Parse `2026-04-01T10:00:00Z` (or any offset) into an aware UTC datetime."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError("timestamp must carry a timezone (use Z for UTC)")
    return value.astimezone(timezone.utc)
