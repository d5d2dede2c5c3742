"""The whole loop on the local stack: payments → orders stream → batch → batches stream → outbox."""
import json
import time
from concurrent.futures import ThreadPoolExecutor

from chalicelib.local.client import call, pay
from tests.integration.test_concurrency import seed
from tests.integration.workers import token_for


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError("condition not reached in time")


def test_fifty_concurrent_payments_confirm_the_batch_once_with_one_broadcast(stack, outbox_file):
    # GIVEN a community with a threshold of 50 and 50 unpaid orders in one live session
    seed(stack.url, "batch50", capacity=60)
    assert call(stack.url, "PUT", "/admin/communities/garden50", {
        "name": "XX花园", "batch_threshold": 50, "pickup_point": {"name": "北门", "address": "1号"}})[0] == 200

    def place(n):
        return call(stack.url, "POST", "/orders", {"items": [{"product_id": "p1", "quantity": 1}],
                                                   "live_session_id": "batch50", "community_id": "garden50"},
                    token=token_for(f"g{n}"), headers={"Idempotency-Key": "k"})

    with ThreadPoolExecutor(max_workers=25) as pool:
        placed = list(pool.map(place, range(50)))
    assert all(status == 201 for status, _ in placed), placed
    orders = [body for _, body in placed]
    # WHEN all 50 payments land at once (well inside the payment deadline)
    with ThreadPoolExecutor(max_workers=25) as pool:
        results = list(pool.map(lambda o: pay(stack.url, "local-sandbox-secret", o["order_id"], o["total"]), orders))
    assert [body.get("result") for _, body in results] == ["paid"] * 50, results
    # THEN the batch is confirmed exactly once and every order follows it
    def confirmed_batch():
        batch = call(stack.url, "GET", "/communities/garden50/batches/batch50")[1]
        return batch if batch["state"] == "confirmed" else None

    batch = wait_for(confirmed_batch)
    assert batch["units"] == 50
    wait_for(lambda: all(call(stack.url, "GET", f"/orders/{o['order_id']}", token=token_for(f"g{n}"))[1]["status"]
                         == "confirmed" for n, o in enumerate(orders)))
    wait_for(lambda: outbox_file.exists() and "garden50" in outbox_file.read_text())
    time.sleep(1.0)  # give a duplicate every chance to appear
    sent = [json.loads(line) for line in outbox_file.read_text().splitlines() if "garden50" in line]
    assert sent == [{"message_id": "batch_confirmed:garden50#batch50", "channel": "community:garden50",
                     "text": "XX花园 reached 50 — delivery tomorrow 10:00"}]
    feed = call(stack.url, "GET", "/live-sessions/batch50/feed?limit=100")[1]["items"]
    assert sum(e["type"] == "batch_reached" for e in feed) == 1
    assert sum(e["type"] == "order_placed" for e in feed) == 50
