"""Outbound messages: posted once per cause, delivered by the outbox stream, retried, never duplicated."""
from __future__ import annotations

from datetime import timedelta

from ..adapters.notifier import DeliveryError
from ..domain.timefmt import iso

LEASE_SECONDS = 60
MAX_ATTEMPTS = 8


class OutboxService:
    def __init__(self, repo, notifier, clock) -> None:
        self._repo, self._notifier, self._clock = repo, notifier, clock

    def post(self, message_id: str, channel: str, kind: str, text: str) -> bool:
        """Write the message unless this cause already wrote it; True if this call wrote it."""
        return self._repo.post(message_id, channel, kind, text, iso(self._clock.now()))

    def deliver(self, message_id: str) -> str:
        """Send one message if nobody has (or is); returns sent | skipped | failed."""
        now = self._clock.now()
        item = self._repo.claim(message_id, iso(now), iso(now + timedelta(seconds=LEASE_SECONDS)))
        if item is None:
            return "skipped"  # sent already, or another worker holds a live lease
        try:
            self._notifier.send(item.channel, item.text, message_id)
        except DeliveryError as exc:
            self._repo.mark_failed(message_id, str(exc))
            return "failed"
        self._repo.mark_sent(message_id, iso(self._clock.now()))
        return "sent"

    def retry_undelivered(self, min_age_seconds: int = 30) -> dict:
        """The schedule's safety net: messages still not sent after a while get another attempt."""
        cutoff = iso(self._clock.now() - timedelta(seconds=min_age_seconds))
        results: dict[str, int] = {}
        for item in self._repo.undelivered(cutoff):
            if int(item.attempts or 0) >= MAX_ATTEMPTS:
                continue
            outcome = self.deliver(item.message_id)
            results[outcome] = results.get(outcome, 0) + 1
        return results
