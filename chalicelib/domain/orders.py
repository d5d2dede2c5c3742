"""Orders: lines, totals and the guarded state machine."""
from __future__ import annotations

from dataclasses import dataclass

from .errors import IllegalTransitionError

PENDING_PAYMENT = "pending_payment"
PAID = "paid"
CONFIRMED = "confirmed"
READY_FOR_PICKUP = "ready_for_pickup"
COMPLETED = "completed"
EXPIRED = "expired"
CANCELLED = "cancelled"
REFUND_REQUIRED = "refund_required"
REFUNDED = "refunded"

TRANSITIONS: dict[str, tuple[str, ...]] = {
    PENDING_PAYMENT: (PAID, EXPIRED, CANCELLED),
    PAID: (CONFIRMED, REFUNDED, REFUND_REQUIRED),
    CONFIRMED: (READY_FOR_PICKUP, REFUND_REQUIRED),
    READY_FOR_PICKUP: (COMPLETED,),
    COMPLETED: (),
    # A payment that arrives after the hold was released is kept, and must be refunded.
    EXPIRED: (REFUND_REQUIRED,),
    CANCELLED: (REFUND_REQUIRED,),
    REFUND_REQUIRED: (REFUNDED,),
    REFUNDED: (),
}

# Leaving pending_payment for these states gives the reserved units back.
RELEASING = (EXPIRED, CANCELLED)

LIVE, REGULAR = "live", "regular"


def check_transition(current: str, target: str) -> None:
    if target not in TRANSITIONS.get(current, ()):
        raise IllegalTransitionError(f"An order that is {current} cannot become {target}",
                                     status=current)


@dataclass(frozen=True)
class OrderLine:
    product_id: str
    quantity: int
    unit_price: int
    kind: str = REGULAR  # live (session capacity) or regular (product stock)
    limited: bool = False  # the line holds units against the offer's per-user limit

    @property
    def amount(self) -> int:
        return self.quantity * self.unit_price


@dataclass(frozen=True)
class Order:
    order_id: str
    user_id: str
    status: str
    lines: tuple[OrderLine, ...]
    created_at: str
    payment_deadline: str
    community_id: str | None = None
    live_session_id: str | None = None
    invite_code: str | None = None
    fingerprint: str = ""
    paid_at: str | None = None
    transaction_id: str | None = None
    refund_reason: str | None = None
    batch_key: str | None = None  # "<community>#<batch id>": the community batch it counts toward
    delivery_at: str | None = None

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)
