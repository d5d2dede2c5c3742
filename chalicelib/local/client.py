"""A small HTTP client for the local stack (demo, CLI and functional tests share it)."""
from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
import uuid

from ..domain.signatures import sign


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base_url: str, method: str, path: str, body=None, token: str | None = None,
         headers: dict | None = None, raw: bytes | None = None) -> tuple[int, dict]:
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(base_url + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def fetch(base_url: str, path: str, token: str | None = None, accept: str = "image/png") -> tuple[int, bytes, str]:
    """GET a binary resource (a poster PNG): status, body bytes, content type."""
    request = urllib.request.Request(base_url + path, headers={"Accept": accept})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("Content-Type", "")


def login(base_url: str, code: str) -> str:
    status, body = call(base_url, "POST", "/auth/login", {"code": code})
    if status != 200:
        raise RuntimeError(f"login failed: {status} {body}")
    return body["token"]


def signed_envelope(secret: str, event_type: str, data: dict, event_id: str | None = None,
                    timestamp: int | None = None) -> tuple[bytes, str]:
    """A webhook body and its X-Signature header, exactly as a platform would send them."""
    body = json.dumps({"id": event_id or f"evt_{uuid.uuid4().hex}", "type": event_type,
                       "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                       "data": data}).encode()
    return body, sign(secret, timestamp or int(time.time()), body)


def pay(base_url: str, secret: str, order_id: str, amount: int, provider: str = "sandbox",
        transaction_id: str | None = None, event_id: str | None = None) -> tuple[int, dict]:
    body, signature = signed_envelope(secret, "payment.succeeded", {
        "order_id": order_id, "amount": amount, "transaction_id": transaction_id or f"tx_{uuid.uuid4().hex[:16]}"},
        event_id=event_id)
    return call(base_url, "POST", f"/webhooks/payments/{provider}", raw=body, headers={"X-Signature": signature})
