"""Order lifecycle: read, list, cancel, expire. Every move is a conditional write."""
from __future__ import annotations

from ..adapters.dynamodb.transactions import TxCancelled
from ..domain.errors import IllegalTransitionError, NotFoundError
from ..domain.orders import CANCELLED, EXPIRED, PENDING_PAYMENT, Order, check_transition
from ..domain.timefmt import iso


class OrderService:
    def __init__(self, orders_repo, clock) -> None:
        self._orders, self._clock = orders_repo, clock

    def get_for_user(self, user_id: str, order_id: str) -> Order:
        """Another shopper's order is indistinguishable from a missing one (404)."""
        order = self._orders.get(order_id)
        if order is None or order.user_id != user_id:
            raise NotFoundError(f"Order {order_id} does not exist", code="ORDER_NOT_FOUND")
        return order

    def list_for_user(self, user_id: str, limit: int, cursor: str | None):
        return self._orders.list_for_user(user_id, limit, cursor)

    def cancel(self, user_id: str, order_id: str) -> Order:
        order = self.get_for_user(user_id, order_id)
        check_transition(order.status, CANCELLED)
        self._release(order, CANCELLED)
        return self._orders.get(order_id, consistent=True)

    def expire_due(self, limit: int = 100) -> int:
        """Expire pending orders past their deadline; returns how many this call expired."""
        now = self._clock.now()
        expired = 0
        for order_id in self._orders.due_for_expiry(iso(now), limit):
            order = self._orders.get(order_id, consistent=True)
            if order is None or order.status != PENDING_PAYMENT or order.payment_deadline > iso(now):
                continue
            try:
                self._release(order, EXPIRED)
                expired += 1
            except IllegalTransitionError:
                continue  # paid or cancelled in the meantime: nothing to release
        return expired

    def _release(self, order: Order, target: str) -> None:
        try:
            self._orders.release(order, target, iso(self._clock.now()))
        except TxCancelled as exc:
            if exc.failed("order"):
                current = self._orders.get(order.order_id, consistent=True)
                raise IllegalTransitionError(
                    f"An order that is {current.status} cannot become {target}", status=current.status) from None
            raise
