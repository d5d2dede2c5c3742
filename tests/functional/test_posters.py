"""Share posters and shares through the HTTP API: real PNGs, decoded QR codes, the content-hash cache."""
import io

import pytest
from chalice.test import Client
from PIL import Image
from pyzbar.pyzbar import decode

from app import app
from tests.functional import stream_events as se

SIZES = {"chat": (1000, 800), "moments": (750, 1334), "group": (800, 1000)}


@pytest.fixture
def shop(api):
    """Seeded catalog, a signed-in shopper, and a renderer whose renders can be counted."""
    from chalicelib import bootstrap
    from chalicelib.adapters.posters.render import PosterRenderer
    from chalicelib.adapters.posters.storage import PhotoLoader

    s3 = bootstrap._s3_factory(bootstrap.services().settings)
    renderer = PosterRenderer(PhotoLoader(s3, timeout=1.0))
    bootstrap.reset(clock=api.clock, notifier=api.notifier, renderer=lambda: renderer)
    api.seed_live(start=False)
    api.renderer = renderer
    api.token = api.login("zhang")
    return api


def png(api, poster_id, token=None):
    with Client(app, stage_name="local") as client:
        response = client.http.get(f"/posters/{poster_id}",
                                   headers={"Authorization": f"Bearer {token or api.token}", "Accept": "image/png"})
    return response


def poster(api, **body):
    status, answer, _ = api.call("POST", "/posters", {"product_id": "p1", **body}, token=api.token)
    return status, answer


@pytest.mark.parametrize("fmt", sorted(SIZES))
def test_each_format_is_a_png_of_its_exact_size_whose_qr_carries_the_invite_code(shop, fmt):
    status, made = poster(shop, format=fmt, live_session_id="s1", text="邻居们一起拼单吧，满50份明早送到北门驿站！")
    assert status == 201, made
    assert (made["width"], made["height"], made["format"]) == (*SIZES[fmt], fmt)
    code = shop.ok("GET", "/me/referral", token=shop.token)["invite_code"]
    assert made["invite_code"] == code
    response = png(shop, made["poster_id"])
    assert response.status_code == 200 and response.headers["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.body))
    assert (image.format, image.size) == ("PNG", SIZES[fmt])
    decoded = [symbol.data.decode() for symbol in decode(image)]
    assert decoded == [f"pages/live/index?sid=s1&pid=p1&ic={code}"]


def test_the_same_inputs_return_the_same_poster_without_rendering_again(shop):
    status, first = poster(shop, format="moments", text="好吃")
    status_again, again = poster(shop, format="moments", text=" 好吃 ")  # the same text, once normalised
    assert (status, status_again) == (201, 200)
    assert again["poster_id"] == first["poster_id"]
    assert shop.renderer.renders == 1
    status, other = poster(shop, format="moments", text="真好吃")
    assert status == 201 and other["poster_id"] != first["poster_id"] and shop.renderer.renders == 2


def test_a_product_without_a_session_shows_the_list_price_and_the_product_path(shop):
    status, made = poster(shop, format="group")
    assert status == 201 and made["live_session_id"] is None
    image = Image.open(io.BytesIO(png(shop, made["poster_id"]).body))
    assert decode(image)[0].data.decode() == f"pages/product/index?pid=p1&ic={made['invite_code']}"


@pytest.mark.parametrize("text, code", [
    ("好" * 41, "TEXT_TOO_LONG"),
    ("一\n二\n三\n四", "TEXT_TOO_LONG"),
    ("bell\x07", "INVALID_TEXT"),
    ("好吃😋", "UNSUPPORTED_CHARACTERS"),
])
def test_text_the_poster_cannot_hold_is_400_and_nothing_is_written(shop, unchanged, text, code):
    with unchanged():
        status, body = poster(shop, format="moments", text=text)
    assert (status, body["code"]) == (400, code)
    assert shop.renderer.renders == 0


def test_forty_characters_fit(shop):
    assert poster(shop, format="moments", text="好" * 40)[0] == 201


@pytest.mark.parametrize("body, status, code", [
    ({"product_id": "nope", "format": "chat"}, 404, "PRODUCT_NOT_FOUND"),
    ({"product_id": "p1", "format": "chat", "live_session_id": "nope"}, 404, "SESSION_NOT_FOUND"),
    ({"product_id": "p1", "format": "poster"}, 400, "VALIDATION_ERROR"),
    ({"product_id": "p1", "format": "chat", "colour": "red"}, 400, "VALIDATION_ERROR"),
])
def test_bad_poster_requests(shop, body, status, code):
    answer = shop.call("POST", "/posters", body, token=shop.token)
    assert (answer[0], answer[1]["code"]) == (status, code)
    assert shop.call("POST", "/posters", body)[0] == 401


def test_a_product_not_offered_in_the_session_is_404(shop):
    shop.ok("PUT", "/admin/products/p2", {"title": "粽子", "list_price": 1000, "stock": 5})
    answer = shop.call("POST", "/posters", {"product_id": "p2", "live_session_id": "s1"}, token=shop.token)
    assert (answer[0], answer[1]["code"]) == (404, "OFFER_NOT_FOUND")


def test_another_shoppers_poster_is_404(shop):
    made = poster(shop, format="chat")[1]
    other = shop.login("li")
    assert png(shop, made["poster_id"], token=other).status_code == 404
    assert png(shop, "ps_" + "0" * 32).status_code == 404
    status, body, _ = shop.call("GET", f"/posters/{made['poster_id']}", token=shop.token,
                                headers={"Accept": "application/json"})
    assert (status, body["poster_id"]) == (200, made["poster_id"])


def test_the_product_photo_comes_from_s3_and_a_broken_one_becomes_a_placeholder(shop):
    import boto3

    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="livecommerce-local-media")
    photo = io.BytesIO()
    Image.new("RGB", (400, 300), (10, 120, 200)).save(photo, format="JPEG")
    s3.put_object(Bucket="livecommerce-local-media", Key="p1.jpg", Body=photo.getvalue())
    for pid, ref in (("blue", "s3://livecommerce-local-media/p1.jpg"), ("broken", "http://127.0.0.1:9/p.jpg")):
        shop.ok("PUT", f"/admin/products/{pid}", {"title": "青团", "list_price": 3000, "stock": 5, "images": [ref]})
    blue = Image.open(io.BytesIO(png(shop, shop.ok("POST", "/posters", {"product_id": "blue"},
                                                  token=shop.token)["poster_id"]).body)).convert("RGB")
    broken = Image.open(io.BytesIO(png(shop, shop.ok("POST", "/posters", {"product_id": "broken"},
                                                    token=shop.token)["poster_id"]).body)).convert("RGB")
    r, g, b = blue.getpixel((20, 20))
    assert abs(r - 10) < 12 and abs(g - 120) < 12 and abs(b - 200) < 12
    assert broken.getpixel((20, 20)) == (247, 244, 238)  # the placeholder panel


