"""Webhook signatures: `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`."""
from __future__ import annotations

import hashlib
import hmac

from .errors import InvalidSignatureError


def sign(secret: str, timestamp: int, raw_body: str | bytes) -> str:
    body = raw_body.encode() if isinstance(raw_body, str) else raw_body
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(header: str | None, raw_body: bytes, secret: str | None, now: int, tolerance: int) -> None:
    """Raise InvalidSignatureError unless the header signs this body within the tolerance window.

    A missing secret fails closed: nothing verifies without a configured secret.
    """
    if not secret:
        raise InvalidSignatureError("Webhook secret is not configured")
    if not header:
        raise InvalidSignatureError("Missing X-Signature header")
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        raise InvalidSignatureError("Malformed X-Signature header") from None
    if abs(now - timestamp) > tolerance:
        raise InvalidSignatureError("Signature timestamp is outside the accepted window",
                                    code="STALE_SIGNATURE")
    expected = sign(secret, timestamp, raw_body).split("v1=", 1)[1]
    if not hmac.compare_digest(expected, parts.get("v1", "")):
        raise InvalidSignatureError("Signature does not match")
