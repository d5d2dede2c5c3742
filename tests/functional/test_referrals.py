"""Referral attribution, rule by rule, through the HTTP API and the share-loop stream consumer
(chalice.test.Client.lambda_.invoke with real-shaped DynamoDB stream records)."""
import re

import pytest
from chalice.test import Client

from app import app
from tests.functional import stream_events as se

ITEM = [{"product_id": "p1", "quantity": 1}]


@pytest.fixture
def lam(api):
    api.seed_live(start=False)
    with Client(app, stage_name="local") as client:
        yield lambda name, event: client.lambda_.invoke(name, event).payload


def sharer(api, code, nickname="张三", community="c1"):
    token = api.ok("POST", "/auth/login", {"code": code, "nickname": nickname})["token"]
    if community:
        api.ok("PUT", "/me/community", {"community_id": community}, token=token)
    return token, api.ok("GET", "/me/referral", token=token)["invite_code"]


def buyer(api, code):
    return api.ok("POST", "/auth/login", {"code": code})["token"]


def pay_order(api, token, key, **extra):
    status, order, _ = api.order(token, ITEM, key, **extra)
    assert status == 201, order
    assert api.pay(order["order_id"], order["total"])[0] == 200
    return order["order_id"]


def deliver(lam, *order_ids, old="pending_payment"):
    event = se.event(*[se.status_change_record(i, old) for i in order_ids])
    assert lam("share-loop-stream", event) == {"batchItemFailures": []}


def code_owner(code):
    from chalicelib.adapters.dynamodb.models import ReferralCodeModel

    return ReferralCodeModel.get(code).user_id


def stats(api, token):
    return api.ok("GET", "/me/referral", token=token)["stats"]


def board(api, period="2026-11", **params):
    query = "&".join(f"{k}={v}" for k, v in {"period": period, **params}.items())
    return api.ok("GET", f"/leaderboards/referrals?{query}")


def test_my_invite_code_is_created_once_short_and_unambiguous(api, lam):
    token, code = sharer(api, "zhang")
    again = api.ok("GET", "/me/referral", token=token)
    assert again["invite_code"] == code
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{6}", code) and len(code) <= 32
    assert again["share_path"] == f"pages/live/index?ic={code}"
    assert again["stats"] == {"touches": 0, "referred_customers": 0, "credited": 0, "reversed": 0}
    assert api.call("GET", "/me/referral")[0] == 401


def test_a_colliding_code_is_drawn_again_never_overwritten(api, lam):
    from chalicelib import bootstrap

    first_token, taken = sharer(api, "zhang")
    draws = iter([taken, taken, "QQQQQQ"])
    bootstrap.reset(clock=api.clock, notifier=api.notifier, new_code=lambda: next(draws))
    second_token, code = sharer(api, "li", "李四")
    assert code == "QQQQQQ"
    assert api.ok("GET", "/me/referral", token=first_token)["invite_code"] == taken
    from chalicelib.adapters.dynamodb.models import ReferralCodeModel
    assert ReferralCodeModel.get(taken).user_id != ReferralCodeModel.get("QQQQQQ").user_id


def test_touches_are_counted_and_bad_ones_write_nothing(api, lam, unchanged):
    owner, code = sharer(api, "zhang")
    viewer = buyer(api, "viewer")
    answer = api.ok("POST", "/referrals/touches", {"invite_code": code.lower()}, token=viewer)
    assert (answer["invite_code"], answer["recorded"], answer["window_days"]) == (code, True, 7)
    assert stats(api, owner)["touches"] == 1
    with unchanged():
        assert api.call("POST", "/referrals/touches", {"invite_code": "ZZZZZZ"}, token=viewer)[1]["code"] \
            == "INVITE_CODE_NOT_FOUND"
        status, body, _ = api.call("POST", "/referrals/touches", {"invite_code": code}, token=owner)
        assert (status, body["code"]) == (400, "SELF_REFERRAL")
        status, body, _ = api.call("POST", "/referrals/touches", {"code": code}, token=viewer)
        assert (status, body["code"]) == (400, "VALIDATION_ERROR")
        assert api.call("POST", "/referrals/touches", {"invite_code": code})[0] == 401


