"""Operator routes (IAM-authenticated when deployed)."""
from __future__ import annotations

from chalice import Blueprint

from ..bootstrap import services
from ..domain.catalog import Community, DeliveryPromise, PickupPoint, Product
from ..domain.errors import InvalidInputError
from ..domain.live import LiveSession, Offer
from . import schemas as s
from . import serialize
from .framework import ADMIN, endpoint

bp = Blueprint(__name__)
_ID_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


def _check_id(name: str, value: str) -> str:
    if not 1 <= len(value) <= 64 or not set(value) <= _ID_CHARS:
        raise InvalidInputError(f"{name} must be 1-64 letters, digits, _ or -", fields={name: "invalid"})
    return value


@endpoint(bp, "/admin/products/{product_id}", "PUT", auth=ADMIN, body=s.ProductIn, response=s.ProductOut,
          errors=(400, 403))
def put_product(call, product_id):
    """Create or replace a product."""
    b = call.body
    product = Product(product_id=_check_id("product_id", product_id), title=b.title, list_price=b.list_price,
                      stock=b.stock, status=b.status, description=b.description, category=b.category,
                      images=tuple(b.images), tags=tuple(b.tags))
    return serialize.product(services().catalog.put_product(product))


@endpoint(bp, "/admin/communities/{community_id}", "PUT", auth=ADMIN, body=s.CommunityIn,
          response=s.CommunityOut, errors=(400, 403))
def put_community(call, community_id):
    """Create or replace a community and its pickup point."""
    b = call.body
    community = Community(community_id=_check_id("community_id", community_id), name=b.name,
                          pickup_point=PickupPoint(b.pickup_point.name, b.pickup_point.address),
                          batch_threshold=b.batch_threshold,
                          delivery_promise=DeliveryPromise(b.delivery_promise.days_after, b.delivery_promise.at),
                          below_threshold_policy=b.below_threshold_policy)
    return serialize.community(services().catalog.put_community(community))


@endpoint(bp, "/admin/live-sessions/{session_id}", "PUT", auth=ADMIN, body=s.LiveSessionIn,
          response=s.LiveSessionOut, errors=(400, 403, 404, 409))
def put_live_session(call, session_id):
    """Create or replace a live session and its flash-sale offers."""
    b = call.body
    session = LiveSession(session_id=_check_id("session_id", session_id), title=b.title, platform=b.platform,
                          platform_room_id=b.platform_room_id, scheduled_start=b.scheduled_start,
                          scheduled_end=b.scheduled_end,
                          offers=tuple(Offer(o.product_id, o.live_price, o.capacity, o.per_user_limit)
                                       for o in b.offers))
    svc = services().sessions
    svc.put_session(session)
    return serialize.live_session(*svc.view(session_id))


@endpoint(bp, "/admin/live-sessions/{session_id}/start", "POST", auth=ADMIN, response=s.LiveSessionOut,
          errors=(403, 404, 409))
def start_live_session(call, session_id):
    """scheduled -> live: the live prices become valid."""
    svc = services().sessions
    svc.start(session_id)
    return serialize.live_session(*svc.view(session_id))


@endpoint(bp, "/admin/live-sessions/{session_id}/end", "POST", auth=ADMIN, response=s.LiveSessionOut,
          errors=(403, 404, 409))
def end_live_session(call, session_id):
    """live (or scheduled) -> ended: no more live-price orders."""
    svc = services().sessions
    svc.end(session_id)
    return serialize.live_session(*svc.view(session_id))


@endpoint(bp, "/admin/pickup-manifests", auth=ADMIN, query=s.ManifestQuery, response=s.ManifestOut,
          errors=(400, 403))
def pickup_manifests(call):
    """Per pickup point: the orders, buyers, products and quantities delivered on a date."""
    return s.ManifestOut(date=call.query.date, pickup_points=services().batching.manifest(call.query.date))
