"""Stream consumers through the Lambda entry point (chalice.test.Client.lambda_.invoke), fed with
real-shaped DynamoDB stream events; every batch is delivered twice to prove idempotency."""
import pytest
from chalice.test import Client

from app import app
from tests.functional import stream_events as se

ITEM = [{"product_id": "p1", "quantity": 1}]


@pytest.fixture
def lam(api):
    with Client(app, stage_name="local") as client:
        yield lambda name, event: client.lambda_.invoke(name, event).payload


def community(api, threshold=3, policy="refund"):
    api.ok("PUT", "/admin/communities/c1", {"name": "XX花园", "batch_threshold": threshold,
                                            "below_threshold_policy": policy,
                                            "pickup_point": {"name": "北门驿站", "address": "XX路1号"}})


def paid_orders(api, count, session="s1"):
    ids = []
    for n in range(count):
        token = api.ok("POST", "/auth/login", {"code": f"buyer{n}", "nickname": f"王{n}"})["token"]
        status, order, _ = api.order(token, ITEM, "k", live_session_id=session, community_id="c1")
        assert status == 201, order
        assert api.pay(order["order_id"], order["total"])[0] == 200
        ids.append(order["order_id"])
    return ids


def batch(api):
    return api.ok("GET", "/communities/c1/batches/s1")


def test_paid_units_fill_the_batch_and_redelivery_counts_once(api, lam):
    # GIVEN three paid orders of a community whose threshold is 5
    api.seed_live(capacity=20)
    community(api, threshold=5)
    ids = paid_orders(api, 3)
    event = se.event(*[se.paid_record(i) for i in ids])
    # WHEN the orders stream delivers them twice
    assert lam("orders-stream", event) == {"batchItemFailures": []}
    assert lam("orders-stream", event) == {"batchItemFailures": []}
    # THEN each paid unit counted once
    assert batch(api) == {"community_id": "c1", "batch_id": "s1", "units": 3, "threshold": 5, "state": "open",
                          "progress": 0.6, "delivery_at": None}


def test_crossing_the_threshold_confirms_once_moves_orders_and_broadcasts_once(api, lam):
    api.seed_live(capacity=20)
    community(api, threshold=3)
    ids = paid_orders(api, 4)
    orders_event = se.event(*[se.paid_record(i) for i in ids])
    lam("orders-stream", orders_event)
    lam("orders-stream", orders_event)
    got = batch(api)
    assert (got["state"], got["units"], got["delivery_at"]) == ("confirmed", 4, "2026-11-23T02:00:00Z")
    batches_event = se.event(se.batch_record("c1", "s1"))
    assert lam("batches-stream", batches_event) == {"batchItemFailures": []}
    assert lam("batches-stream", batches_event) == {"batchItemFailures": []}
    token = api.login("buyer0")
    order = api.ok("GET", f"/orders/{ids[0]}", token=token)
    assert order["status"] == "confirmed"
    outbox = se.event(*se.outbox_records())
    assert len(outbox["Records"]) == 1
    lam("outbox-stream", outbox)
    lam("outbox-stream", outbox)
    assert api.notifier.sent == [("community:c1", "XX花园 reached 3 — delivery tomorrow 10:00",
                                  "batch_confirmed:c1#s1")]
    feed = api.ok("GET", "/live-sessions/s1/feed")["items"]
    assert [e["type"] for e in feed].count("batch_reached") == 1


def test_an_order_paid_after_confirmation_joins_the_confirmed_delivery(api, lam):
    api.seed_live(capacity=20)
    community(api, threshold=2)
    first = paid_orders(api, 2)
    lam("orders-stream", se.event(*[se.paid_record(i) for i in first]))
    token = api.ok("POST", "/auth/login", {"code": "late"})["token"]
    late = api.order(token, ITEM, "k", live_session_id="s1", community_id="c1")[1]
    api.pay(late["order_id"], late["total"])
    lam("orders-stream", se.event(se.paid_record(late["order_id"])))
    got = api.ok("GET", f"/orders/{late['order_id']}", token=token)
    assert (got["status"], batch(api)["units"]) == ("confirmed", 3)


