"""Shared fixtures: an in-process AWS (moto) per test, the app through chalice.test.Client."""
from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path

import pytest

for _name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE"):
    os.environ.pop(_name, None)
os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_SESSION_TOKEN="testing",
                  AWS_DEFAULT_REGION="us-east-1", AWS_REGION="us-east-1", STAGE="local",
                  TABLE_PREFIX="livecommerce-local", POWERTOOLS_LOG_LEVEL="WARNING")

EVENTS = Path(__file__).resolve().parents[1] / "events"
T0 = datetime(2026, 11, 22, 10, 0, 0, tzinfo=timezone.utc)


def load_event(name: str) -> dict:
    return json.loads((EVENTS / name).read_text())


@pytest.fixture
def aws():
    from moto import mock_aws

    from chalicelib.local.tables import create_all

    with mock_aws():
        create_all("livecommerce-local", "us-east-1", None)
        yield


@pytest.fixture
def clock():
    from chalicelib.adapters.clock import FixedClock

    return FixedClock(T0)


class Api:
    """chalice.test.Client with the few helpers every API test needs."""

    def __init__(self, client, clock) -> None:
        self.client, self.clock = client, clock

    def call(self, method: str, path: str, body=None, token: str | None = None, headers=None, raw=None):
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        response = getattr(self.client.http, method.lower())(path, headers=all_headers, body=data)
        return response.status_code, (json.loads(response.body) if response.body else None), response.headers

    def ok(self, method: str, path: str, body=None, **kw):
        status, answer, _ = self.call(method, path, body, **kw)
        assert status < 300, (status, answer)
        return answer

    def login(self, code: str) -> str:
        return self.ok("POST", "/auth/login", {"code": code})["token"]

    def order(self, token: str, items, key: str, **extra):
        return self.call("POST", "/orders", {"items": items, **extra}, token=token,
                         headers={"Idempotency-Key": key})

    def pay(self, order_id: str, amount: int, *, event_id=None, transaction_id=None, provider="sandbox",
            secret="local-sandbox-secret", timestamp=None):
        from chalicelib.local.client import signed_envelope

        body, signature = signed_envelope(secret, "payment.succeeded", {
            "order_id": order_id, "amount": amount, "transaction_id": transaction_id or f"tx-{order_id}"},
            event_id=event_id, timestamp=timestamp or self.clock.timestamp())
        return self.call("POST", f"/webhooks/payments/{provider}", raw=body, headers={"X-Signature": signature})

    def seed_live(self, capacity=10, per_user_limit=None, live_price=2500, start=True, session_id="s1"):
        self.ok("PUT", "/admin/products/p1", {"title": "春日青团", "list_price": 3000, "stock": 100,
                                               "category": "bakery"})
        self.ok("PUT", "/admin/communities/c1", {"name": "XX花园",
                                                 "pickup_point": {"name": "北门", "address": "XX路1号"}})
        offer = {"product_id": "p1", "live_price": live_price, "capacity": capacity}
        if per_user_limit:
            offer["per_user_limit"] = per_user_limit
        self.ok("PUT", f"/admin/live-sessions/{session_id}", {"title": "直播", "platform": "demo",
                                                             "platform_room_id": "room-1", "offers": [offer]})
        if start:
            self.ok("POST", f"/admin/live-sessions/{session_id}/start")


class RecordingNotifier:
    """A notifier fake: records what was sent; can be told to fail."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []
        self.fail = False

    def send(self, channel: str, text: str, message_id: str) -> None:
        from chalicelib.adapters.notifier import DeliveryError

        if self.fail:
            raise DeliveryError("robot down")
        self.sent.append((channel, text, message_id))


@pytest.fixture
def api(aws, clock):
    from chalice.test import Client

    from app import app
    from chalicelib import bootstrap

    notifier = RecordingNotifier()
    bootstrap.reset(clock=clock, notifier=notifier)
    with Client(app, stage_name="local") as client:
        api = Api(client, clock)
        api.notifier = notifier
        yield api
    bootstrap.reset()


def table_snapshot() -> dict:
    """Every item of every table, to prove a rejected request wrote nothing."""
    from chalicelib.adapters.dynamodb import models

    return {m.Meta.table_name: sorted(json.dumps(i.to_simple_dict(), sort_keys=True, default=str)
                                      for i in m.scan()) for m in models.ALL_MODELS}


@pytest.fixture
def unchanged(api):
    """`with unchanged(): ...` asserts the block left every table exactly as it was."""
    from contextlib import contextmanager

    @contextmanager
    def check():
        before = table_snapshot()
        yield
        assert table_snapshot() == before

    return check
