"""Shopper routes: sign-in, my community, checkout and my orders."""
from __future__ import annotations

from chalice import Blueprint

from ..bootstrap import services
from ..domain.timefmt import iso
from . import schemas as s
from . import serialize
from .framework import PUBLIC, SHOPPER, endpoint

bp = Blueprint(__name__)


def _provider() -> str:
    return services().settings.payment_providers[0]


@endpoint(bp, "/auth/login", "POST", auth=PUBLIC, body=s.LoginIn, response=s.LoginOut, errors=(400, 401, 503))
def login(call):
    """Exchange a mini-program login code for a bearer token."""
    session = services().auth.login(call.body.code, call.body.nickname)
    return s.LoginOut(token=session.token, user_id=session.user_id, expires_at=iso(session.expires_at))


@endpoint(bp, "/me/community", "PUT", auth=SHOPPER, body=s.MyCommunityIn, response=s.CommunityOut,
          errors=(400, 401, 404))
def set_my_community(call):
    """Choose the community (pickup point) my orders are batched with."""
    return serialize.community(services().catalog.set_my_community(call.user_id, call.body.community_id))


@endpoint(bp, "/orders", "POST", auth=SHOPPER, body=s.OrderIn, response=s.OrderOut, status=201,
          errors=(400, 401, 404, 409, 422, 503))
def place_order(call):
    """Reserve capacity (live) or stock and create a pending order. Requires Idempotency-Key."""
    key = (call.request.headers or {}).get("idempotency-key")
    request = call.body.model_dump(exclude_none=True)
    order, replayed = services().checkout.place_order(call.user_id, key, request)
    if replayed:
        call.headers["Idempotent-Replayed"] = "true"
    return serialize.order(order, _provider())


@endpoint(bp, "/orders/{order_id}", "GET", auth=SHOPPER, response=s.OrderOut, errors=(401, 404))
def get_order(call, order_id):
    """One of my orders (another shopper's order is 404)."""
    return serialize.order(services().orders.get_for_user(call.user_id, order_id), _provider())


@endpoint(bp, "/orders/{order_id}/cancel", "POST", auth=SHOPPER, response=s.OrderOut, errors=(401, 404, 409))
def cancel_order(call, order_id):
    """Cancel a pending order and give its units back."""
    return serialize.order(services().orders.cancel(call.user_id, order_id), _provider())


@endpoint(bp, "/me/orders", "GET", auth=SHOPPER, query=s.ListQuery, response=s.OrderListOut, errors=(400, 401))
def my_orders(call):
    """My orders, newest first."""
    orders, cursor = services().orders.list_for_user(call.user_id, call.query.limit, call.query.cursor)
    return s.OrderListOut(items=[serialize.order(o, _provider()) for o in orders], next_cursor=cursor)
