"""Batches, the effects ledger, the live-room feed and the outbox in DynamoDB.

Every stream effect is written so that applying it twice changes nothing: counters move in the same
transaction as a ledger item that can only be created once; feed events and outbox messages have
keys derived from their cause and are put with `attribute_not_exists`.
"""
from __future__ import annotations

import random
import time
from datetime import timedelta

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from ...domain.batching import OPEN, Batch
from ...domain.timefmt import parse_iso
from .models import BatchModel, EffectModel, FeedModel, OutboxModel
from .transactions import Tx, TxCancelled
from .transactions import conditional_failed as _conditional_failed

LEDGER_DAYS = 14
MAX_TX_ITEMS = 100


def _batch(m: BatchModel) -> Batch:
    return Batch(community_id=m.community_id, batch_id=m.batch_id, units=int(m.units or 0),
                 threshold=int(m.threshold), state=m.state, delivery_at=m.delivery_at,
                 live_session_id=m.live_session_id, cutoff_at=m.cutoff_at, decided_at=m.decided_at)


class AutomationRepository:
    def __init__(self, connection) -> None:
        self._connection = connection

    # -- batches -----------------------------------------------------------------------------
    def add_units(self, community_id: str, batch_id: str, effects: list[tuple[str, int]], *, threshold: int,
                  live_session_id: str | None, cutoff_at: str | None, now: str) -> int:
        """Apply (effect_id, units) pairs to one batch, each at most once ever; returns units applied.

        One TransactWriteItems per 99 effects: the ledger puts plus ONE counter update with their sum.
        Effects already in the ledger (a re-delivery) are dropped and the rest retried.
        """
        applied = 0
        pending = list(effects)
        while pending:
            chunk, pending = pending[:MAX_TX_ITEMS - 1], pending[MAX_TX_ITEMS - 1:]
            applied += self._apply_chunk(community_id, batch_id, chunk, threshold, live_session_id, cutoff_at, now)
        return applied

    def _apply_chunk(self, community_id, batch_id, chunk, threshold, live_session_id, cutoff_at, now) -> int:
        expires = parse_iso(now) + timedelta(days=LEDGER_DAYS)
        for attempt in range(6):
            if not chunk:
                return 0
            b = BatchModel
            actions = [b.units.add(sum(units for _, units in chunk)), b.threshold.set(b.threshold | threshold),
                       b.state.set(b.state | OPEN), b.updated_at.set(now)]
            if live_session_id:
                actions.append(b.live_session_id.set(live_session_id))
            if cutoff_at:
                actions.append(b.cutoff_at.set(b.cutoff_at | cutoff_at))
            tx = Tx(self._connection)
            for effect_id, _ in chunk:
                tx.put(f"effect:{effect_id}", EffectModel(effect_id, expires=expires),
                       condition=EffectModel.effect_id.does_not_exist())
            tx.update("batch", BatchModel(community_id, batch_id), actions)
            try:
                tx.commit()
                return sum(units for _, units in chunk)
            except TxCancelled as exc:
                done = {label.split(":", 1)[1] for label in exc.failures if exc.failed(label)}
                if not done and not exc.conflict:
                    raise
                chunk = [(e, u) for e, u in chunk if e not in done]
                if exc.conflict:
                    time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
        raise TxCancelled({})

    def get_batch(self, community_id: str, batch_id: str, consistent: bool = True) -> Batch | None:
        try:
            return _batch(BatchModel.get(community_id, batch_id, consistent_read=consistent))
        except DoesNotExist:
            return None

    def decide(self, community_id: str, batch_id: str, target: str, now: str, *, delivery_at: str | None,
               require_reached: bool) -> bool:
        """open -> confirmed | below_threshold, once. True only for the call that made the change."""
        b = BatchModel
        condition = b.state == OPEN
        if require_reached:
            condition &= b.units >= b.threshold
        actions = [b.state.set(target), b.decided_at.set(now), b.updated_at.set(now), b.cutoff_at.remove()]
        if delivery_at:
            actions.append(b.delivery_at.set(delivery_at))
        try:
            BatchModel(community_id, batch_id).update(actions=actions, condition=condition)
            return True
        except UpdateError as exc:
            if _conditional_failed(exc):
                return False
            raise

    def open_batches_of_session(self, session_id: str) -> list[Batch]:
        return [_batch(m) for m in BatchModel.session_index.query(session_id) if m.state == OPEN]

    def set_cutoff(self, community_id: str, batch_id: str, cutoff_at: str) -> None:
        try:
            BatchModel(community_id, batch_id).update(actions=[BatchModel.cutoff_at.set(cutoff_at)],
                                                      condition=BatchModel.state == OPEN)
        except UpdateError as exc:
            if not _conditional_failed(exc):
                raise

    def due_for_cutoff(self, now: str, limit: int = 100) -> list[Batch]:
        return [_batch(m) for m in BatchModel.cutoff_index.query(OPEN, BatchModel.cutoff_at <= now, limit=limit)]

    # -- effects ledger -----------------------------------------------------------------------
    def claim_effects(self, effect_ids: list[str], now: str) -> None:
        """Record effects as applied; raises TxCancelled (labelled) for any applied before."""
        expires = parse_iso(now) + timedelta(days=LEDGER_DAYS)
        tx = Tx(self._connection)
        for effect_id in effect_ids:
            tx.put(f"effect:{effect_id}", EffectModel(effect_id, expires=expires),
                   condition=EffectModel.effect_id.does_not_exist())
        tx.commit()

    # -- feed ---------------------------------------------------------------------------------
    def put_feed(self, session_id: str, key: str, kind: str, at: str, text: str, data: dict,
                 once_effect: str | None = None) -> bool:
        """Put a feed event unless it exists (or, with `once_effect`, unless that effect was applied)."""
        item = FeedModel(session_id, key, type=kind, at=at, text=text, data=data,
                         expires=parse_iso(at) + timedelta(days=30))
        if once_effect:
            tx = Tx(self._connection)
            tx.put("feed", item, condition=FeedModel.event_key.does_not_exist())
            tx.put("effect", EffectModel(once_effect, expires=parse_iso(at) + timedelta(days=LEDGER_DAYS)),
                   condition=EffectModel.effect_id.does_not_exist())
            try:
                tx.commit()
                return True
            except TxCancelled as exc:
                if exc.conflict:
                    raise
                return False
        try:
            item.save(condition=FeedModel.event_key.does_not_exist())
            return True
        except PutError as exc:
            if _conditional_failed(exc):
                return False
            raise

    def feed(self, session_id: str, since: str | None, limit: int, start: dict | None):
        # "~" sorts after every key character, so events stamped exactly `since` are not sent again
        condition = FeedModel.event_key > f"{since}#~" if since else None
        result = FeedModel.query(session_id, condition, limit=limit, last_evaluated_key=start)
        return list(result), result.last_evaluated_key

    # -- outbox -------------------------------------------------------------------------------
    def post(self, message_id: str, channel: str, kind: str, text: str, now: str) -> bool:
        try:
            OutboxModel(message_id, channel=channel, kind=kind, text=text, status="pending", attempts=0,
                        undelivered="1", created_at=now).save(condition=OutboxModel.message_id.does_not_exist())
            return True
        except PutError as exc:
            if _conditional_failed(exc):
                return False
            raise

    def claim(self, message_id: str, now: str, lease_until: str) -> OutboxModel | None:
        """Take the right to send: pending/failed, or a sending lease that has run out."""
        o = OutboxModel
        item = OutboxModel(message_id)
        try:
            item.update(actions=[o.status.set("sending"), o.lease_until.set(lease_until), o.attempts.add(1)],
                        condition=o.status.is_in("pending", "failed")
                        | ((o.status == "sending") & (o.lease_until < now)))
            return item
        except UpdateError as exc:
            if _conditional_failed(exc):
                return None
            raise

    def mark_sent(self, message_id: str, now: str) -> None:
        o = OutboxModel
        OutboxModel(message_id).update(actions=[o.status.set("sent"), o.sent_at.set(now), o.undelivered.remove(),
                                                o.lease_until.remove()], condition=o.status == "sending")

    def mark_failed(self, message_id: str, error: str) -> None:
        o = OutboxModel
        OutboxModel(message_id).update(actions=[o.status.set("failed"), o.last_error.set(error[:500]),
                                                o.lease_until.remove()], condition=o.status == "sending")

    def undelivered(self, created_before: str, limit: int = 100) -> list[OutboxModel]:
        return list(OutboxModel.undelivered_index.query("1", OutboxModel.created_at <= created_before, limit=limit))

    def message(self, message_id: str) -> OutboxModel | None:
        try:
            return OutboxModel.get(message_id, consistent_read=True)
        except DoesNotExist:
            return None
