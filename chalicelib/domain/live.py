"""Live sessions and their flash-sale offers: the session state machine."""
from __future__ import annotations

from dataclasses import dataclass

from .errors import IllegalTransitionError

SCHEDULED, LIVE, ENDED = "scheduled", "live", "ended"

# state -> the states it may move to
SESSION_TRANSITIONS = {SCHEDULED: (LIVE, ENDED), LIVE: (ENDED,), ENDED: ()}


def check_session_transition(current: str, target: str) -> None:
    if target not in SESSION_TRANSITIONS.get(current, ()):
        raise IllegalTransitionError(f"A {current} session cannot become {target}",
                                     state=current)


@dataclass(frozen=True)
class Offer:
    product_id: str
    live_price: int
    capacity: int
    per_user_limit: int | None = None
    reserved: int = 0

    @property
    def remaining(self) -> int:
        return self.capacity - self.reserved

    @property
    def sold_out(self) -> bool:
        return self.remaining <= 0


@dataclass(frozen=True)
class LiveSession:
    session_id: str
    title: str
    platform: str
    platform_room_id: str
    scheduled_start: str | None
    scheduled_end: str | None
    state: str = SCHEDULED
    offers: tuple[Offer, ...] = ()

    @property
    def is_live(self) -> bool:
        return self.state == LIVE

    def offer_for(self, product_id: str) -> Offer | None:
        return next((o for o in self.offers if o.product_id == product_id), None)
