"""Checkout benchmark (not a test): DynamoDB requests per checkout, throughput ratio, cold import.

    .venv/bin/python bench/checkout_bench.py

Prints (a) DynamoDB requests per successful and per rejected checkout, counted exactly with a
botocore `before-call` hook, for this design and for the Powertools-Idempotency alternative;
(b) checkouts/second through the full handler stack as a ratio of the same TransactWriteItems issued
directly with boto3 in the same run; (c) cold import of app.py as a ratio of `import boto3`.
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections import Counter

from bench_env import offline_aws

ROOT = offline_aws()

N = 100


class RequestCounter:
    def __init__(self) -> None:
        self.calls: Counter = Counter()

    def __call__(self, model, **kwargs) -> None:
        self.calls[model.name] += 1

    def measure(self, fn) -> Counter:
        self.calls.clear()
        fn()
        return Counter(self.calls)


def _fmt(counter: Counter, runs: int) -> str:
    total = sum(counter.values()) / runs
    parts = ", ".join(f"{op} {n / runs:g}" for op, n in sorted(counter.items()))
    return f"{total:.2f}  ({parts})"


def requests_per_checkout() -> None:
    from moto import mock_aws

    with mock_aws():
        from chalicelib import bootstrap
        from chalicelib.adapters.dynamodb import models
        from chalicelib.local.tables import create_all

        create_all("livecommerce-local", "us-east-1", None)
        bootstrap.reset()
        svc = bootstrap.services()
        counter = RequestCounter()
        models.OrderModel._get_connection().connection.client.meta.events.register("before-call.dynamodb", counter)
        _seed(svc, capacity=N * 5 + 10, per_user_limit=2)
        body = {"items": [{"product_id": "p1", "quantity": 1}], "live_session_id": "s1", "community_id": "c1"}
        svc.checkout.place_order("warm", "k", body)  # warms the per-instance session cache

        ok = counter.measure(lambda: [svc.checkout.place_order(f"u{n}", "k", body) for n in range(N)])
        no_community = {k: v for k, v in body.items() if k != "community_id"}
        ok_profile = counter.measure(lambda: [svc.checkout.place_order(f"v{n}", "k", no_community)
                                              for n in range(N)])
        replay = counter.measure(lambda: [svc.checkout.place_order(f"u{n}", "k", body) for n in range(N)])
        over_limit = counter.measure(lambda: [_rejected(svc, f"u{n}", "k2", {
            **body, "items": [{"product_id": "p1", "quantity": 2}]}) for n in range(N)])
        print("(a) DynamoDB requests per checkout (in-process moto, warm instance)")
        print(f"    successful, community in body    : {_fmt(ok, N)}")
        print(f"    successful, community from profile: {_fmt(ok_profile, N)}")
        print(f"    idempotent replay (same key/body) : {_fmt(replay, N)}")
        print(f"    rejected LIMIT_EXCEEDED            : {_fmt(over_limit, N)}")
        _seed(svc, capacity=0, per_user_limit=None, session_id="s2")
        sold_out = counter.measure(lambda: [_rejected(svc, f"w{n}", "k", {**body, "live_session_id": "s2"})
                                            for n in range(N)])
        print(f"    rejected SOLD_OUT                  : {_fmt(sold_out, N)}")
        alt = _powertools_idempotency(svc, counter, body)
        print(f"    alternative: Powertools Idempotency around the same checkout: {_fmt(alt, N)}")
        print("    floor: 1 TransactWriteItems per successful checkout")


def _rejected(svc, user, key, body) -> None:
    from chalicelib.domain.errors import DomainError

    try:
        svc.checkout.place_order(user, key, body)
    except DomainError:
        return
    raise AssertionError("expected a rejection")


def _seed(svc, capacity, per_user_limit, session_id="s1") -> None:
    from chalicelib.domain.catalog import Community, PickupPoint, Product
    from chalicelib.domain.live import LiveSession, Offer

    svc.catalog.put_product(Product("p1", "青团", 3000, 100))
    svc.catalog.put_community(Community("c1", "XX花园", PickupPoint("北门", "1号")))
    svc.sessions.put_session(LiveSession(session_id, "t", "demo", "r", None, None,
                                         offers=(Offer("p1", 2500, capacity, per_user_limit),)))
    svc.sessions.start(session_id)


def _powertools_idempotency(svc, counter, body) -> Counter:
    """The baseline the issue names: Powertools Idempotency wrapped around the checkout call."""
    import boto3
    from aws_lambda_powertools.utilities.idempotency import (DynamoDBPersistenceLayer, IdempotencyConfig,
                                                             idempotent_function)

    from chalicelib.adapters.dynamodb import models

    client = boto3.client("dynamodb", region_name="us-east-1")
    client.meta.events.register("before-call.dynamodb", counter)
    store = DynamoDBPersistenceLayer(table_name=models.IdempotencyModel.Meta.table_name, boto3_client=client)
    config = IdempotencyConfig(event_key_jmespath="[user, key]", use_local_cache=False)

    @idempotent_function(data_keyword_argument="request", persistence_store=store, config=config)
    def place(request: dict) -> dict:
        order, _ = svc.checkout.place_order(request["user"], request["key"], request["body"])
        return {"order_id": order.order_id}

    return counter.measure(lambda: [place(request={"user": f"pt{n}", "key": "k", "body": body}) for n in range(N)])


def _fresh_stack():
    """A fresh in-process AWS with the same seed, so both sides start from equal tables."""
    from chalicelib import bootstrap
    from chalicelib.local.tables import create_all

    create_all("livecommerce-local", "us-east-1", None)
    bootstrap.reset()
    _seed(bootstrap.services(), capacity=10 * N, per_user_limit=None)
    return bootstrap.services()


def throughput_ratio() -> None:
    import boto3
    from chalice.test import Client
    from moto import mock_aws

    from app import app

    body = json.dumps({"items": [{"product_id": "p1", "quantity": 1}], "live_session_id": "s1",
                       "community_id": "c1"})
    with mock_aws():
        token = _fresh_stack().auth.login("bench").token
        with Client(app, stage_name="local") as client:
            headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
            client.http.post("/orders", headers={**headers, "Idempotency-Key": "warm"}, body=body)
            start = time.perf_counter()
            for n in range(N):
                response = client.http.post("/orders", headers={**headers, "Idempotency-Key": f"h{n}"}, body=body)
                assert response.status_code == 201, response.body
            full = N / (time.perf_counter() - start)
    with mock_aws():
        _fresh_stack()
        raw = boto3.client("dynamodb", region_name="us-east-1")
        raw.transact_write_items(TransactItems=_raw_transaction(-1))
        start = time.perf_counter()
        for n in range(N):
            raw.transact_write_items(TransactItems=_raw_transaction(n))
        direct = N / (time.perf_counter() - start)
    print("(b) checkout throughput, one thread, in-process moto, each side on fresh equal tables")
    print(f"    full handler stack (chalice.test.Client -> POST /orders): {full:8.1f} checkouts/s")
    print(f"    same TransactWriteItems directly with boto3             : {direct:8.1f} tx/s")
    print(f"    ratio full stack / direct                               : {full / direct:.2f}")


def _raw_transaction(n: int) -> list:
    prefix = "livecommerce-local-"
    return [
        {"ConditionCheck": {"TableName": prefix + "live-sessions", "Key": {"session_id": {"S": "s1"}},
                            "ConditionExpression": "#s = :live", "ExpressionAttributeNames": {"#s": "state"},
                            "ExpressionAttributeValues": {":live": {"S": "live"}}}},
        {"ConditionCheck": {"TableName": prefix + "communities", "Key": {"community_id": {"S": "c1"}},
                            "ConditionExpression": "attribute_exists(community_id)"}},
        {"Put": {"TableName": prefix + "orders", "ConditionExpression": "attribute_not_exists(order_id)",
                 "Item": {"order_id": {"S": f"raw{n}"}, "user_id": {"S": "u"}, "status": {"S": "pending_payment"},
                          "total": {"N": "2500"}, "created_at": {"S": "2026-11-22T10:00:00Z"},
                          "payment_deadline": {"S": "2026-11-22T10:15:00Z"}, "pending": {"S": "1"}}}},
        {"Update": {"TableName": prefix + "offers", "Key": {"session_id": {"S": "s1"}, "product_id": {"S": "p1"}},
                    "UpdateExpression": "SET remaining = remaining - :q, reserved = reserved + :q",
                    "ConditionExpression": "remaining >= :q AND live_price = :p",
                    "ExpressionAttributeValues": {":q": {"N": "1"}, ":p": {"N": "2500"}},
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
    ]


def _import_ms(statement: str, module: str) -> float:
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", statement], cwd=ROOT, capture_output=True,
                         text=True, check=True).stderr
    for line in reversed(out.splitlines()):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1]) / 1000
    raise RuntimeError(f"no import time for {module}")


def import_ratio(runs: int = 5) -> None:
    app_ms = statistics.median(_import_ms("import app", "app") for _ in range(runs))
    boto_ms = statistics.median(_import_ms("import boto3", "boto3") for _ in range(runs))
    print("(c) cold import (python -X importtime, median of 5)")
    print(f"    import app   : {app_ms:7.1f} ms")
    print(f"    import boto3 : {boto_ms:7.1f} ms")
    print(f"    ratio        : {app_ms / boto_ms:.2f}  (app.py creates no client and reads no secret)")


if __name__ == "__main__":
    requests_per_checkout()
    throughput_ratio()
    import_ratio()
