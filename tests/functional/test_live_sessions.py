"""Live sessions: definition, state machine and the public view."""
import pytest


def test_session_view_shows_prices_and_remaining(api):
    api.seed_live(capacity=50, per_user_limit=2, start=False)
    view = api.ok("GET", "/live-sessions/s1")
    assert view["state"] == "scheduled"
    assert view["offers"] == [{"product_id": "p1", "live_price": 2500, "list_price": 3000, "capacity": 50,
                               "remaining": 50, "per_user_limit": 2, "sold_out": False}]


def test_state_machine_start_end_and_illegal_moves(api):
    api.seed_live(start=False)
    assert api.ok("POST", "/admin/live-sessions/s1/start")["state"] == "live"
    status, body, _ = api.call("POST", "/admin/live-sessions/s1/start")
    assert (status, body["code"]) == (409, "ILLEGAL_TRANSITION")
    assert api.ok("POST", "/admin/live-sessions/s1/end")["state"] == "ended"
    for action in ("start", "end"):
        status, body, _ = api.call("POST", f"/admin/live-sessions/s1/{action}")
        assert (status, body["code"]) == (409, "ILLEGAL_TRANSITION")
    status, body, _ = api.call("POST", "/admin/live-sessions/nope/start")
    assert (status, body["code"]) == (404, "SESSION_NOT_FOUND")
    status, body, _ = api.call("GET", "/live-sessions/nope")
    assert (status, body["code"]) == (404, "SESSION_NOT_FOUND")


def test_replacing_a_session_keeps_its_state_and_reserved_units(api):
    api.seed_live(capacity=10)
    token = api.login("alice")
    assert api.order(token, [{"product_id": "p1", "quantity": 3}], "k1", live_session_id="s1")[0] == 201
    body = {"title": "直播2", "platform": "demo", "platform_room_id": "room-1",
            "offers": [{"product_id": "p1", "live_price": 2200, "capacity": 20}]}
    view = api.ok("PUT", "/admin/live-sessions/s1", body)
    assert view["state"] == "live"
    assert view["offers"][0]["remaining"] == 17 and view["offers"][0]["live_price"] == 2200
    status, answer, _ = api.call("PUT", "/admin/live-sessions/s1", {**body, "offers": [
        {"product_id": "p1", "live_price": 2200, "capacity": 2}]})
    assert (status, answer["code"]) == (409, "OFFER_CONFLICT")
    status, answer, _ = api.call("PUT", "/admin/live-sessions/s1", {**body, "offers": []})
    assert (status, answer["code"]) == (409, "OFFER_CONFLICT")


@pytest.mark.parametrize("patch", [
    {"offers": [{"product_id": "p1", "live_price": 0, "capacity": 5}]},
    {"offers": [{"product_id": "p1", "live_price": 100, "capacity": -1}]},
    {"offers": [{"product_id": "p1", "live_price": "100", "capacity": 5}]},
    {"offers": [{"product_id": "p1", "live_price": 100, "capacity": 5}] * 2},
    {"scheduled_start": "tomorrow"},
    {"scheduled_start": "2026-11-22T10:00:00"},
    {"scheduled_start": "2026-11-22T12:00:00Z", "scheduled_end": "2026-11-22T10:00:00Z"},
    {"platform": "Not A Platform"},
    {"title": None},
])
def test_session_validation_errors_write_nothing(api, unchanged, patch):
    api.ok("PUT", "/admin/products/p1", {"title": "t", "list_price": 100, "stock": 1})
    body = {"title": "直播", "platform": "demo", "platform_room_id": "r", **patch}
    with unchanged():
        status, answer, _ = api.call("PUT", "/admin/live-sessions/s1", body)
    assert (status, answer["code"]) == (400, "VALIDATION_ERROR")


def test_offering_an_unknown_product_is_404(api, unchanged):
    with unchanged():
        status, body, _ = api.call("PUT", "/admin/live-sessions/s1", {
            "title": "t", "platform": "demo", "platform_room_id": "r",
            "offers": [{"product_id": "ghost", "live_price": 100, "capacity": 5}]})
    assert (status, body["code"], body["product_ids"]) == (404, "PRODUCT_NOT_FOUND", ["ghost"])
