"""Payment notifications: pending -> paid, duplicates change nothing, late money is never lost."""
from __future__ import annotations

from pynamodb.exceptions import UpdateError

from ..adapters.dynamodb.transactions import TxCancelled
from ..domain.errors import ConflictError, NotFoundError, UnprocessableError
from ..domain.orders import CANCELLED, EXPIRED, PAID, PENDING_PAYMENT, REFUND_REQUIRED
from ..domain.timefmt import iso

ATTEMPTS = 3


class PaymentService:
    def __init__(self, orders_repo, clock) -> None:
        self._orders, self._clock = orders_repo, clock

    def payment_succeeded(self, order_id: str, amount: int, transaction_id: str) -> dict:
        """Apply one `payment.succeeded`; returns {"order_id", "status", "result"}.

        result is `paid`, `duplicate` (this transaction was already applied) or `refund_required`
        (the money arrived after the order expired or was cancelled: kept on record for a refund).
        """
        for _ in range(ATTEMPTS):
            order = self._orders.get(order_id, consistent=True)
            if order is None:
                raise NotFoundError(f"Order {order_id} does not exist", code="ORDER_NOT_FOUND")
            if amount != order.total:
                raise UnprocessableError(f"Paid {amount} but the order total is {order.total}",
                                         code="AMOUNT_MISMATCH", expected=order.total)
            if order.transaction_id == transaction_id:
                return {"order_id": order_id, "status": order.status, "result": "duplicate"}
            now = iso(self._clock.now())
            try:
                if order.status == PENDING_PAYMENT and order.payment_deadline < now:
                    # Past its deadline the hold is forfeit whether or not the sweep has run yet:
                    # release it here (exactly once, conditionally) and record the money for refund.
                    self._release_expired(order, now)
                    continue
                if order.status == PENDING_PAYMENT:
                    updated = self._orders.transition(order_id, (PENDING_PAYMENT,), PAID, now, amount=amount,
                                                      unexpired_at=now, paid_at=now,
                                                      transaction_id=transaction_id)
                    return {"order_id": order_id, "status": updated.status, "result": "paid"}
                if order.status in (EXPIRED, CANCELLED):
                    updated = self._orders.transition(order_id, (order.status,), REFUND_REQUIRED, now,
                                                      paid_at=now, transaction_id=transaction_id,
                                                      refund_reason=f"paid_after_{order.status}")
                    return {"order_id": order_id, "status": updated.status, "result": "refund_required"}
            except UpdateError as exc:
                if exc.cause_response_code != "ConditionalCheckFailedException":
                    raise
                continue  # the order moved under us: look again
            raise ConflictError(f"Order {order_id} is already {order.status} by another payment",
                                code="ALREADY_PAID", status=order.status)
        raise ConflictError("The order kept changing; please retry", code="CONCURRENT_UPDATE")

    def _release_expired(self, order, now: str) -> None:
        try:
            self._orders.release(order, EXPIRED, now)
        except TxCancelled as exc:
            if not exc.failed("order"):
                raise  # someone else moved it first; the caller looks again
