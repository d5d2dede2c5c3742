"""The share loop's ledger: invite codes, touches, attribution of first paid orders, honours, leaderboards.

Attribution is driven by the orders stream (`on_paid`, `on_refunded`); each step is a conditional write,
so re-delivery and concurrent first orders of one customer credit at most once.
"""
from __future__ import annotations

import random
import time
from datetime import timedelta

from ..adapters.dynamodb.referrals_repo import CodeTaken, Credit
from ..adapters.dynamodb.transactions import TxCancelled
from ..domain import referrals as rules
from ..domain.errors import InvalidInputError, NotFoundError, UnprocessableError
from ..domain.feed import mask_name
from ..domain.timefmt import iso, parse_iso

CODE_ATTEMPTS = 8


class ReferralService:
    def __init__(self, repo, catalog_repo, outbox, clock, settings, new_code=rules.new_code) -> None:
        self._repo, self._catalog, self._outbox = repo, catalog_repo, outbox
        self._clock, self._settings, self._new_code = clock, settings, new_code

    # -- codes -------------------------------------------------------------------------------
    def ensure_code(self, user_id: str) -> str:
        """The user's invite code, created on first use; a collision draws again, never overwrites."""
        code = self._repo.code_of(user_id)
        for _ in range(CODE_ATTEMPTS):
            if code:
                return code
            candidate = self._new_code()
            try:
                if self._repo.create_code(user_id, candidate, iso(self._clock.now())):
                    return candidate
            except CodeTaken:
                continue
            code = self._repo.code_of(user_id)  # created meanwhile by a concurrent call
        raise UnprocessableError("Could not allocate an invite code; please retry", code="CODE_UNAVAILABLE")

    def my_referral(self, user_id: str) -> dict:
        code = self.ensure_code(user_id)
        item = self._repo.code(code)
        return {"invite_code": code, "share_path": rules.share_path(code),
                "stats": {"touches": int(item.touches or 0),
                          "referred_customers": int(item.referred_customers or 0),
                          "credited": int(item.credited or 0), "reversed": int(item.reversed or 0)}}

    # -- touches -----------------------------------------------------------------------------
    def touch(self, user_id: str, raw_code: str) -> dict:
        code = rules.normalize_code(raw_code)
        item = self._repo.code(code) if code else None
        if item is None:
            raise NotFoundError("This invite code does not exist", code="INVITE_CODE_NOT_FOUND")
        if item.user_id == user_id:
            raise InvalidInputError("Opening your own poster does not count", code="SELF_REFERRAL")
        at = iso(self._clock.now())
        recorded = self._repo.add_touch(user_id, code, item.user_id, at, self._settings.referral_window_days)
        return {"invite_code": code, "at": at, "recorded": recorded,
                "window_days": self._settings.referral_window_days}

    # -- attribution (orders stream) ---------------------------------------------------------
    def on_paid(self, order) -> str:
        """A paid order: if it is the customer's first, credit the referrer of the last touch in the
        window (or of the order's invite code). Returns credited | unreferred | not_first | redelivered."""
        existing = self._repo.referral(order.user_id)
        if existing is not None:
            return self._replayed(existing, order)
        paid_at = order.paid_at or order.created_at
        window = self._settings.referral_window_days
        touches = self._repo.touches(order.user_id, iso(parse_iso(paid_at) - timedelta(days=window)), paid_at)
        code = rules.normalize_code(order.invite_code)
        if code:
            owner = self._repo.owners([code]).get(code)
            if owner:
                touches.append(rules.Touch(at=order.created_at, invite_code=code, referrer_id=owner))
        touch = rules.pick_referrer(order.user_id, paid_at, window, touches)
        if touch is None:
            return "unreferred" if self._repo.record_first_order(order.user_id, order.order_id, paid_at) \
                else self._replayed(self._repo.referral(order.user_id), order)
        community = self._catalog.user_community(touch.referrer_id)
        credit = Credit(user_id=order.user_id, order_id=order.order_id, referrer_id=touch.referrer_id,
                        invite_code=touch.invite_code, period=rules.period_of(paid_at, self._settings.tz),
                        community_id=community, at=paid_at)
        if not _retrying(lambda: self._repo.credit(credit)):
            return self._replayed(self._repo.referral(order.user_id), order)
        self._honour(credit)
        return "credited"

    def _replayed(self, existing, order) -> str:
        if existing.order_id != order.order_id:
            return "not_first"  # referred at most once; a later order never credits
        if existing.status == rules.CREDITED:
            self._honour(_credit_of(existing))  # the honour may not have been posted before a crash
        return "redelivered"

    def on_refunded(self, order) -> bool:
        """A refund of the credited first order takes the credit back (once)."""
        existing = self._repo.referral(order.user_id)
        if existing is None or existing.order_id != order.order_id or existing.status != rules.CREDITED:
            return False
        return _retrying(lambda: self._repo.reverse(_credit_of(existing), iso(self._clock.now())))

    def _honour(self, credit: Credit) -> None:
        if not credit.community_id:
            return  # the referrer has no community to be honoured in
        # once per referrer and week, however many friends they bring: a community group is not a ticker
        week = rules.week_of(credit.at, self._settings.tz)
        name = mask_name(self._catalog.display_names([credit.referrer_id]).get(credit.referrer_id))
        self._outbox.post(f"referral_honour:{credit.referrer_id}:{week}", f"community:{credit.community_id}",
                          "referral_honour", f"恭喜@{name} 成为本周的社区美食推荐官")

    # -- leaderboard -------------------------------------------------------------------------
    def leaderboard(self, period: str, community_id: str | None, limit: int, cursor: str | None) -> dict:
        entries, next_cursor = self._repo.leaderboard(rules.boards(period, community_id)[-1], limit, cursor)
        names = self._catalog.display_names([user_id for _, user_id, _ in entries])
        return {"period": period, "community_id": community_id, "next_cursor": next_cursor,
                "items": [{"rank": rank, "user_id": user_id, "display_name": mask_name(names.get(user_id)),
                           "count": count} for rank, user_id, count in entries]}


def _credit_of(item) -> Credit:
    return Credit(user_id=item.user_id, order_id=item.order_id, referrer_id=item.referrer_id,
                  invite_code=item.invite_code, period=item.period, community_id=item.community_id, at=item.at)


def _retrying(write, attempts: int = 5) -> bool:
    """Run a transactional write, backing off on TransactionConflict (a hot leaderboard row)."""
    for attempt in range(attempts):
        try:
            return write()
        except TxCancelled as exc:
            if not exc.conflict or attempt == attempts - 1:
                raise
            time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
    return False
