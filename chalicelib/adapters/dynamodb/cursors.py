"""Opaque pagination cursors: a DynamoDB LastEvaluatedKey, base64url-encoded and checked on return."""
from __future__ import annotations

import base64
import json
from typing import Any

from ...domain.errors import InvalidInputError


def encode(last_evaluated_key: dict[str, Any] | None) -> str | None:
    if not last_evaluated_key:
        return None
    raw = json.dumps(last_evaluated_key, sort_keys=True, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str | None, key_names: set[str], pinned: dict[str, str] | None = None) -> dict | None:
    """Decode a cursor made by `encode` for the same query, or refuse it with INVALID_CURSOR.

    `pinned` fixes attribute values the cursor must carry (the partition being read), so a cursor
    forged or copied from another query cannot page through someone else's partition.
    """
    if cursor in (None, ""):
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        valid = (isinstance(key, dict) and set(key) == key_names and all(
            isinstance(v, dict) and len(v) == 1 and next(iter(v)) in ("S", "N")
            and isinstance(next(iter(v.values())), str) for v in key.values()))
    except (ValueError, TypeError):
        valid = False
    if valid and pinned:
        valid = all(key[name] == {"S": value} for name, value in pinned.items())
    if not valid:
        raise InvalidInputError("The cursor is not valid for this list", code="INVALID_CURSOR",
                                fields={"cursor": "invalid"})
    return key