def test_the_last_touch_inside_the_window_wins(api, lam):
    a_token, a_code = sharer(api, "a", "王五")
    b_token, b_code = sharer(api, "b", "赵六")
    friend = buyer(api, "friend")
    api.ok("POST", "/referrals/touches", {"invite_code": a_code}, token=friend)
    api.clock.advance(hours=1)
    api.ok("POST", "/referrals/touches", {"invite_code": b_code}, token=friend)
    api.clock.advance(hours=1)
    deliver(lam, pay_order(api, friend, "k1"))
    assert stats(api, a_token)["referred_customers"] == 0
    assert stats(api, b_token) == {"touches": 1, "referred_customers": 1, "credited": 1, "reversed": 0}


def test_window_edge_inside_and_outside_by_one_second(api, lam):
    owner, code = sharer(api, "zhang")
    early, late = buyer(api, "early"), buyer(api, "late")
    api.ok("POST", "/referrals/touches", {"invite_code": code}, token=early)
    api.ok("POST", "/referrals/touches", {"invite_code": code}, token=late)
    api.clock.advance(days=7, seconds=-1)  # one second inside REFERRAL_WINDOW_DAYS
    deliver(lam, pay_order(api, buyer(api, "early"), "k1"))  # (signed in again: tokens last a day)
    owner = buyer(api, "zhang")
    assert stats(api, owner)["referred_customers"] == 1
    api.clock.advance(seconds=2)  # one second outside
    deliver(lam, pay_order(api, buyer(api, "late"), "k1"))
    assert stats(api, owner)["referred_customers"] == 1


def test_the_orders_invite_code_credits_without_a_touch(api, lam):
    owner, code = sharer(api, "zhang")
    friend = buyer(api, "friend")
    deliver(lam, pay_order(api, friend, "k1", invite_code=code))
    assert stats(api, owner)["referred_customers"] == 1


def test_only_the_first_paid_order_can_credit(api, lam):
    owner, code = sharer(api, "zhang")
    friend = buyer(api, "friend")
    deliver(lam, pay_order(api, friend, "k1"))  # first paid order: nobody referred it
    api.ok("POST", "/referrals/touches", {"invite_code": code}, token=friend)
    deliver(lam, pay_order(api, friend, "k2", invite_code=code))
    assert stats(api, owner)["referred_customers"] == 0


def test_a_referred_customer_is_credited_once_to_one_referrer(api, lam):
    a_token, a_code = sharer(api, "a", "王五")
    b_token, b_code = sharer(api, "b", "赵六")
    friend = buyer(api, "friend")
    deliver(lam, pay_order(api, friend, "k1", invite_code=a_code))
    deliver(lam, pay_order(api, friend, "k2", invite_code=b_code))
    assert (stats(api, a_token)["credited"], stats(api, b_token)["credited"]) == (1, 0)


def test_self_referral_never_counts(api, lam):
    owner, code = sharer(api, "zhang")
    deliver(lam, pay_order(api, owner, "k1", invite_code=code))
    assert stats(api, owner)["referred_customers"] == 0
    assert board(api)["items"] == []


def test_redelivery_credits_once_and_honours_once(api, lam):
    owner, code = sharer(api, "zhang", "张三")
    friend = buyer(api, "friend")
    api.ok("POST", "/referrals/touches", {"invite_code": code}, token=friend)
    order_id = pay_order(api, friend, "k1")
    deliver(lam, order_id)
    deliver(lam, order_id)
    assert stats(api, owner) == {"touches": 1, "referred_customers": 1, "credited": 1, "reversed": 0}
    assert [e["count"] for e in board(api)["items"]] == [1]
    outbox = [r for r in se.outbox_records() if r["dynamodb"]["NewImage"]["kind"]["S"] == "referral_honour"]
    assert len(outbox) == 1
    image = outbox[0]["dynamodb"]["NewImage"]
    assert (image["channel"]["S"], image["text"]["S"]) == ("community:c1", "恭喜@张** 成为本周的社区美食推荐官")


