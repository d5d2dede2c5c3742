"""Sign-in, bearer tokens, catalog and communities through the HTTP API."""
import jwt
import pytest

PRODUCT = {"title": "春日青团", "list_price": 3000, "stock": 100, "category": "bakery"}


def test_login_issues_a_token_that_identifies_the_user(api):
    # GIVEN / WHEN
    body = api.ok("POST", "/auth/login", {"code": "alice"})
    # THEN
    assert body["user_id"].startswith("u_") and "alice" not in body["user_id"]
    assert body["expires_at"].endswith("Z")
    again = api.ok("POST", "/auth/login", {"code": "alice"})
    assert again["user_id"] == body["user_id"]
    assert api.ok("POST", "/auth/login", {"code": "bob"})["user_id"] != body["user_id"]


@pytest.mark.parametrize("raw", ['{"code": ""}', '{"code": 5}', "{}", "[]", "{bad", "", '{"code": "a b"}',
                                 '{"code": "alice", "extra": 1}'])
def test_login_refuses_bad_input(api, unchanged, raw):
    with unchanged():
        status, body, _ = api.call("POST", "/auth/login", raw=raw)
    assert status == 400 and body["code"] in ("VALIDATION_ERROR", "INVALID_JSON")
    assert body["message"]


@pytest.mark.parametrize("auth", [None, "Bearer", "Basic abc", "Bearer not.a.jwt"])
def test_protected_routes_refuse_missing_or_malformed_tokens(api, auth):
    headers = {"Authorization": auth} if auth else {}
    status, body, _ = api.call("GET", "/me/orders", headers=headers)
    assert status == 401 and body["code"] in ("UNAUTHORIZED", "INVALID_TOKEN")


def test_forged_and_expired_tokens_are_refused(api, clock):
    forged = jwt.encode({"sub": "u_x", "iss": "livecommerce", "exp": clock.timestamp() + 3600},
                        "another-secret-of-sufficient-length-000", algorithm="HS256")
    status, body, _ = api.call("GET", "/me/orders", token=forged)
    assert (status, body["code"]) == (401, "INVALID_TOKEN")
    token = api.login("alice")
    assert api.call("GET", "/me/orders", token=token)[0] == 200
    api.clock.advance(hours=24, seconds=1)  # tokens live 24 h by default
    status, body, _ = api.call("GET", "/me/orders", token=token)
    assert (status, body["code"]) == (401, "TOKEN_EXPIRED")


def test_product_create_get_and_list_with_pagination_and_category(api):
    for n in range(5):
        api.ok("PUT", f"/admin/products/p{n}", {**PRODUCT, "category": "bakery" if n % 2 else "fruit"})
    api.ok("PUT", "/admin/products/hidden", {**PRODUCT, "status": "draft"})
    assert api.ok("GET", "/products/p1")["list_price"] == 3000
    seen, cursor = [], None
    while True:
        page = api.ok("GET", "/products?limit=2" + (f"&cursor={cursor}" if cursor else ""))
        assert len(page["items"]) <= 2
        seen += [p["product_id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == ["p0", "p1", "p2", "p3", "p4"]
    bakery = api.ok("GET", "/products?category=bakery")
    assert sorted(p["product_id"] for p in bakery["items"]) == ["p1", "p3"]


def test_draft_and_unknown_products_are_404(api):
    api.ok("PUT", "/admin/products/hidden", {**PRODUCT, "status": "draft"})
    for path in ("/products/hidden", "/products/nope"):
        status, body, _ = api.call("GET", path)
        assert (status, body["code"]) == (404, "PRODUCT_NOT_FOUND")


def test_archiving_a_product_removes_it_from_listings(api):
    api.ok("PUT", "/admin/products/p1", PRODUCT)
    api.ok("PUT", "/admin/products/p1", {**PRODUCT, "status": "archived"})
    assert api.ok("GET", "/products")["items"] == []
    assert api.ok("GET", "/products?category=bakery")["items"] == []


@pytest.mark.parametrize("patch", [
    {"list_price": -1}, {"list_price": "3000"}, {"list_price": 30.5}, {"list_price": 10**12},
    {"stock": -5}, {"title": ""}, {"status": "sold"}, {"images": ["ftp://x"]}, {"unit_price": 1},
    {"tags": "a"},
])
def test_product_validation_errors_write_nothing(api, unchanged, patch):
    with unchanged():
        status, body, _ = api.call("PUT", "/admin/products/p1", {**PRODUCT, **patch})
    assert (status, body["code"]) == (400, "VALIDATION_ERROR")
    assert body["fields"]


def test_bad_ids_cursors_and_limits_are_400(api, unchanged):
    with unchanged():
        status, body, _ = api.call("PUT", "/admin/products/bad%20id!", PRODUCT)
        assert status in (400, 404) and "code" in body
        for query in ("limit=0", "limit=1000", "limit=x", "cursor=garbage", "cursor=eyJhIjogMX0"):
            status, body, _ = api.call("GET", f"/products?{query}")
            assert status == 400 and body["code"] in ("VALIDATION_ERROR", "INVALID_CURSOR"), query


def test_a_cursor_from_one_category_cannot_page_another(api):
    for n in range(3):
        api.ok("PUT", f"/admin/products/p{n}", PRODUCT)
    cursor = api.ok("GET", "/products?limit=1&category=bakery")["next_cursor"]
    status, body, _ = api.call("GET", f"/products?limit=1&category=fruit&cursor={cursor}")
    assert (status, body["code"]) == (400, "INVALID_CURSOR")


def test_community_and_my_community(api, unchanged):
    api.ok("PUT", "/admin/communities/c1", {"name": "XX花园", "pickup_point": {"name": "北门", "address": "1号"},
                                            "batch_threshold": 30, "below_threshold_policy": "deliver_anyway"})
    token = api.login("alice")
    assert api.ok("PUT", "/me/community", {"community_id": "c1"}, token=token)["batch_threshold"] == 30
    with unchanged():
        status, body, _ = api.call("PUT", "/me/community", {"community_id": "nope"}, token=token)
        assert (status, body["code"]) == (404, "COMMUNITY_NOT_FOUND")
        status, body, _ = api.call("PUT", "/admin/communities/c2", {"name": "x", "pickup_point": {"name": "n"},
                                                                    "batch_threshold": 0})
        assert status == 400 and {"pickup_point.address", "batch_threshold"} <= set(body["fields"])
        status, _, _ = api.call("PUT", "/me/community", {"community_id": "c1"})
        assert status == 401