def test_a_poison_record_fails_alone_and_the_others_are_applied(api, lam):
    api.seed_live(capacity=20)
    community(api, threshold=10)
    ids = paid_orders(api, 2)
    poison = se.paid_record(ids[0])
    del poison["dynamodb"]["NewImage"]["lines"]
    poison["dynamodb"]["NewImage"]["order_id"] = {"S": "o_poison"}
    records = [se.paid_record(ids[0]), poison, se.paid_record(ids[1])]
    response = lam("orders-stream", se.event(*records))
    assert response == {"batchItemFailures": [{"itemIdentifier": poison["dynamodb"]["SequenceNumber"]}]}
    assert batch(api)["units"] == 2


def test_refunds_count_back_out_once(api, lam):
    from chalicelib.adapters.dynamodb.models import OrderModel

    api.seed_live(capacity=20)
    community(api, threshold=10)
    ids = paid_orders(api, 2)
    lam("orders-stream", se.event(*[se.paid_record(i) for i in ids]))
    OrderModel(ids[0]).update(actions=[OrderModel.status.set("refunded")])
    refund = se.event(se.status_change_record(ids[0], "paid"))
    lam("orders-stream", refund)
    lam("orders-stream", refund)
    assert batch(api)["units"] == 1


def test_feed_order_placed_low_stock_and_sold_out_each_once(api, lam):
    api.seed_live(capacity=20)
    community(api)
    token = api.ok("POST", "/auth/login", {"code": "wang", "nickname": "王小明"})["token"]
    order = api.order(token, [{"product_id": "p1", "quantity": 3}], "k", live_session_id="s1", community_id="c1")[1]
    placed = se.event(se.insert_record(order["order_id"]))
    lam("orders-stream", placed)
    lam("orders-stream", placed)
    down = se.event(se.offer_record("s1", "p1", 102, 99), se.offer_record("s1", "p1", 99, 0))
    lam("offers-stream", down)
    lam("offers-stream", down)
    lam("offers-stream", se.event(se.offer_record("s1", "p1", 120, 95)))  # 100 crossed again: not repeated
    feed = api.ok("GET", "/live-sessions/s1/feed")["items"]
    assert sorted((e["type"], e["text"]) for e in feed) == [
        ("low_stock", "only 99 left"), ("order_placed", "王** (XX花园) just bought 3"), ("sold_out", "sold out")]
    assert "王小明" not in str(feed)


def test_feed_since_and_validation(api, lam):
    api.seed_live(capacity=20)
    community(api)
    lam("offers-stream", se.event(se.offer_record("s1", "p1", 102, 99)))
    items = api.ok("GET", "/live-sessions/s1/feed")["items"]
    assert len(items) == 1
    assert api.ok("GET", f"/live-sessions/s1/feed?since={items[0]['at']}")["items"] == []
    status, body, _ = api.call("GET", "/live-sessions/s1/feed?since=yesterday")
    assert (status, body["code"]) == (400, "VALIDATION_ERROR")


def test_cut_off_applies_the_refund_policy_once(api, lam):
    api.seed_live(capacity=20)
    community(api, threshold=10, policy="refund")
    ids = paid_orders(api, 2)
    lam("orders-stream", se.event(*[se.paid_record(i) for i in ids]))
    api.ok("POST", "/admin/live-sessions/s1/end")
    api.clock.advance(hours=2)  # past end + BATCH_CUTOFF_SECONDS (3600)
    from tests.conftest import load_event
    assert lam("cut-off-batches", load_event("schedule.json")) == {"confirmed": 0, "below_threshold": 1}
    assert lam("cut-off-batches", load_event("schedule.json")) == {"confirmed": 0, "below_threshold": 0}
    decided = se.event(se.batch_record("c1", "s1"))
    lam("batches-stream", decided)
    lam("batches-stream", decided)
    token = api.login("buyer0")
    order = api.ok("GET", f"/orders/{ids[0]}", token=token)
    assert (order["status"], order["refund_reason"]) == ("refund_required", "batch_below_threshold")
    assert batch(api)["state"] == "below_threshold"
    assert len(se.outbox_records()) == 1