def paid_order(shop, token=None):
    status, order, _ = shop.order(token or shop.token, [{"product_id": "p1", "quantity": 1}], "k1")
    assert status == 201
    assert shop.pay(order["order_id"], order["total"])[0] == 200
    return order["order_id"]


def test_a_paid_orders_poster_is_prerendered_by_the_stream(shop):
    order_id = paid_order(shop)
    with Client(app, stage_name="local") as client:
        event = se.event(se.status_change_record(order_id, "pending_payment"))
        assert client.lambda_.invoke("share-loop-stream", event).payload == {"batchItemFailures": []}
        assert client.lambda_.invoke("share-loop-stream", event).payload == {"batchItemFailures": []}
    assert shop.renderer.renders == 1
    got = shop.ok("GET", f"/orders/{order_id}/poster", token=shop.token)
    assert shop.renderer.renders == 1  # ready: the page did not wait for a render
    assert (got["format"], got["width"], got["height"]) == ("moments", 750, 1334)
    assert Image.open(io.BytesIO(png(shop, got["poster_id"]).body)).size == (750, 1334)
    assert shop.call("GET", f"/orders/{order_id}/poster", token=shop.login("li"))[0] == 404


def test_an_unpaid_order_has_no_poster(shop):
    status, order, _ = shop.order(shop.token, [{"product_id": "p1", "quantity": 1}], "k1")
    status, body, _ = shop.call("GET", f"/orders/{order['order_id']}/poster", token=shop.token)
    assert (status, body["code"]) == (409, "ORDER_NOT_PAID")


def test_a_share_records_minutes_from_payment_and_the_orders_first_share(shop):
    from chalicelib.adapters.dynamodb.models import OrderModel

    order_id = paid_order(shop)
    made = poster(shop, format="chat")[1]
    shop.clock.advance(minutes=5)
    first = shop.ok("POST", "/shares", {"order_id": order_id, "channel": "chat"}, token=shop.token)
    assert (first["minutes_after_payment"], first["channel"]) == (5.0, "chat")
    shop.clock.advance(minutes=5)
    second = shop.ok("POST", "/shares", {"order_id": order_id, "poster_id": made["poster_id"], "channel": "moments"},
                     token=shop.token)
    assert second["minutes_after_payment"] == 10.0 and second["share_id"] != first["share_id"]
    assert OrderModel.get(order_id).shared_at == first["at"]  # the first share is what conversion counts


@pytest.mark.parametrize("body, status", [
    ({"channel": "chat"}, 400),
    ({"order_id": "o_x", "channel": "fax"}, 400),
    ({"order_id": "o_unknown", "channel": "chat"}, 404),
    ({"poster_id": "ps_unknown", "channel": "chat"}, 404),
])
def test_bad_shares_write_nothing(shop, unchanged, body, status):
    with unchanged():
        answer = shop.call("POST", "/shares", body, token=shop.token)
    assert answer[0] == status and set(answer[1]) >= {"code", "message"}


def test_another_shoppers_order_cannot_be_shared(shop, unchanged):
    order_id = paid_order(shop)
    other = shop.login("li")
    with unchanged():
        assert shop.call("POST", "/shares", {"order_id": order_id, "channel": "chat"}, token=other)[0] == 404
