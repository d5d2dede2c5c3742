"""POST /orders: server-side live pricing, capacity, limits, idempotency, and every rejection."""
import pytest

ITEM = [{"product_id": "p1", "quantity": 1}]


def remaining(api):
    return api.ok("GET", "/live-sessions/s1")["offers"][0]["remaining"]


def test_live_order_is_priced_on_the_server_and_holds_capacity(api):
    api.seed_live(capacity=10)
    token = api.login("alice")
    api.ok("PUT", "/me/community", {"community_id": "c1"}, token=token)
    status, order, _ = api.order(token, [{"product_id": "p1", "quantity": 3}], "k1", live_session_id="s1")
    assert status == 201
    assert order["status"] == "pending_payment"
    assert order["items"] == [{"product_id": "p1", "quantity": 3, "unit_price": 2500}]
    assert order["total"] == 7500 and order["community_id"] == "c1" and order["live_session_id"] == "s1"
    assert order["payment"] == {"provider": "sandbox", "order_id": order["order_id"], "amount": 7500,
                                "currency": "CNY", "expires_at": order["payment_deadline"]}
    assert order["payment_deadline"] == "2026-11-22T10:15:00Z"  # 900 s after the fixed clock
    assert remaining(api) == 7


def test_a_price_sent_by_the_client_is_refused_not_trusted(api, unchanged):
    api.seed_live()
    token = api.login("alice")
    with unchanged():
        status, body, _ = api.order(token, [{"product_id": "p1", "quantity": 1, "unit_price": 1}], "k",
                                    live_session_id="s1")
    assert (status, body["code"]) == (400, "VALIDATION_ERROR")


def test_live_price_is_only_valid_while_live(api, unchanged):
    api.seed_live(start=False)
    token = api.login("alice")
    with unchanged():
        status, body, _ = api.order(token, ITEM, "k1", live_session_id="s1")
    assert (status, body["code"]) == (409, "OFFER_NOT_LIVE")
    api.ok("POST", "/admin/live-sessions/s1/start")
    assert api.order(token, ITEM, "k2", live_session_id="s1")[0] == 201
    api.ok("POST", "/admin/live-sessions/s1/end")
    status, body, _ = api.order(token, ITEM, "k3", live_session_id="s1")
    assert (status, body["code"]) == (409, "OFFER_NOT_LIVE")


def test_sold_out_reports_what_is_left(api):
    api.seed_live(capacity=3)
    token = api.login("alice")
    assert api.order(token, [{"product_id": "p1", "quantity": 2}], "k1", live_session_id="s1")[0] == 201
    status, body, _ = api.order(token, [{"product_id": "p1", "quantity": 2}], "k2", live_session_id="s1")
    assert (status, body["code"], body["remaining"]) == (409, "SOLD_OUT", 1)
    assert api.order(token, ITEM, "k3", live_session_id="s1")[0] == 201
    view = api.ok("GET", "/live-sessions/s1")["offers"][0]
    assert (view["remaining"], view["sold_out"]) == (0, True)


def test_per_user_limit(api):
    api.seed_live(capacity=10, per_user_limit=2)
    alice, bob = api.login("alice"), api.login("bob")
    status, body, _ = api.order(alice, [{"product_id": "p1", "quantity": 3}], "k0", live_session_id="s1")
    assert (status, body["code"]) == (409, "LIMIT_EXCEEDED")
    assert api.order(alice, ITEM, "k1", live_session_id="s1")[0] == 201
    assert api.order(alice, ITEM, "k2", live_session_id="s1")[0] == 201
    status, body, _ = api.order(alice, ITEM, "k3", live_session_id="s1")
    assert (status, body["code"], body["already"]) == (409, "LIMIT_EXCEEDED", 2)
    assert api.order(bob, [{"product_id": "p1", "quantity": 2}], "k1", live_session_id="s1")[0] == 201
    assert remaining(api) == 6


def test_idempotency_same_key_same_body_returns_the_same_order_once(api):
    api.seed_live(capacity=10)
    token = api.login("alice")
    first = api.order(token, ITEM, "key-1", live_session_id="s1")
    second = api.order(token, ITEM, "key-1", live_session_id="s1")
    assert first[0] == second[0] == 201
    assert first[1]["order_id"] == second[1]["order_id"]
    assert second[2].get("Idempotent-Replayed") == "true"
    assert remaining(api) == 9
    assert len(api.ok("GET", "/me/orders", token=token)["items"]) == 1


def test_idempotency_key_reused_with_a_different_body_is_422(api):
    api.seed_live(capacity=10)
    token = api.login("alice")
    assert api.order(token, ITEM, "key-1", live_session_id="s1")[0] == 201
    status, body, _ = api.order(token, [{"product_id": "p1", "quantity": 2}], "key-1", live_session_id="s1")
    assert (status, body["code"]) == (422, "IDEMPOTENCY_KEY_REUSED")
    assert remaining(api) == 9