def test_failed_delivery_is_retried_never_duplicated(api, lam):
    from tests.conftest import load_event

    api.seed_live(capacity=20)
    community(api, threshold=1)
    ids = paid_orders(api, 1)
    lam("orders-stream", se.event(se.paid_record(ids[0])))
    lam("batches-stream", se.event(se.batch_record("c1", "s1")))
    api.notifier.fail = True
    lam("outbox-stream", se.event(*se.outbox_records()))
    assert api.notifier.sent == []
    api.notifier.fail = False
    api.clock.advance(minutes=2)
    assert lam("retry-outbox", load_event("schedule.json")) == {"sent": 1}
    assert lam("retry-outbox", load_event("schedule.json")) == {}
    lam("outbox-stream", se.event(*se.outbox_records()))  # a late re-delivery of the INSERT
    assert len(api.notifier.sent) == 1


def test_batch_view_and_pickup_manifest(api, lam):
    api.seed_live(capacity=20)
    community(api, threshold=2)
    status, body, _ = api.call("GET", "/communities/nope/batches/s1")
    assert (status, body["code"]) == (404, "COMMUNITY_NOT_FOUND")
    assert batch(api)["units"] == 0
    ids = paid_orders(api, 2)
    lam("orders-stream", se.event(*[se.paid_record(i) for i in ids]))
    lam("batches-stream", se.event(se.batch_record("c1", "s1")))
    manifest = api.ok("GET", "/admin/pickup-manifests?date=2026-11-23")
    (point,) = manifest["pickup_points"]
    assert point["pickup_point"] == {"name": "北门驿站", "address": "XX路1号"}
    assert point["units"] == 2 and point["products"] == [{"product_id": "p1", "quantity": 2}]
    assert sorted(o["buyer"] for o in point["orders"]) == ["王**", "王**"]
    assert api.ok("GET", "/admin/pickup-manifests?date=2026-11-24")["pickup_points"] == []
    status, body, _ = api.call("GET", "/admin/pickup-manifests?date=tomorrow")
    assert (status, body["code"]) == (400, "VALIDATION_ERROR")


def test_remove_records_and_unrelated_modifications_change_nothing(api, lam, unchanged):
    from tests.conftest import load_event

    api.seed_live(capacity=20)
    community(api)
    with unchanged():
        assert lam("orders-stream", load_event("dynamodb_orders_remove.json")) == {"batchItemFailures": []}
        rising = se.event(se.offer_record("s1", "p1", 5, 8))  # capacity coming back is not news
        assert lam("offers-stream", rising) == {"batchItemFailures": []}


def test_cut_off_with_deliver_anyway_confirms_the_small_batch(api, lam):
    from tests.conftest import load_event

    api.seed_live(capacity=20)
    community(api, threshold=10, policy="deliver_anyway")
    ids = paid_orders(api, 2)
    lam("orders-stream", se.event(*[se.paid_record(i) for i in ids]))
    api.ok("POST", "/admin/live-sessions/s1/end")
    api.clock.advance(minutes=59)
    assert lam("cut-off-batches", load_event("schedule.json")) == {"confirmed": 0, "below_threshold": 0}
    api.clock.advance(minutes=2)
    assert lam("cut-off-batches", load_event("schedule.json")) == {"confirmed": 1, "below_threshold": 0}
    lam("batches-stream", se.event(se.batch_record("c1", "s1")))
    token = api.login("buyer1")
    assert api.ok("GET", f"/orders/{ids[1]}", token=token)["status"] == "confirmed"
    assert (batch(api)["state"], batch(api)["units"]) == ("confirmed", 2)
