"""Order lifecycle and payment webhooks: guarded transitions, holds released exactly once."""
from chalice.test import Client

from tests.conftest import load_event

ITEM = [{"product_id": "p1", "quantity": 2}]


def remaining(api):
    return api.ok("GET", "/live-sessions/s1")["offers"][0]["remaining"]


def place(api, user="alice", key="k1", capacity=10):
    token = api.login(user)
    status, order, _ = api.order(token, ITEM, key, live_session_id="s1")
    assert status == 201, order
    return token, order


def test_a_shopper_sees_only_their_own_orders(api):
    api.seed_live()
    alice, order = place(api)
    bob = api.login("bob")
    assert api.ok("GET", f"/orders/{order['order_id']}", token=alice)["order_id"] == order["order_id"]
    for path, method in ((f"/orders/{order['order_id']}", "GET"), (f"/orders/{order['order_id']}/cancel", "POST")):
        status, body, _ = api.call(method, path, token=bob)
        assert (status, body["code"]) == (404, "ORDER_NOT_FOUND")
    assert api.ok("GET", "/me/orders", token=bob)["items"] == []
    status, body, _ = api.call("GET", "/orders/o_missing", token=alice)
    assert status == 404


def test_my_orders_are_paginated_newest_first_and_cursors_are_mine(api):
    api.seed_live(capacity=20)
    alice = api.login("alice")
    ids = []
    for n in range(5):
        api.clock.advance(seconds=1)
        ids.append(api.order(alice, [{"product_id": "p1", "quantity": 1}], f"k{n}", live_session_id="s1")[1]["order_id"])
    seen, cursor = [], None
    while True:
        page = api.ok("GET", "/me/orders?limit=2" + (f"&cursor={cursor}" if cursor else ""), token=alice)
        seen += [o["order_id"] for o in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == list(reversed(ids))
    first_cursor = api.ok("GET", "/me/orders?limit=2", token=alice)["next_cursor"]
    status, body, _ = api.call("GET", f"/me/orders?cursor={first_cursor}", token=api.login("bob"))
    assert (status, body["code"]) == (400, "INVALID_CURSOR")


def test_cancel_releases_the_hold_once(api):
    api.seed_live(capacity=10)
    token, order = place(api)
    assert remaining(api) == 8
    assert api.ok("POST", f"/orders/{order['order_id']}/cancel", token=token)["status"] == "cancelled"
    assert remaining(api) == 10
    status, body, _ = api.call("POST", f"/orders/{order['order_id']}/cancel", token=token)
    assert (status, body["code"]) == (409, "ILLEGAL_TRANSITION")
    assert remaining(api) == 10


def test_cancel_also_gives_back_the_per_user_limit(api):
    api.seed_live(capacity=10, per_user_limit=2)
    token, order = place(api)
    api.ok("POST", f"/orders/{order['order_id']}/cancel", token=token)
    assert api.order(token, ITEM, "k2", live_session_id="s1")[0] == 201


def test_expiry_schedule_releases_exactly_once(api):
    # GIVEN two orders, one past its deadline
    api.seed_live(capacity=10)
    _, late = place(api, key="k1")
    api.clock.advance(minutes=10)
    _, fresh = place(api, user="bob", key="k2")
    api.clock.advance(minutes=6)  # late is 16 min old, fresh 6 min
    event = load_event("schedule.json")
    # WHEN the schedule runs twice
    from app import app
    with Client(app, stage_name="local") as client:
        first = client.lambda_.invoke("expire-unpaid-orders", event).payload
        second = client.lambda_.invoke("expire-unpaid-orders", event).payload
    # THEN only the late order expired, once
    assert (first, second) == ({"expired": 1}, {"expired": 0})
    assert remaining(api) == 8
    alice = api.login("alice")
    assert api.ok("GET", f"/orders/{late['order_id']}", token=alice)["status"] == "expired"


def test_payment_moves_pending_to_paid_and_duplicates_change_nothing(api):
    api.seed_live()
    token, order = place(api)
    status, ack, _ = api.pay(order["order_id"], 5000, event_id="evt-1", transaction_id="tx-1")
    assert (status, ack["result"], ack["status"]) == (200, "paid", "paid")
    paid = api.ok("GET", f"/orders/{order['order_id']}", token=token)
    assert paid["status"] == "paid" and paid["paid_at"] and paid["payment"] is None
    # same event id again: the stored acknowledgement, nothing changes
    assert api.pay(order["order_id"], 5000, event_id="evt-1", transaction_id="tx-1")[1] == ack
    # a new event for the same transaction: acknowledged as a duplicate
    status, again, _ = api.pay(order["order_id"], 5000, event_id="evt-2", transaction_id="tx-1")
    assert (status, again["result"]) == (200, "duplicate")
    # a different transaction for a paid order is a conflict
    status, body, _ = api.pay(order["order_id"], 5000, event_id="evt-3", transaction_id="tx-2")
    assert (status, body["code"]) == (409, "ALREADY_PAID")
    assert api.ok("GET", f"/orders/{order['order_id']}", token=token) == paid
    status, body, _ = api.call("POST", f"/orders/{order['order_id']}/cancel", token=token)
    assert (status, body["code"]) == (409, "ILLEGAL_TRANSITION")


def test_wrong_amount_is_refused_and_changes_nothing(api, unchanged):
    api.seed_live()
    _, order = place(api)
    with unchanged():
        status, body, _ = api.pay(order["order_id"], 1, event_id="evt-x")
    assert (status, body["code"], body["expected"]) == (422, "AMOUNT_MISMATCH", 5000)


def test_late_payment_after_expiry_or_cancel_is_refund_required(api):
    api.seed_live(capacity=10)
    alice, cancelled = place(api, key="k1")
    api.ok("POST", f"/orders/{cancelled['order_id']}/cancel", token=alice)
    status, ack, _ = api.pay(cancelled["order_id"], 5000)
    assert (status, ack["result"], ack["status"]) == (200, "refund_required", "refund_required")
    order = api.ok("GET", f"/orders/{cancelled['order_id']}", token=alice)
    assert order["refund_reason"] == "paid_after_cancelled"
    assert remaining(api) == 10  # the released hold is not taken again


def test_webhook_signature_timestamp_provider_and_body_are_checked(api, unchanged):
    from chalicelib.domain.signatures import sign

    api.seed_live()
    _, order = place(api)
    oid = order["order_id"]
    with unchanged():
        status, body, _ = api.pay(oid, 5000, secret="wrong-secret")
        assert (status, body["code"]) == (401, "INVALID_SIGNATURE")
        status, body, _ = api.pay(oid, 5000, timestamp=api.clock.timestamp() - 301)
        assert (status, body["code"]) == (401, "STALE_SIGNATURE")
        status, body, _ = api.pay(oid, 5000, timestamp=api.clock.timestamp() + 301)
        assert (status, body["code"]) == (401, "STALE_SIGNATURE")
        status, body, _ = api.pay(oid, 5000, provider="paypal")
        assert (status, body["code"]) == (404, "PROVIDER_NOT_FOUND")
        status, body, _ = api.call("POST", "/webhooks/payments/sandbox", raw='{"id": 1}')
        assert (status, body["code"]) == (401, "INVALID_SIGNATURE")
        raw = b"{not json"
        status, body, _ = api.call("POST", "/webhooks/payments/sandbox", raw=raw,
                                   headers={"X-Signature": sign("local-sandbox-secret", api.clock.timestamp(), raw)})
        assert (status, body["code"]) == (400, "INVALID_JSON")
        raw = b'{"id": "e", "type": "payment.succeeded", "occurred_at": "x", "data": {"order_id": 5}}'
        status, body, _ = api.call("POST", "/webhooks/payments/sandbox", raw=raw,
                                   headers={"X-Signature": sign("local-sandbox-secret", api.clock.timestamp(), raw)})
        assert status == 400 and "order_id" in body["fields"]
        status, body, _ = api.pay("o_unknown", 5000)
        assert (status, body["code"]) == (404, "ORDER_NOT_FOUND")
    tampered_ok = api.pay(oid, 5000)
    assert tampered_ok[0] == 200


def test_production_without_secrets_fails_closed(aws, clock):
    from chalicelib import bootstrap
    from chalicelib.domain.errors import InvalidSignatureError
    from chalicelib.local.client import signed_envelope
    from chalicelib.settings import Settings
    import pytest

    settings = Settings(stage="prod", identity_provider="wechat", payment_providers=("wechatpay",),
                        live_platforms=())
    bootstrap.reset(clock=clock, settings=settings)
    body, signature = signed_envelope("local-wechatpay-secret", "payment.succeeded",
                                      {"order_id": "o", "amount": 1, "transaction_id": "t"},
                                      timestamp=clock.timestamp())
    with pytest.raises(InvalidSignatureError):
        bootstrap.services().webhooks.payment("wechatpay", body, signature)
    bootstrap.reset()


def test_payment_after_the_deadline_releases_the_hold_once_and_is_refund_required(api):
    # GIVEN an order whose deadline has passed but which no sweep has expired yet
    api.seed_live(capacity=10)
    token, order = place(api)
    api.clock.advance(minutes=16)
    # WHEN the money arrives
    status, ack, _ = api.pay(order["order_id"], 5000)
    # THEN it is kept for a refund and the hold comes back exactly once
    assert (status, ack["result"]) == (200, "refund_required")
    assert remaining(api) == 10
    from app import app
    with Client(app, stage_name="local") as client:
        assert client.lambda_.invoke("expire-unpaid-orders", load_event("schedule.json")).payload == {"expired": 0}
    assert remaining(api) == 10
    got = api.ok("GET", f"/orders/{order['order_id']}", token=token)
    assert (got["status"], got["refund_reason"]) == ("refund_required", "paid_after_expired")