def test_a_replay_returns_the_order_even_after_the_offer_sold_out_or_ended(api):
    api.seed_live(capacity=1)
    token = api.login("alice")
    first = api.order(token, ITEM, "key-1", live_session_id="s1")[1]
    api.ok("POST", "/admin/live-sessions/s1/end")
    status, again, _ = api.order(token, ITEM, "key-1", live_session_id="s1")
    assert (status, again["order_id"]) == (201, first["order_id"])


def test_the_same_key_from_two_users_makes_two_orders(api):
    api.seed_live(capacity=10)
    a = api.order(api.login("alice"), ITEM, "same", live_session_id="s1")[1]
    b = api.order(api.login("bob"), ITEM, "same", live_session_id="s1")[1]
    assert a["order_id"] != b["order_id"]


def test_regular_order_reserves_stock_at_list_price(api):
    api.ok("PUT", "/admin/products/p1", {"title": "t", "list_price": 3000, "stock": 2})
    token = api.login("alice")
    status, order, _ = api.order(token, [{"product_id": "p1", "quantity": 2}], "k1")
    assert status == 201 and order["total"] == 6000 and order["live_session_id"] is None
    assert api.ok("GET", "/products/p1")["stock"] == 0
    status, body, _ = api.order(token, ITEM, "k2")
    assert (status, body["code"], body["remaining"]) == (409, "SOLD_OUT", 0)


def test_price_change_between_requests_uses_the_new_price(api):
    api.seed_live(capacity=10, live_price=2500)
    token = api.login("alice")
    assert api.order(token, ITEM, "k1", live_session_id="s1")[1]["total"] == 2500
    api.seed_live(capacity=10, live_price=1999, start=False)  # replaced while live
    assert api.order(token, ITEM, "k2", live_session_id="s1")[1]["total"] == 1999


@pytest.mark.parametrize("body, code", [
    ({"items": []}, "VALIDATION_ERROR"),
    ({"items": [{"product_id": "p1", "quantity": 0}]}, "VALIDATION_ERROR"),
    ({"items": [{"product_id": "p1", "quantity": -1}]}, "VALIDATION_ERROR"),
    ({"items": [{"product_id": "p1", "quantity": 10**9}]}, "VALIDATION_ERROR"),
    ({"items": [{"product_id": "p1", "quantity": "1"}]}, "VALIDATION_ERROR"),
    ({"items": [{"product_id": "p1", "quantity": 1.5}]}, "VALIDATION_ERROR"),
    ({"items": [{"product_id": "p1"}]}, "VALIDATION_ERROR"),
    ({"items": [{"product_id": "p1", "quantity": 1}] * 2}, "VALIDATION_ERROR"),
    ({"items": [{"product_id": f"p{n}", "quantity": 1} for n in range(11)]}, "VALIDATION_ERROR"),
    ({"items": "p1"}, "VALIDATION_ERROR"),
    ({}, "VALIDATION_ERROR"),
    ({"items": [{"product_id": "../etc", "quantity": 1}]}, "VALIDATION_ERROR"),
])
def test_bad_order_bodies_are_400_and_write_nothing(api, unchanged, body, code):
    api.seed_live()
    token = api.login("alice")
    with unchanged():
        status, answer, _ = api.call("POST", "/orders", {"live_session_id": "s1", **body}, token=token,
                                     headers={"Idempotency-Key": "k"})
    assert (status, answer["code"]) == (400, code)


@pytest.mark.parametrize("extra, status, code", [
    ({"live_session_id": "nope"}, 404, "SESSION_NOT_FOUND"),
    ({"live_session_id": "s1", "items": [{"product_id": "ghost", "quantity": 1}]}, 404, "OFFER_NOT_FOUND"),
    ({"items": [{"product_id": "ghost", "quantity": 1}]}, 404, "PRODUCT_NOT_FOUND"),
    ({"live_session_id": "s1", "community_id": "nope"}, 404, "COMMUNITY_NOT_FOUND"),
    ({"live_session_id": "s1", "coupon_code": "FREE"}, 404, "COUPON_NOT_FOUND"),
])
def test_unknown_references_are_404_and_write_nothing(api, unchanged, extra, status, code):
    api.seed_live()
    token = api.login("alice")
    with unchanged():
        got, answer, _ = api.call("POST", "/orders", {"items": ITEM, **extra}, token=token,
                                  headers={"Idempotency-Key": "k"})
    assert (got, answer["code"]) == (status, code)


def test_idempotency_key_is_required_and_bounded(api, unchanged):
    api.seed_live()
    token = api.login("alice")
    with unchanged():
        for headers in ({}, {"Idempotency-Key": "x" * 129}):
            status, body, _ = api.call("POST", "/orders", {"items": ITEM, "live_session_id": "s1"}, token=token,
                                       headers=headers)
            assert (status, body["code"]) == (400, "IDEMPOTENCY_KEY_REQUIRED")
        status, body, _ = api.call("POST", "/orders", raw="{not json", token=token, headers={"Idempotency-Key": "k"})
        assert (status, body["code"]) == (400, "INVALID_JSON")
        status, body, _ = api.call("POST", "/orders", {"items": ITEM}, headers={"Idempotency-Key": "k"})
        assert status == 401
