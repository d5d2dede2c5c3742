"""Buyers that run in separate processes (and threads within them) against the local stack."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from chalicelib.local.client import call


def token_for(user: str) -> str:
    """A bearer token as /auth/login would issue it (sandbox secret), without a round trip."""
    from datetime import datetime, timezone

    from chalicelib.adapters.tokens import TokenService
    from chalicelib.services.auth import user_id_for
    from chalicelib.settings import Settings

    return TokenService(lambda: Settings().signing_key(), 3600).issue(user_id_for(user),
                                                                        datetime.now(timezone.utc))[0]


def buy(url: str, user: str, key: str, session_id: str, quantity: int = 1) -> tuple[int, str, str | None]:
    status, body = call(url, "POST", "/orders", {"items": [{"product_id": "p1", "quantity": quantity}],
                                                 "live_session_id": session_id},
                        token=token_for(user), headers={"Idempotency-Key": key})
    return status, body.get("code", "") if status != 201 else "", body.get("order_id")


def buy_many(args: tuple) -> list[tuple[int, str, str | None]]:
    """One process: `jobs` (user, key) pairs bought by `threads` threads at once."""
    url, session_id, jobs, threads = args
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(lambda job: buy(url, job[0], job[1], session_id), jobs))
