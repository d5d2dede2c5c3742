"""Orders and the counters they hold (offer capacity, per-user limits, product stock).

Every change of an order's status is a conditional write on the status it leaves, and every hold
is taken or given back in the same transaction as that status change, so a hold is released
exactly once whatever races (cancel, expiry, payment) happen.
"""
from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, UpdateError

from ...domain.orders import LIVE, PENDING_PAYMENT, Order, OrderLine
from . import cursors
from .models import (CommunityModel, LiveSessionModel, OfferModel, OrderLineAttribute, OrderModel,
                     ProductModel, PurchaseLimitModel)
from .transactions import Tx

PENDING_FLAG = "1"


def _order(m: OrderModel) -> Order:
    lines = tuple(OrderLine(l.product_id, int(l.quantity), int(l.unit_price), l.kind, bool(l.limited))
                  for l in m.lines)
    return Order(order_id=m.order_id, user_id=m.user_id, status=m.status, lines=lines,
                 created_at=m.created_at, payment_deadline=m.payment_deadline,
                 community_id=m.community_id, live_session_id=m.live_session_id,
                 invite_code=m.invite_code, fingerprint=m.fingerprint, paid_at=m.paid_at,
                 transaction_id=m.transaction_id, refund_reason=m.refund_reason, batch_key=m.batch_key,
                 delivery_at=m.delivery_at)


def offer_key(session_id: str, product_id: str) -> str:
    return f"{session_id}#{product_id}"


