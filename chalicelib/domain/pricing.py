"""Server-side pricing: the only place a unit price is decided. Client prices are never read."""
from __future__ import annotations

from typing import Mapping, Sequence

from .catalog import Product
from .errors import InvalidInputError, LimitExceededError, NotFoundError, OfferNotLiveError
from .live import LiveSession
from .orders import LIVE, REGULAR, OrderLine

MAX_LINES = 10
MAX_QUANTITY = 99


def check_requested(lines: Sequence[tuple[str, int]]) -> None:
    if not lines:
        raise InvalidInputError("An order needs at least one item", fields={"items": "empty"})
    if len(lines) > MAX_LINES:
        raise InvalidInputError(f"At most {MAX_LINES} items per order", fields={"items": "too many"})
    seen: set[str] = set()
    for product_id, quantity in lines:
        if product_id in seen:
            raise InvalidInputError(f"Product {product_id} appears twice; send one line per product",
                                    fields={"items": "duplicate product_id"})
        seen.add(product_id)
        if not 1 <= quantity <= MAX_QUANTITY:
            raise InvalidInputError(f"Quantity must be between 1 and {MAX_QUANTITY}",
                                    fields={"items.quantity": "out of range"})


def price_live(session: LiveSession, lines: Sequence[tuple[str, int]]) -> tuple[OrderLine, ...]:
    """Price every line at the session's live price; only valid while the session is live."""
    check_requested(lines)
    priced = []
    for product_id, quantity in lines:
        offer = session.offer_for(product_id)
        if offer is None:
            raise NotFoundError(f"Product {product_id} is not offered in live session {session.session_id}",
                                code="OFFER_NOT_FOUND")
        if offer.per_user_limit and quantity > offer.per_user_limit:
            raise LimitExceededError(f"At most {offer.per_user_limit} of {product_id} per customer",
                                     limit=offer.per_user_limit, product_id=product_id)
        priced.append(OrderLine(product_id, quantity, offer.live_price, LIVE,
                                limited=bool(offer.per_user_limit)))
    if not session.is_live:
        raise OfferNotLiveError(f"Live session {session.session_id} is {session.state}; "
                                "the live price is only valid while it is live", state=session.state)
    return tuple(priced)


def price_regular(products: Mapping[str, Product], lines: Sequence[tuple[str, int]]) -> tuple[OrderLine, ...]:
    check_requested(lines)
    priced = []
    for product_id, quantity in lines:
        product = products.get(product_id)
        if product is None or not product.purchasable:
            raise NotFoundError(f"Product {product_id} does not exist", code="PRODUCT_NOT_FOUND")
        priced.append(OrderLine(product_id, quantity, product.list_price, REGULAR))
    return tuple(priced)
