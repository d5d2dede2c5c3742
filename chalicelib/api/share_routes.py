"""The share loop: my invite code, touches, posters, shares and the referral leaderboard."""
from __future__ import annotations

from chalice import Blueprint, Response

from ..bootstrap import services
from . import schemas as s
from .framework import PUBLIC, SHOPPER, endpoint

bp = Blueprint(__name__)


@endpoint(bp, "/me/referral", "GET", auth=SHOPPER, response=s.ReferralOut, errors=(401,))
def my_referral(call):
    """My invite code (created on first use), the share path carrying it, and how it did."""
    return services().referrals.my_referral(call.user_id)


@endpoint(bp, "/referrals/touches", "POST", auth=SHOPPER, body=s.TouchIn, response=s.TouchOut, status=201,
          errors=(400, 401, 404))
def touch(call):
    """I opened someone's shared poster or link: their code may be credited with my first paid order."""
    return services().referrals.touch(call.user_id, call.body.invite_code)


@endpoint(bp, "/leaderboards/referrals", "GET", auth=PUBLIC, query=s.LeaderboardQuery, response=s.LeaderboardOut,
          errors=(400,))
def referral_leaderboard(call):
    """Referrers of a month ranked by credited referrals (ties: who got there first), optionally per community."""
    q = call.query
    return services().referrals.leaderboard(q.period, q.community_id, q.limit, q.cursor)


@endpoint(bp, "/posters", "POST", auth=SHOPPER, body=s.PosterIn, response=s.PosterOut, status=201,
          errors=(400, 401, 404))
def create_poster(call):
    """Render my share poster (or return the one already rendered for the same inputs, with 200)."""
    b = call.body
    poster, created = services().posters.create(call.user_id, b.product_id, b.live_session_id, b.text, b.format)
    call.status = 201 if created else 200
    return poster


@endpoint(bp, "/posters/{poster_id}", "GET", auth=SHOPPER, errors=(401, 404),
          summary="One of my posters: the PNG (image/png), or its JSON description with Accept: application/json.")
def get_poster(call, poster_id):
    posters = services().posters
    if "application/json" in (call.request.headers or {}).get("accept", ""):
        return posters.describe(call.user_id, poster_id)
    return Response(body=posters.image(call.user_id, poster_id), status_code=200,
                    headers={"Content-Type": "image/png", "Cache-Control": "private, max-age=86400"})


@endpoint(bp, "/orders/{order_id}/poster", "GET", auth=SHOPPER, response=s.PosterOut, errors=(401, 404, 409))
def order_poster(call, order_id):
    """The default poster of my paid order (pre-rendered when the payment landed)."""
    return services().posters.for_order(call.user_id, order_id)


@endpoint(bp, "/shares", "POST", auth=SHOPPER, body=s.ShareIn, response=s.ShareOut, status=201,
          errors=(400, 401, 404))
def share(call):
    """I shared an order or a poster to a channel (pay→share conversion, minutes from payment)."""
    b = call.body
    return services().posters.share(call.user_id, b.order_id, b.poster_id, b.channel)
