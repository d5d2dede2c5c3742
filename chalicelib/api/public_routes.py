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


@endpoint(bp, "/live-sessions/{session_id}/feed", query=s.FeedQuery, response=s.FeedOut, errors=(400,))
def live_feed(call, session_id):
    """Recent live-room events (orders placed, low stock, sold out, batch reached), oldest first."""
    q = call.query
    items, cursor = services().feed.read(session_id, q.since, q.limit, q.cursor)
    return s.FeedOut(items=[s.FeedEventOut(**item) for item in items], next_cursor=cursor)


@endpoint(bp, "/communities/{community_id}/batches/{batch_id}", response=s.BatchOut, errors=(404,))
def community_batch(call, community_id, batch_id):
    """A community batch's progress toward its threshold."""
    b = services().batching.view(community_id, batch_id)
    return s.BatchOut(community_id=b.community_id, batch_id=b.batch_id, units=b.units, threshold=b.threshold,
                      state=b.state, progress=b.progress, delivery_at=b.delivery_at)
