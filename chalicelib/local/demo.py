"""`make demo`: a scripted live sale against a fresh local stack, then what happened."""
from __future__ import annotations

import collections
import time
from concurrent.futures import ThreadPoolExecutor

from ..settings import Settings
from .client import call, free_port, login, pay
from .stack import LocalStack

SHOPPERS, CAPACITY, PAYERS = 200, 50, 30


def seed(url: str) -> None:
    steps = [
        ("PUT", "/admin/products/qingtuan", {"title": "春日青团 (6只装)", "list_price": 3000, "stock": 500,
                                              "category": "bakery", "tags": ["seasonal"]}),
        ("PUT", "/admin/communities/garden", {"name": "XX花园", "batch_threshold": 50,
                                              "pickup_point": {"name": "北门驿站", "address": "XX花园北门"}}),
        ("PUT", "/admin/live-sessions/spring-live", {
            "title": "春季新品直播", "platform": "demo", "platform_room_id": "room-1",
            "offers": [{"product_id": "qingtuan", "live_price": 2500, "capacity": CAPACITY, "per_user_limit": 2}]}),
        ("POST", "/admin/live-sessions/spring-live/start", None),
    ]
    for method, path, body in steps:
        status, answer = call(url, method, path, body)
        if status >= 300:
            raise RuntimeError(f"{method} {path}: {status} {answer}")


def shopper(url: str, n: int) -> tuple[str, int, dict]:
    token = login(url, f"shopper{n:03d}")
    call(url, "PUT", "/me/community", {"community_id": "garden"}, token=token)
    status, body = call(url, "POST", "/orders", {"items": [{"product_id": "qingtuan", "quantity": 1}],
                                                 "live_session_id": "spring-live"},
                        token=token, headers={"Idempotency-Key": f"demo-{n}"})
    return token, status, body


def main() -> None:
    with LocalStack(port=free_port(), quiet=True) as stack:
        url = stack.url
        seed(url)
        print(f"Local stack on {url}; live session 'spring-live' is live with {CAPACITY} units at 25.00 CNY")
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=32) as pool:
            results = list(pool.map(lambda n: shopper(url, n), range(SHOPPERS)))
        elapsed = time.perf_counter() - started
        outcomes = collections.Counter(body.get("code", "CREATED") if status != 201 else "CREATED"
                                       for _, status, body in results)
        orders = [body for _, status, body in results if status == 201]
        secret = Settings.from_env().webhook_secret("sandbox")
        paid = sum(1 for order in orders[:PAYERS]
                   if pay(url, secret, order["order_id"], order["total"])[1].get("result") == "paid")
        _, session = call(url, "GET", "/live-sessions/spring-live")
        offer = session["offers"][0]
        print(f"{SHOPPERS} shoppers raced for {CAPACITY} units in {elapsed:.1f}s")
        print(f"  orders created : {outcomes['CREATED']}")
        for code, count in sorted(outcomes.items()):
            if code != "CREATED":
                print(f"  rejected {code:<15}: {count}")
        print(f"  remaining      : {offer['remaining']} (sold_out={offer['sold_out']})")
        print(f"  paid           : {paid} of the first {PAYERS} orders (the rest expire after the deadline)")
        units = sum(o["total"] for o in orders[:PAYERS]) // 2500
        print(f"  GMV paid       : {sum(o['total'] for o in orders[:PAYERS]) / 100:.2f} CNY ({units} units)")


if __name__ == "__main__":
    main()
