"""Community batching rules (社区集单): which batch an order joins, when it is delivered, what is said."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from .catalog import DeliveryPromise
from .timefmt import iso, parse_iso

OPEN, CONFIRMED, BELOW_THRESHOLD = "open", "confirmed", "below_threshold"


def batch_id_for(live_session_id: str | None, created_at: str, tz: ZoneInfo) -> str:
    """A live order joins its session's batch; any other order joins the batch of its local day."""
    if live_session_id:
        return live_session_id
    return parse_iso(created_at).astimezone(tz).date().isoformat()


def batch_key(community_id: str, batch_id: str) -> str:
    return f"{community_id}#{batch_id}"


def split_batch_key(key: str) -> tuple[str, str]:
    community_id, _, batch_id = key.partition("#")
    return community_id, batch_id


def delivery_at(promise: DeliveryPromise, decided_at: str, tz: ZoneInfo) -> str:
    """`days_after` local days after the decision, at the promised local time, as UTC ISO."""
    local = parse_iso(decided_at).astimezone(tz)
    hour, minute = (int(p) for p in promise.at.split(":"))
    when = datetime.combine(local.date() + timedelta(days=promise.days_after), time(hour, minute), tz)
    return iso(when)


def day_cutoff(batch_id: str, cutoff_seconds: int, tz: ZoneInfo) -> str:
    """A day batch closes at the end of its local day plus the configured delay."""
    day = datetime.fromisoformat(batch_id).date()
    return iso(datetime.combine(day + timedelta(days=1), time(0, 0), tz) + timedelta(seconds=cutoff_seconds))


def session_cutoff(end: str | None, cutoff_seconds: int) -> str | None:
    return iso(parse_iso(end) + timedelta(seconds=cutoff_seconds)) if end else None


def _when(promise: DeliveryPromise) -> str:
    return {0: "today", 1: "tomorrow"}.get(promise.days_after, f"in {promise.days_after} days")


def reached_message(community_name: str, threshold: int, promise: DeliveryPromise) -> str:
    return f"{community_name} reached {threshold} — delivery {_when(promise)} {promise.at}"


def below_threshold_message(community_name: str, units: int, threshold: int, policy: str) -> str:
    outcome = "orders will be refunded" if policy == "refund" else "we deliver anyway"
    return f"{community_name} closed at {units}/{threshold} — {outcome}"


@dataclass(frozen=True)
class Batch:
    community_id: str
    batch_id: str
    units: int
    threshold: int
    state: str
    delivery_at: str | None = None
    live_session_id: str | None = None
    cutoff_at: str | None = None
    decided_at: str | None = None

    @property
    def reached(self) -> bool:
        return self.units >= self.threshold

    @property
    def progress(self) -> float:
        return round(min(self.units / self.threshold, 1.0), 4) if self.threshold else 1.0
