"""Invite codes, touches, referral credits and leaderboards in DynamoDB.

Every invariant is a condition: a code is created once and never overwritten; a customer's referral
item is put once (first paid order only, credited at most once); a reversal flips `credited` to
`reversed` once; leaderboard scores move in the same transaction as the credit that causes them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from pynamodb.exceptions import DoesNotExist, PutError

from ...domain import referrals as rules
from ...domain.timefmt import parse_iso
from . import cursors
from .models import LeaderboardModel, ReferralCodeModel, ReferralModel, TouchModel, UserModel
from .transactions import Tx, TxCancelled, conditional_failed


class CodeTaken(Exception):
    """The generated code belongs to someone else: draw another."""


@dataclass(frozen=True)
class Credit:
    user_id: str             # the customer
    order_id: str
    referrer_id: str
    invite_code: str
    period: str
    community_id: str | None
    at: str


class ReferralRepository:
    def __init__(self, connection) -> None:
        self._connection = connection

    # -- codes -------------------------------------------------------------------------------
    def code_of(self, user_id: str) -> str | None:
        try:
            return UserModel.get(user_id, attributes_to_get=["invite_code"], consistent_read=True).invite_code
        except DoesNotExist:
            return None

    def create_code(self, user_id: str, code: str, now: str) -> bool:
        """Give the user this code. False if the user already has one; CodeTaken if it is someone's."""
        tx = Tx(self._connection)
        tx.put("code", ReferralCodeModel(code, user_id=user_id, created_at=now),
               condition=ReferralCodeModel.invite_code.does_not_exist())
        tx.update("user", UserModel(user_id), [UserModel.invite_code.set(code)],
                  condition=UserModel.user_id.exists() & UserModel.invite_code.does_not_exist())
        try:
            tx.commit()
            return True
        except TxCancelled as exc:
            if exc.failed("user"):
                return False
            if exc.failed("code"):
                raise CodeTaken(code) from None
            raise

    def code(self, code: str) -> ReferralCodeModel | None:
        try:
            return ReferralCodeModel.get(code)
        except DoesNotExist:
            return None

    def owners(self, codes: list[str]) -> dict[str, str]:
        codes = list(dict.fromkeys(codes))
        return {m.invite_code: m.user_id for m in ReferralCodeModel.batch_get(codes)} if codes else {}

    # -- touches -----------------------------------------------------------------------------
    def add_touch(self, user_id: str, code: str, referrer_id: str, at: str, keep_days: int) -> bool:
        """Record a touch and count it on the code; the same code touched twice in a second is one touch."""
        tx = Tx(self._connection)
        tx.put("touch", TouchModel(user_id, f"{at}#{code}", invite_code=code, referrer_id=referrer_id, at=at,
                                   expires=parse_iso(at) + timedelta(days=keep_days + 1)),
               condition=TouchModel.touch_key.does_not_exist())
        tx.update("code", ReferralCodeModel(code), [ReferralCodeModel.touches.add(1)],
                  condition=ReferralCodeModel.invite_code.exists())
        return tx.commit_unless("touch")

    def touches(self, user_id: str, since: str, until: str) -> list[rules.Touch]:
        # "~" sorts after every code character: touches stamped exactly `until` are included
        found = TouchModel.query(user_id, TouchModel.touch_key.between(since, f"{until}#~"), consistent_read=True)
        return [rules.Touch(at=m.at, invite_code=m.invite_code, referrer_id=m.referrer_id) for m in found]

    # -- credits -----------------------------------------------------------------------------
    def referral(self, user_id: str) -> ReferralModel | None:
        try:
            return ReferralModel.get(user_id, consistent_read=True)
        except DoesNotExist:
            return None

    def record_first_order(self, user_id: str, order_id: str, at: str) -> bool:
        """The customer's first paid order had no referrer. False if a first order is already recorded."""
        try:
            ReferralModel(user_id, order_id=order_id, status=rules.UNREFERRED, at=at).save(
                condition=ReferralModel.user_id.does_not_exist())
            return True
        except PutError as exc:
            if conditional_failed(exc):
                return False
            raise

    def credit(self, credit: Credit) -> bool:
        """Credit the referrer, count it on the code and on the boards - all or nothing, once per customer."""
        tx = Tx(self._connection)
        tx.put("referral", ReferralModel(credit.user_id, order_id=credit.order_id, status=rules.CREDITED,
                                         referrer_id=credit.referrer_id, invite_code=credit.invite_code,
                                         period=credit.period, community_id=credit.community_id, at=credit.at),
               condition=ReferralModel.user_id.does_not_exist())
        c = ReferralCodeModel
        tx.update("code", ReferralCodeModel(credit.invite_code), [c.referred_customers.add(1), c.credited.add(1)],
                  condition=c.user_id == credit.referrer_id)
        self._move_boards(tx, credit, +1)
        return tx.commit_unless("referral")

    def reverse(self, credit: Credit, now: str) -> bool:
        """Take a credit back (its order was refunded); once."""
        r, c = ReferralModel, ReferralCodeModel
        tx = Tx(self._connection)
        tx.update("referral", ReferralModel(credit.user_id), [r.status.set(rules.REVERSED), r.reversed_at.set(now)],
                  condition=(r.status == rules.CREDITED) & (r.order_id == credit.order_id))
        tx.update("code", ReferralCodeModel(credit.invite_code), [c.referred_customers.add(-1), c.reversed.add(1)])
        self._move_boards(tx, credit, -1)
        return tx.commit_unless("referral")

    @staticmethod
    def _move_boards(tx: Tx, credit: Credit, delta: int) -> None:
        lb = LeaderboardModel
        base = rules.score_base(credit.at, credit.referrer_id)
        for board in rules.boards(credit.period, credit.community_id):
            tx.update(f"board:{board}", LeaderboardModel(board, credit.referrer_id),
                      [lb.score.set((lb.score | base) + delta * rules.COUNT_UNIT), lb.count.add(delta)])

    # -- leaderboards ------------------------------------------------------------------------
    def leaderboard(self, board: str, limit: int, cursor: str | None) -> tuple[list[tuple[int, str, int]], str | None]:
        """Entries (rank, user_id, count) best first, from the rank index - never a scan."""
        start = cursors.decode(cursor, {"board", "user_id", "score", "rank"}, {"board": board})
        rank = int(start.pop("rank")["N"]) if start else 0
        result = LeaderboardModel.rank_index.query(board, scan_index_forward=False, limit=limit,
                                                   filter_condition=LeaderboardModel.count > 0,
                                                   last_evaluated_key=start)
        entries = []
        for item in result:
            rank += 1
            entries.append((rank, item.user_id, int(item.count)))
        last = result.last_evaluated_key
        return entries, cursors.encode({**last, "rank": {"N": str(rank)}}) if last else None
