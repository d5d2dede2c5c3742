"""Checkout: price on the server, reserve and create the order in one DynamoDB transaction.

Requests per successful checkout in steady state: one TransactWriteItems (the live session comes
from a short per-instance cache whose every assumption - state, price, limit - is a condition of
that transaction). A rejected checkout costs that transaction plus, at most, a fresh read and retry
when the cache was stale, or one GetItem to recognise a replay.
"""
from __future__ import annotations

import random
import time
from datetime import timedelta
from typing import Any

from ..adapters.dynamodb.transactions import TxCancelled
from ..domain import pricing
from ..domain.batching import batch_id_for, batch_key
from ..domain.errors import (DomainError, IdempotencyInProgressError, IdempotencyKeyReusedError,
                             InvalidInputError, LimitExceededError, NotFoundError,
                             OfferNotLiveError, SoldOutError, UnavailableError)
from ..domain.idempotency import MAX_KEY_LENGTH, fingerprint, order_id_for
from ..domain.orders import PENDING_PAYMENT, Order
from ..domain.timefmt import iso

CONFLICT_RETRIES = 4


def _num(item: dict | None, name: str) -> int | None:
    if not item or name not in item:
        return None
    return int(item[name]["N"])


class CheckoutService:
    def __init__(self, sessions, catalog_repo, orders_repo, clock, *, deadline_seconds: int, tz,
                 sleep=time.sleep) -> None:
        self._sessions, self._catalog, self._orders = sessions, catalog_repo, orders_repo
        self._clock, self._deadline, self._tz, self._sleep = clock, deadline_seconds, tz, sleep

    def place_order(self, user_id: str, idempotency_key: str | None, request: dict[str, Any]) -> tuple[Order, bool]:
        """Return (order, replayed). Raises a DomainError for every rejection; writes nothing then."""
        if not idempotency_key or len(idempotency_key) > MAX_KEY_LENGTH or not idempotency_key.isprintable():
            raise InvalidInputError(f"An Idempotency-Key header of 1-{MAX_KEY_LENGTH} printable characters "
                                    "is required", code="IDEMPOTENCY_KEY_REQUIRED",
                                    fields={"Idempotency-Key": "required"})
        order_id = order_id_for(user_id, idempotency_key)
        print_ = fingerprint(request)
        try:
            return self._place(order_id, print_, user_id, request), False
        except _Replay:
            return self._replay(order_id, print_), True
        except _Rejected as rejected:  # the transaction ran and its order put passed: not a replay
            raise rejected.error from None
        except DomainError:
            # Rejected before any transaction (e.g. the session has ended since): a replay of an
            # order that succeeded earlier must still return it, so look for it on this path only.
            if self._orders.get(order_id, consistent=True) is not None:
                return self._replay(order_id, print_), True
            raise

    def _place(self, order_id: str, print_: str, user_id: str, request: dict[str, Any]) -> Order:
        if request.get("coupon_code"):  # no coupon has been issued yet: every code is unknown
            raise NotFoundError(f"Coupon {request['coupon_code']} does not exist", code="COUPON_NOT_FOUND")
        wanted = [(i["product_id"], i["quantity"]) for i in request["items"]]
        session_id = request.get("live_session_id")
        community_id = request.get("community_id") or self._catalog.user_community(user_id)
        fresh = False
        for attempt in range(CONFLICT_RETRIES):
            lines, limits = self._price(session_id, wanted, fresh)
            now = self._clock.now()
            order = Order(order_id=order_id, user_id=user_id, status=PENDING_PAYMENT, lines=lines,
                          created_at=iso(now), payment_deadline=iso(now + timedelta(seconds=self._deadline)),
                          community_id=community_id, live_session_id=session_id,
                          invite_code=request.get("invite_code"), fingerprint=print_,
                          batch_key=batch_key(community_id, batch_id_for(session_id, iso(now), self._tz))
                          if community_id else None)
            try:
                self._orders.create_with_holds(order, limits, iso(now))
                return order
            except TxCancelled as exc:
                if "order" in exc.failures and exc.failed("order"):
                    raise _Replay() from None
                if exc.conflict:
                    self._sleep(random.uniform(0.005, 0.03) * (attempt + 1))
                    continue
                stale = self._stale(exc, lines, limits)
                if stale and not fresh:
                    fresh = True
                    continue
                raise _Rejected(self._rejection(exc, order, session_id)) from None
        raise UnavailableError("The offer is very busy; please retry", code="CONTENTION")

    def _price(self, session_id: str | None, wanted, fresh: bool):
        if session_id:
            session = self._sessions.for_checkout(session_id, fresh=fresh)
            lines = pricing.price_live(session, wanted)
            limits = {o.product_id: o.per_user_limit for o in session.offers if o.per_user_limit}
            return lines, limits
        products = self._catalog.get_products([pid for pid, _ in wanted])
        return pricing.price_regular(products, wanted), {}

    @staticmethod
    def _stale(exc: TxCancelled, lines, limits) -> bool:
        """Did a condition fail because what we priced with changed (not because stock ran out)?"""
        by_product = {l.product_id: l for l in lines}
        for label, failure in exc.failures.items():
            kind, _, pid = label.partition(":")
            line = by_product.get(pid)
            if kind == "offer":
                if failure.item is None or _num(failure.item, "live_price") != line.unit_price \
                        or _num(failure.item, "per_user_limit") != limits.get(pid):
                    return True
            if kind == "product":
                item = failure.item
                if item is None or _num(item, "list_price") != line.unit_price or item["status"]["S"] != "active":
                    return True
        return False

    def _rejection(self, exc: TxCancelled, order: Order, session_id: str | None) -> DomainError:
        for label, failure in exc.failures.items():
            kind, _, pid = label.partition(":")
            if kind in ("offer", "product"):
                remaining = _num(failure.item, "remaining" if kind == "offer" else "stock") or 0
                return SoldOutError(f"Only {remaining} left of {pid}", remaining=remaining, product_id=pid)
        for label, failure in exc.failures.items():
            kind, _, pid = label.partition(":")
            if kind == "limit":
                return LimitExceededError(f"You have reached the limit for {pid}", product_id=pid,
                                          already=_num(failure.item, "units") or 0)
        if "community" in exc.failures:
            return NotFoundError(f"Community {order.community_id} does not exist", code="COMMUNITY_NOT_FOUND")
        if "session" in exc.failures:
            self._sessions.invalidate(session_id)
            return OfferNotLiveError(f"Live session {session_id} is no longer live")
        return exc

    def _replay(self, order_id: str, print_: str) -> Order:
        existing = self._orders.get(order_id, consistent=True)
        if existing is None:
            raise IdempotencyInProgressError("A request with this Idempotency-Key is still in progress")
        if existing.fingerprint != print_:
            raise IdempotencyKeyReusedError("This Idempotency-Key was used for a different request")
        return existing


class _Replay(Exception):
    """The order put failed its condition: this key was used before."""


class _Rejected(Exception):
    """The transaction was cancelled for a business reason; the order put itself passed."""

    def __init__(self, error: DomainError) -> None:
        super().__init__(error.message)
        self.error = error
