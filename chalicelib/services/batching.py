"""Community batching (社区集单): paid units fill a batch; crossing its threshold confirms it once.

Driven by streams: the orders stream counts units in and out (`count`), the batches stream carries
out what a decision implies (`on_decided`), and the cut-off schedule decides the batches that never
reached their threshold (`cut_off`). Each step is idempotent under re-delivery.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..domain import batching as rules
from ..domain.orders import CONFIRMED, PAID, REFUND_REQUIRED
from ..domain.timefmt import iso, parse_iso


@dataclass(frozen=True)
class UnitChange:
    """One order's contribution to its batch: +units when paid, -units when refunded."""
    effect_id: str
    batch_key: str
    units: int
    live_session_id: str | None


class BatchingService:
    def __init__(self, repo, orders_repo, catalog_repo, sessions_repo, outbox, feed, clock, settings) -> None:
        self._repo, self._orders, self._catalog, self._sessions = repo, orders_repo, catalog_repo, sessions_repo
        self._outbox, self._feed, self._clock, self._settings = outbox, feed, clock, settings

    def count(self, changes: list[UnitChange]) -> dict[str, rules.Batch | None]:
        """Apply unit changes aggregated per batch (one transaction per batch, not per order), then
        decide the batches that reached their threshold. Returns each touched batch as it now is."""
        by_batch: dict[str, list[UnitChange]] = defaultdict(list)
        for change in changes:
            by_batch[change.batch_key].append(change)
        result = {}
        now = iso(self._clock.now())
        for key, group in by_batch.items():
            community_id, batch_id = rules.split_batch_key(key)
            community = self._catalog.get_community(community_id)
            if community is None:
                result[key] = None  # the community was never created: nothing to batch
                continue
            session_id = group[0].live_session_id
            self._repo.add_units(
                community_id, batch_id, [(c.effect_id, c.units) for c in group], threshold=community.batch_threshold,
                live_session_id=session_id, cutoff_at=self._cutoff(batch_id, session_id), now=now)
            batch = self._repo.get_batch(community_id, batch_id)
            if batch.state == rules.OPEN and batch.reached and self._decide(batch, rules.CONFIRMED, True):
                batch = self._repo.get_batch(community_id, batch_id)
            result[key] = batch
        return result

    def _cutoff(self, batch_id: str, session_id: str | None) -> str | None:
        seconds = self._settings.batch_cutoff_seconds
        if not session_id:
            return rules.day_cutoff(batch_id, seconds, self._settings.tz)
        session = self._sessions.get_times(session_id)
        return rules.session_cutoff(session.get("ended_at") or session.get("scheduled_end"), seconds)

    def _decide(self, batch: rules.Batch, target: str, require_reached: bool) -> bool:
        now = iso(self._clock.now())
        delivery = None
        if target == rules.CONFIRMED:
            community = self._catalog.get_community(batch.community_id)
            delivery = rules.delivery_at(community.delivery_promise, now, self._settings.tz)
        return self._repo.decide(batch.community_id, batch.batch_id, target, now, delivery_at=delivery,
                                 require_reached=require_reached)

    def join_confirmed(self, orders: list, batch: rules.Batch | None) -> int:
        """Orders paid after their batch was confirmed join its delivery at once."""
        if batch is None or batch.state != rules.CONFIRMED:
            return 0
        return sum(self._move(order, CONFIRMED, delivery_at=batch.delivery_at) for order in orders)

    def on_decided(self, batch: rules.Batch) -> int:
        """Carry out a decision (batches stream): move the batch's paid orders, tell the community."""
        community = self._catalog.get_community(batch.community_id)
        key = rules.batch_key(batch.community_id, batch.batch_id)
        moved = 0
        if batch.state == rules.CONFIRMED:
            for order in self._orders.in_batch(key):
                if order.status == PAID:
                    moved += self._move(order, CONFIRMED, delivery_at=batch.delivery_at)
            text = rules.reached_message(community.name, batch.threshold, community.delivery_promise)
            self._outbox.post(f"batch_confirmed:{key}", f"community:{batch.community_id}", "batch_confirmed", text)
            if batch.live_session_id:
                self._feed.batch_reached(batch.live_session_id, batch.community_id, batch.decided_at, text)
        elif batch.state == rules.BELOW_THRESHOLD:
            for order in self._orders.in_batch(key):
                if order.status == PAID:
                    moved += self._move(order, REFUND_REQUIRED, refund_reason="batch_below_threshold")
            text = rules.below_threshold_message(community.name, batch.units, batch.threshold,
                                                 community.below_threshold_policy)
            self._outbox.post(f"batch_below_threshold:{key}", f"community:{batch.community_id}",
                              "batch_below_threshold", text)
        return moved

    def _move(self, order, target: str, *, delivery_at: str | None = None, refund_reason: str | None = None) -> bool:
        from ..adapters.dynamodb.orders_repo import UpdateError

        fields = {}
        if delivery_at:
            fields.update(delivery_at=delivery_at,
                          delivery_date=parse_iso(delivery_at).astimezone(self._settings.tz).date().isoformat())
        if refund_reason:
            fields["refund_reason"] = refund_reason
        try:
            self._orders.transition(order.order_id, (PAID,), target, iso(self._clock.now()), **fields)
            return True
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
            return False  # already moved (a re-delivery) or no longer paid

    def cut_off(self) -> dict[str, int]:
        """Decide every open batch past its cut-off: reached → confirmed, else the community's policy."""
        outcome = {rules.CONFIRMED: 0, rules.BELOW_THRESHOLD: 0}
        for batch in self._repo.due_for_cutoff(iso(self._clock.now())):
            community = self._catalog.get_community(batch.community_id)
            if batch.reached or community.below_threshold_policy == "deliver_anyway":
                target = rules.CONFIRMED
            else:
                target = rules.BELOW_THRESHOLD
            if self._decide(batch, target, require_reached=False):
                outcome[target] += 1
        return outcome

    def session_ended(self, session_id: str, ended_at: str) -> None:
        cutoff = rules.session_cutoff(ended_at, self._settings.batch_cutoff_seconds)
        for batch in self._repo.open_batches_of_session(session_id):
            self._repo.set_cutoff(batch.community_id, batch.batch_id, cutoff)

    def view(self, community_id: str, batch_id: str):
        from ..domain.errors import NotFoundError

        batch = self._repo.get_batch(community_id, batch_id, consistent=False)
        if batch is None:
            community = self._catalog.get_community(community_id)
            if community is None:
                raise NotFoundError(f"Community {community_id} does not exist", code="COMMUNITY_NOT_FOUND")
            return rules.Batch(community_id, batch_id, 0, community.batch_threshold, rules.OPEN)
        return batch

    def manifest(self, date: str) -> list[dict]:
        """Per pickup point: the confirmed orders delivered on `date`, their buyers and product totals."""
        from ..domain.feed import mask_name

        orders = [o for o in self._orders.for_delivery_date(date) if o.community_id]
        names = self._catalog.display_names([o.user_id for o in orders])
        by_community: dict[str, list] = defaultdict(list)
        for order in orders:
            by_community[order.community_id].append(order)
        points = []
        for community_id in sorted(by_community):
            community = self._catalog.get_community(community_id)
            totals: dict[str, int] = defaultdict(int)
            for order in by_community[community_id]:
                for line in order.lines:
                    totals[line.product_id] += line.quantity
            points.append({
                "community_id": community_id, "name": community.name if community else community_id,
                "pickup_point": {"name": community.pickup_point.name, "address": community.pickup_point.address}
                if community else {"name": "", "address": ""},
                "units": sum(totals.values()),
                "products": [{"product_id": p, "quantity": q} for p, q in sorted(totals.items())],
                "orders": [{"order_id": o.order_id, "buyer": mask_name(names.get(o.user_id)), "status": o.status,
                            "items": [{"product_id": l.product_id, "quantity": l.quantity} for l in o.lines]}
                           for o in sorted(by_community[community_id], key=lambda o: o.order_id)],
            })
        return points
