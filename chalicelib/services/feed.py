"""The live-room feed: social proof written from the streams, read by the live room."""
from __future__ import annotations

from ..adapters.dynamodb import cursors
from ..domain import feed as rules
from ..domain.errors import InvalidInputError
from ..domain.timefmt import iso, parse_iso


class FeedService:
    def __init__(self, repo, catalog_repo, settings) -> None:
        self._repo, self._catalog, self._settings = repo, catalog_repo, settings

    def orders_placed(self, orders: list) -> int:
        """One `order_placed` event per new live order; names are masked, communities named."""
        live = [o for o in orders if o.live_session_id]
        if not live:
            return 0
        names = self._catalog.display_names([o.user_id for o in live])
        communities = self._catalog.community_names([o.community_id for o in live if o.community_id])
        written = 0
        for order in live:
            text = rules.order_placed_text(names.get(order.user_id), communities.get(order.community_id), order.units)
            written += self._repo.put_feed(
                order.live_session_id, rules.event_key(order.created_at, rules.ORDER_PLACED, order.order_id),
                rules.ORDER_PLACED, order.created_at, text,
                {"quantity": order.units, "community_id": order.community_id or ""})
        return written

    def offer_changed(self, session_id: str, product_id: str, before: int, after: int, at: str) -> int:
        """Low-stock thresholds crossed on the way down, and sold out: each announced once per offer."""
        written = 0
        for threshold in rules.crossed(before, after, self._settings.low_stock_thresholds):
            written += self._repo.put_feed(
                session_id, rules.event_key(at, rules.LOW_STOCK, f"{product_id}:{threshold}"), rules.LOW_STOCK,
                at, rules.low_stock_text(after), {"product_id": product_id, "remaining": after},
                once_effect=f"feed:low_stock:{session_id}:{product_id}:{threshold}")
        if after <= 0 < before:
            written += self._repo.put_feed(
                session_id, rules.event_key(at, rules.SOLD_OUT, product_id), rules.SOLD_OUT, at, "sold out",
                {"product_id": product_id, "remaining": 0}, once_effect=f"feed:sold_out:{session_id}:{product_id}")
        return written

    def batch_reached(self, session_id: str, community_id: str, at: str, text: str) -> bool:
        return self._repo.put_feed(session_id, rules.event_key(at, rules.BATCH_REACHED, community_id),
                                   rules.BATCH_REACHED, at, text, {"community_id": community_id})

    def read(self, session_id: str, since: str | None, limit: int, cursor: str | None):
        if since:
            try:
                since = iso(parse_iso(since))
            except ValueError:
                raise InvalidInputError("since must be an ISO-8601 timestamp", fields={"since": "invalid"}) from None
        start = cursors.decode(cursor, {"session_id", "event_key"}, {"session_id": session_id})
        items, last = self._repo.feed(session_id, since, limit, start)
        events = [{"type": i.type, "at": i.at, "text": i.text, **(i.data.as_dict() if i.data else {})} for i in items]
        return events, cursors.encode(last)