class OrderRepository:
    def __init__(self, connection) -> None:
        self._connection = connection

    def get(self, order_id: str, consistent: bool = False) -> Order | None:
        try:
            return _order(OrderModel.get(order_id, consistent_read=consistent))
        except DoesNotExist:
            return None

    def list_for_user(self, user_id: str, limit: int, cursor: str | None):
        start = cursors.decode(cursor, {"order_id", "user_id", "created_at"}, {"user_id": user_id})
        result = OrderModel.user_index.query(user_id, limit=limit, scan_index_forward=False,
                                             last_evaluated_key=start)
        return [_order(m) for m in result], cursors.encode(result.last_evaluated_key)

    def in_batch(self, batch_key: str) -> list[Order]:
        return [_order(m) for m in OrderModel.batch_index.query(batch_key)]

    def for_delivery_date(self, date: str) -> list[Order]:
        return [_order(m) for m in OrderModel.delivery_index.query(date)]

    def due_for_expiry(self, now: str, limit: int = 100) -> list[str]:
        result = OrderModel.pending_index.query(PENDING_FLAG, OrderModel.payment_deadline <= now,
                                                limit=limit)
        return [m.order_id for m in result]

    def create_with_holds(self, order: Order, limits: dict[str, int], now: str) -> None:
        """Reserve every line and create the order in ONE TransactWriteItems.

        Labels: `session` (still live), `offer:<pid>` (capacity left; price and limit unchanged),
        `limit:<pid>` (per-user limit), `product:<pid>` (stock, active, price unchanged),
        `community` (exists), `order` (the idempotency key was not used before).
        Raises TxCancelled; the checkout service interprets the labelled failures.
        """
        tx = Tx(self._connection)
        if order.live_session_id:
            tx.check("session", LiveSessionModel, order.live_session_id,
                     condition=LiveSessionModel.state == "live")
        for line in order.lines:
            q = line.quantity
            if line.kind == LIVE:
                o = OfferModel
                tx.update(f"offer:{line.product_id}", OfferModel(order.live_session_id, line.product_id),
                          [o.remaining.set(o.remaining - q), o.reserved.set(o.reserved + q)],
                          condition=(o.remaining >= q) & (o.live_price == line.unit_price)
                          & self._limit_is(limits.get(line.product_id)),
                          return_old=True)
                if line.limited:
                    limit = limits[line.product_id]
                    u = PurchaseLimitModel
                    tx.update(f"limit:{line.product_id}",
                              PurchaseLimitModel(order.user_id, offer_key(order.live_session_id, line.product_id)),
                              [u.units.add(q)],
                              condition=u.units.does_not_exist() | (u.units <= limit - q),
                              return_old=True)
            else:
                p = ProductModel
                tx.update(f"product:{line.product_id}", ProductModel(line.product_id),
                          [p.stock.set(p.stock - q), p.updated_at.set(now)],
                          condition=(p.stock >= q) & (p.status == "active") & (p.list_price == line.unit_price),
                          return_old=True)
        if order.community_id:
            tx.check("community", CommunityModel, order.community_id,
                     condition=CommunityModel.community_id.exists())
        tx.put("order", self._model(order, now), condition=OrderModel.order_id.does_not_exist())
        tx.commit()

    def release(self, order: Order, target: str, now: str) -> None:
        """Move a pending order to expired/cancelled and give its holds back, atomically.

        Raises TxCancelled (label `order`) when the order is no longer pending: someone else moved it.
        """
        tx = Tx(self._connection)
        m = OrderModel
        tx.update("order", OrderModel(order.order_id),
                  [m.status.set(target), m.pending.remove(), m.updated_at.set(now)],
                  condition=m.status == PENDING_PAYMENT)
        for line in order.lines:
            q = line.quantity
            if line.kind == LIVE:
                o = OfferModel
                tx.update(f"offer:{line.product_id}", OfferModel(order.live_session_id, line.product_id),
                          [o.remaining.set(o.remaining + q), o.reserved.set(o.reserved - q)],
                          condition=o.reserved >= q)
                if line.limited:
                    u = PurchaseLimitModel
                    tx.update(f"limit:{line.product_id}",
                              PurchaseLimitModel(order.user_id, offer_key(order.live_session_id, line.product_id)),
                              [u.units.add(-q)], condition=u.units >= q)
            else:
                p = ProductModel
                tx.update(f"product:{line.product_id}", ProductModel(line.product_id),
                          [p.stock.set(p.stock + q), p.updated_at.set(now)],
                          condition=p.product_id.exists())
        tx.commit()

    def transition(self, order_id: str, allowed_from: tuple[str, ...], target: str, now: str,
                   *, amount: int | None = None, unexpired_at: str | None = None, **fields) -> Order:
        """Conditionally move an order to `target`; returns the updated order.

        Raises UpdateError (ConditionalCheckFailed) when the order is not in `allowed_from`,
        or (for payments) its total is not `amount` or its deadline has passed.
        """
        m = OrderModel
        actions = [m.status.set(target), m.updated_at.set(now), m.pending.remove()]
        actions += [getattr(m, name).set(value) for name, value in fields.items()]
        condition = m.status.is_in(*allowed_from)
        if amount is not None:
            condition &= m.total == amount
        if unexpired_at is not None:  # a payment only counts up to the payment deadline
            condition &= m.payment_deadline >= unexpired_at
        model = OrderModel(order_id)
        model.update(actions=actions, condition=condition)
        return _order(model)

    @staticmethod
    def _limit_is(limit: int | None):
        """The offer's per-user limit is still the one this checkout priced with."""
        o = OfferModel
        return (o.per_user_limit == limit) if limit else o.per_user_limit.does_not_exist()

    @staticmethod
    def _model(order: Order, now: str) -> OrderModel:
        return OrderModel(
            order.order_id, user_id=order.user_id, status=order.status,
            lines=[OrderLineAttribute(product_id=l.product_id, quantity=l.quantity,
                                      unit_price=l.unit_price, kind=l.kind, limited=l.limited) for l in order.lines],
            total=order.total, community_id=order.community_id, live_session_id=order.live_session_id,
            invite_code=order.invite_code, created_at=order.created_at, updated_at=now,
            payment_deadline=order.payment_deadline, pending=PENDING_FLAG,
            fingerprint=order.fingerprint, batch_key=order.batch_key)


__all__ = ["OrderRepository", "UpdateError", "offer_key"]
