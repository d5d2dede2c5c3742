"""Checkout idempotency: the order itself is the idempotency record.

The order id is derived from (user, Idempotency-Key), so the order's own conditional put inside the
checkout transaction is what makes a replay impossible to double-book: a second request with the same
key fails on that put and returns the stored order. The fingerprint detects a key reused for a
different body.
"""
from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

MAX_KEY_LENGTH = 128


def order_id_for(user_id: str, idempotency_key: str) -> str:
    digest = hashlib.sha256(f"{user_id}\x00{idempotency_key}".encode()).digest()
    return "o_" + base64.b32encode(digest[:15]).decode().lower()


def fingerprint(payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
