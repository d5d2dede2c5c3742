"""Share posters: the spec (what it shows), the render (only when that spec was never rendered), and
the shares that follow. The poster id is the spec's hash, so the same inputs are the same poster."""
from __future__ import annotations

import secrets
from datetime import timedelta

from ..adapters.dynamodb.models import PosterModel, ShareModel
from ..domain import posters as rules
from ..domain.errors import ConflictError, NotFoundError
from ..domain.orders import LIVE, PAID, CONFIRMED, READY_FOR_PICKUP, COMPLETED
from ..domain.timefmt import iso, parse_iso

RECORD_DAYS = 170  # the bucket expires poster objects after 180 days; the record goes first
SHAREABLE = (PAID, CONFIRMED, READY_FOR_PICKUP, COMPLETED)


class PosterService:
    def __init__(self, repo, store, renderer, drawable, referrals, catalog_repo, sessions, orders, shares_repo,
                 clock) -> None:
        self._repo, self._store, self._renderer, self._drawable = repo, store, renderer, drawable
        self._referrals, self._catalog, self._sessions = referrals, catalog_repo, sessions
        self._orders, self._shares, self._clock = orders, shares_repo, clock

    # -- posters -----------------------------------------------------------------------------
    def create(self, user_id: str, product_id: str, live_session_id: str | None, text: str | None,
               fmt: str) -> tuple[dict, bool]:
        """The poster for these inputs; renders only if it was never rendered. Returns (poster, created)."""
        product = self._catalog.get_product(product_id)
        if product is None:
            raise NotFoundError(f"Product {product_id} does not exist", code="PRODUCT_NOT_FOUND")
        price, live = product.list_price, False
        if live_session_id:
            offer = self._sessions.get_session(live_session_id).offer_for(product_id)
            if offer is None:
                raise NotFoundError(f"Product {product_id} is not offered in live session {live_session_id}",
                                    code="OFFER_NOT_FOUND")
            price, live = offer.live_price, True
        clean = rules.clean_text(text, self._drawable())
        return self._ensure(user_id, self._spec(user_id, product, price, live, live_session_id, clean, fmt))

    def _spec(self, user_id, product, price, live, session_id, text, fmt) -> rules.PosterSpec:
        code = self._referrals.ensure_code(user_id)
        return rules.PosterSpec(format=fmt, product_id=product.product_id, title=product.title, price=price,
                                list_price=product.list_price, live=live,
                                image=product.images[0] if product.images else None, text=text,
                                invite_code=code, path=rules.poster_path(code, product.product_id, session_id),
                                live_session_id=session_id)

    def _ensure(self, user_id: str, spec: rules.PosterSpec) -> tuple[dict, bool]:
        poster_id = spec.poster_id()
        existing = self._repo.get(poster_id)
        if existing is not None:
            return self._view(existing), False
        png = self._renderer().render(spec)
        self._store.put(poster_id, png)  # the object first: a record always points at a stored PNG
        width, height = spec.size
        item = PosterModel(poster_id, user_id=user_id, format=spec.format, width=width, height=height,
                           product_id=spec.product_id, live_session_id=spec.live_session_id,
                           invite_code=spec.invite_code, bytes=len(png), created_at=iso(self._clock.now()),
                           expires=self._clock.now() + timedelta(days=RECORD_DAYS))
        created = self._repo.put(item)
        return self._view(item), created

    def _view(self, item: PosterModel) -> dict:
        return {"poster_id": item.poster_id, "url": self._store.url(item.poster_id), "width": int(item.width),
                "height": int(item.height), "format": item.format, "product_id": item.product_id,
                "live_session_id": item.live_session_id, "invite_code": item.invite_code,
                "created_at": item.created_at}

    def _owned(self, user_id: str, poster_id: str) -> PosterModel:
        item = self._repo.get(poster_id) if poster_id.startswith("ps_") else None
        if item is None or item.user_id != user_id:  # someone else's poster is indistinguishable from none
            raise NotFoundError(f"Poster {poster_id} does not exist", code="POSTER_NOT_FOUND")
        return item

    def image(self, user_id: str, poster_id: str) -> bytes:
        self._owned(user_id, poster_id)
        return self._store.get(poster_id)

    def describe(self, user_id: str, poster_id: str) -> dict:
        return self._view(self._owned(user_id, poster_id))

    # -- the default poster of a paid order ---------------------------------------------------
    def for_order(self, user_id: str, order_id: str) -> dict:
        order = self._orders.get(order_id)
        if order is None or order.user_id != user_id:
            raise NotFoundError(f"Order {order_id} does not exist", code="ORDER_NOT_FOUND")
        if order.status not in SHAREABLE:
            raise ConflictError(f"An order that is {order.status} has no share poster", code="ORDER_NOT_PAID",
                                status=order.status)
        return self.prerender(order)[0]

    def prerender(self, order) -> tuple[dict, bool]:
        """The order's default poster (orders stream, on payment): its first line at the price paid."""
        line = order.lines[0]
        product = self._catalog.get_product(line.product_id)
        if product is None:
            raise NotFoundError(f"Product {line.product_id} does not exist", code="PRODUCT_NOT_FOUND")
        live = line.kind == LIVE
        spec = self._spec(order.user_id, product, line.unit_price, live,
                          order.live_session_id if live else None, "", rules.DEFAULT_FORMAT)
        return self._ensure(order.user_id, spec)

    # -- shares ------------------------------------------------------------------------------
    def share(self, user_id: str, order_id: str | None, poster_id: str | None, channel: str) -> dict:
        order = None  # (the request model requires an order_id or a poster_id)
        if order_id:
            order = self._orders.get(order_id)
            if order is None or order.user_id != user_id:
                raise NotFoundError(f"Order {order_id} does not exist", code="ORDER_NOT_FOUND")
        poster = self._owned(user_id, poster_id) if poster_id else None
        now = self._clock.now()
        at = iso(now)
        minutes = None
        if order is not None and order.paid_at:
            minutes = round((now - parse_iso(order.paid_at)) / timedelta(minutes=1), 1)
        session_id = (order.live_session_id if order else None) or (poster.live_session_id if poster else None)
        share_id = "sh_" + secrets.token_hex(8)
        self._shares.record(ShareModel(user_id, f"{at}#{share_id}", share_id=share_id, channel=channel,
                                       order_id=order_id, poster_id=poster_id, live_session_id=session_id, at=at,
                                       minutes_after_payment=minutes))
        return {"share_id": share_id, "order_id": order_id, "poster_id": poster_id, "channel": channel, "at": at,
                "live_session_id": session_id, "minutes_after_payment": minutes}