def test_a_referrer_is_honoured_once_a_week_however_many_friends_buy(api, lam):
    owner, code = sharer(api, "zhang", "张三")
    for n in range(3):
        deliver(lam, pay_order(api, buyer(api, f"friend{n}"), "k1", invite_code=code))
        api.clock.advance(hours=1)
    api.clock.advance(days=7)
    deliver(lam, pay_order(api, buyer(api, "next-week"), "k1", invite_code=code))
    honours = [r["dynamodb"]["NewImage"]["message_id"]["S"] for r in se.outbox_records()
               if r["dynamodb"]["NewImage"]["kind"]["S"] == "referral_honour"]
    assert sorted(honours) == sorted(f"referral_honour:{code_owner(code)}:{week}"
                                     for week in ("2026-W47", "2026-W48"))
    assert stats(api, buyer(api, "zhang"))["referred_customers"] == 4



def test_a_refund_reverses_the_credit_once(api, lam):
    from chalicelib.adapters.dynamodb.models import OrderModel

    owner, code = sharer(api, "zhang")
    friend = buyer(api, "friend")
    order_id = pay_order(api, friend, "k1", invite_code=code)
    deliver(lam, order_id)
    assert board(api)["items"][0]["count"] == 1
    OrderModel(order_id).update(actions=[OrderModel.status.set("refunded")])
    deliver(lam, order_id, old="paid")
    deliver(lam, order_id, old="paid")
    assert stats(api, owner) == {"touches": 0, "referred_customers": 0, "credited": 1, "reversed": 1}
    assert board(api)["items"] == []  # a board lists referrers with credits that stand


def test_leaderboard_ranks_breaks_ties_by_who_got_there_first_and_pages(api, lam):
    from chalicelib.domain.timefmt import iso

    tokens = {}
    for name, nick in (("a", "王五"), ("b", "赵六"), ("c", "孙七")):
        tokens[name] = sharer(api, name, nick)
    api.ok("PUT", "/admin/communities/c2", {"name": "YY小区", "pickup_point": {"name": "南门", "address": "YY路"}})
    api.ok("PUT", "/me/community", {"community_id": "c2"}, token=tokens["c"][0])

    def refer(who, n):
        friend = buyer(api, f"friend-{who}-{n}")
        deliver(lam, pay_order(api, friend, "k", invite_code=tokens[who][1]))
        api.clock.advance(minutes=1)

    refer("c", 1)   # c reaches 1 first
    refer("b", 1)
    refer("a", 1)
    refer("a", 2)   # a: 2; b and c tie at 1 - c got there first
    ranked = board(api)
    assert [(e["rank"], e["display_name"], e["count"]) for e in ranked["items"]] == [
        (1, "王**", 2), (2, "孙**", 1), (3, "赵**", 1)]
    page1 = board(api, limit=2)
    page2 = board(api, limit=2, cursor=page1["next_cursor"])
    assert [e["rank"] for e in page1["items"] + page2["items"]] == [1, 2, 3]
    assert page2["next_cursor"] is None
    assert [e["display_name"] for e in board(api, community_id="c1")["items"]] == ["王**", "赵**"]
    assert [e["display_name"] for e in board(api, community_id="c2")["items"]] == ["孙**"]
    assert board(api, period="2026-10")["items"] == []
    assert iso(api.clock.now()).startswith("2026-11")


def test_leaderboard_bad_queries_are_400(api, lam):
    for query in ("", "period=2026-13", "period=2026-11&limit=0", "period=2026-11&community_id=a%20b",
                  "period=2026-11&cursor=not-a-cursor"):
        status, body, _ = api.call("GET", f"/leaderboards/referrals?{query}")
        assert status == 400 and body["code"] in ("VALIDATION_ERROR", "INVALID_CURSOR"), (query, body)


def test_a_poison_record_fails_alone_in_the_share_loop(api, lam):
    owner, code = sharer(api, "zhang")
    first, second = (pay_order(api, buyer(api, f"friend{n}"), "k1", invite_code=code) for n in range(2))
    poison = se.status_change_record(first, "pending_payment")
    poison["dynamodb"]["NewImage"]["lines"] = {"S": "not a list"}
    records = [se.status_change_record(first, "pending_payment"), poison,
               se.status_change_record(second, "pending_payment")]
    response = lam("share-loop-stream", se.event(*records))
    assert response == {"batchItemFailures": [{"itemIdentifier": poison["dynamodb"]["SequenceNumber"]}]}
    assert stats(api, owner)["referred_customers"] == 2
