"""Stream automation benchmark (not a test).

    .venv/bin/python bench/streams_bench.py

(a) DynamoDB requests per stream record for the orders consumer when 100 paid orders of one community
    arrive in one batch (aggregated: one counter transaction per community batch) next to the same
    records delivered one per invocation (what a per-record consumer costs), counted exactly with a
    botocore `before-call` hook; (b) lag on the local stack: seconds from a payment's 200 to its batch
    counter moving, median over 50 payments.
"""
from __future__ import annotations

import os
import statistics
import time
from collections import Counter

from bench_env import offline_aws

ROOT = offline_aws()

ORDERS = int(os.environ.get("BENCH_ORDERS", "100"))


def _paid_records(svc, count: int, tag: str) -> list[dict]:
    from chalicelib.adapters.dynamodb.models import OrderModel

    records = []
    for n in range(count):
        order, _ = svc.checkout.place_order(f"{tag}{n}", "k", {
            "items": [{"product_id": "p1", "quantity": 1}], "live_session_id": "s1", "community_id": "c1"})
        svc.payments.payment_succeeded(order.order_id, order.total, f"tx-{tag}{n}")
        new = OrderModel.get(order.order_id).serialize()
        records.append({"eventID": f"e{tag}{n}", "eventName": "MODIFY", "eventVersion": "1.1",
                        "eventSource": "aws:dynamodb", "awsRegion": "us-east-1",
                        "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/x/stream/y",
                        "dynamodb": {"ApproximateCreationDateTime": 1795341600, "Keys": {"order_id": new["order_id"]},
                                     "NewImage": new, "OldImage": {**new, "status": {"S": "pending_payment"}},
                                     "SequenceNumber": f"{len(records) + 1:021d}", "SizeBytes": 400,
                                     "StreamViewType": "NEW_AND_OLD_IMAGES"}})
    return records


def requests_per_record() -> None:
    from moto import mock_aws

    with mock_aws():
        from chalicelib import bootstrap
        from chalicelib.adapters.dynamodb import models
        from chalicelib.automation.consumers import orders_stream
        from chalicelib.domain.catalog import Community, PickupPoint, Product
        from chalicelib.domain.live import LiveSession, Offer
        from chalicelib.local.tables import create_all

        create_all("livecommerce-local", "us-east-1", None)
        bootstrap.reset()
        svc = bootstrap.services()
        svc.catalog.put_product(Product("p1", "青团", 3000, 100))
        svc.catalog.put_community(Community("c1", "XX花园", PickupPoint("北门", "1号"), batch_threshold=10_000))
        svc.sessions.put_session(LiveSession("s1", "t", "demo", "r", None, None, offers=(Offer("p1", 2500, 1000),)))
        svc.sessions.start("s1")
        calls: Counter = Counter()
        models.OrderModel._get_connection().connection.client.meta.events.register(
            "before-call.dynamodb", lambda model, **kw: calls.update([model.name]))

        aggregated = _paid_records(svc, ORDERS, "a")
        calls.clear()
        assert orders_stream({"Records": aggregated}) == {"batchItemFailures": []}
        batch_calls = Counter(calls)
        calls.clear()
        orders_stream({"Records": aggregated})
        redelivery_calls = Counter(calls)

        single = _paid_records(svc, ORDERS, "b")
        calls.clear()
        for record in single:
            orders_stream({"Records": [record]})
        naive_calls = Counter(calls)
        units = svc.batching.view("c1", "s1").units
        assert units == 2 * ORDERS, units

    def fmt(counter: Counter) -> str:
        return f"{sum(counter.values()) / ORDERS:.2f}  ({', '.join(f'{k} {v}' for k, v in sorted(counter.items()))})"

    print(f"(a) DynamoDB requests per stream record, {ORDERS} paid orders of one community")
    print(f"    one batch of {ORDERS} (aggregated per community batch): {fmt(batch_calls)}")
    print(f"    the same batch delivered again (re-delivery)        : {fmt(redelivery_calls)}")
    print(f"    one record per invocation (naive, per record)       : {fmt(naive_calls)}")
    print(f"    ratio naive / aggregated                            : "
          f"{sum(naive_calls.values()) / sum(batch_calls.values()):.1f}x")


def lag(payments: int = 50) -> None:
    from chalicelib.local.client import call, free_port, login, pay
    from chalicelib.local.stack import LocalStack

    with LocalStack(port=free_port(), quiet=True, env={"OUTBOX_SINK": "log"}) as stack:
        url = stack.url
        call(url, "PUT", "/admin/products/p1", {"title": "青团", "list_price": 3000, "stock": 10})
        call(url, "PUT", "/admin/communities/c1", {"name": "XX花园", "batch_threshold": 1000,
                                                  "pickup_point": {"name": "北门", "address": "1号"}})
        call(url, "PUT", "/admin/live-sessions/s1", {"title": "t", "platform": "demo", "platform_room_id": "r",
                                                     "offers": [{"product_id": "p1", "live_price": 2500,
                                                                 "capacity": payments}]})
        call(url, "POST", "/admin/live-sessions/s1/start")
        samples = []
        for n in range(payments):
            token = login(url, f"lag{n}")
            _, order = call(url, "POST", "/orders", {"items": [{"product_id": "p1", "quantity": 1}],
                                                     "live_session_id": "s1", "community_id": "c1"},
                            token=token, headers={"Idempotency-Key": "k"})
            pay(url, "local-sandbox-secret", order["order_id"], order["total"])
            paid = time.perf_counter()
            while call(url, "GET", "/communities/c1/batches/s1")[1]["units"] < n + 1:
                time.sleep(0.01)
            samples.append(time.perf_counter() - paid)
    print(f"(b) lag from payment to batch counter, local stack (pump polls every 0.2 s), {payments} payments")
    print(f"    median {statistics.median(samples):.3f} s, p90 {sorted(samples)[int(0.9 * len(samples))]:.3f} s, "
          f"max {max(samples):.3f} s")


if __name__ == "__main__":
    requests_per_record()
    lag()
