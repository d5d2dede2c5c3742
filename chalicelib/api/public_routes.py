"""Public routes: catalog, live sessions, health."""
from __future__ import annotations

from chalice import Blueprint

from ..bootstrap import services
from . import schemas as s
from . import serialize
from .framework import endpoint

bp = Blueprint(__name__)


@endpoint(bp, "/health", response=s.HealthOut)
def health(call):
    """Liveness: answers once the API is serving."""
    return s.HealthOut(status="ok", stage=services().settings.stage)


@endpoint(bp, "/products", query=s.ProductsQuery, response=s.ProductListOut, errors=(400,))
def list_products(call):
    """Active products, optionally of one category."""
    q = call.query
    items, cursor = services().catalog.list_products(q.category, q.limit, q.cursor)
    return s.ProductListOut(items=[serialize.product(p) for p in items], next_cursor=cursor)


@endpoint(bp, "/products/{product_id}", response=s.ProductOut, errors=(404,))
def get_product(call, product_id):
    """One active product."""
    return serialize.product(services().catalog.get_product(product_id))


@endpoint(bp, "/live-sessions/{session_id}", response=s.LiveSessionOut, errors=(404,))
def get_live_session(call, session_id):
    """A live session: its state and, per offer, live and list price, remaining and sold_out."""
    session, list_prices = services().sessions.view(session_id)
    return serialize.live_session(session, list_prices)
