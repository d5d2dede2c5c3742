"""Invariants under real concurrency: several processes x threads against the local stack."""
import multiprocessing
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from chalicelib.local.client import call, pay
from tests.integration.conftest import DEADLINE_SECONDS
from tests.integration.workers import buy, buy_many, token_for

PROCESSES = 4


def seed(url, session_id, capacity, per_user_limit=None):
    assert call(url, "PUT", "/admin/products/p1", {"title": "青团", "list_price": 3000, "stock": 10})[0] == 200
    offer = {"product_id": "p1", "live_price": 2500, "capacity": capacity}
    if per_user_limit:
        offer["per_user_limit"] = per_user_limit
    status, body = call(url, "PUT", f"/admin/live-sessions/{session_id}", {
        "title": "t", "platform": "demo", "platform_room_id": session_id, "offers": [offer]})
    assert status == 200, body
    assert call(url, "POST", f"/admin/live-sessions/{session_id}/start")[0] == 200


def offer(url, session_id):
    return call(url, "GET", f"/live-sessions/{session_id}")[1]["offers"][0]


def race(url, session_id, jobs, threads=16):
    chunks = [jobs[i::PROCESSES] for i in range(PROCESSES)]
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        return [r for part in pool.map(buy_many, [(url, session_id, c, threads) for c in chunks]) for r in part]


def test_240_buyers_for_50_units_sell_exactly_50(stack):
    seed(stack.url, "flash", capacity=50)
    results = race(stack.url, "flash", [(f"buyer{n}", f"k{n}") for n in range(240)])
    outcomes = Counter((status, code) for status, code, _ in results)
    assert outcomes == {(201, ""): 50, (409, "SOLD_OUT"): 190}
    assert len({order_id for status, _, order_id in results if status == 201}) == 50
    state = offer(stack.url, "flash")
    assert (state["remaining"], state["sold_out"]) == (0, True)


def test_one_user_racing_the_per_user_limit_never_exceeds_it(stack):
    seed(stack.url, "limited", capacity=100, per_user_limit=3)
    results = race(stack.url, "limited", [("greedy", f"k{n}") for n in range(40)], threads=10)
    outcomes = Counter((status, code) for status, code, _ in results)
    assert outcomes == {(201, ""): 3, (409, "LIMIT_EXCEEDED"): 37}
    assert offer(stack.url, "limited")["remaining"] == 97


def test_concurrent_duplicates_of_one_idempotency_key_make_one_order(stack):
    seed(stack.url, "dupes", capacity=100)
    results = race(stack.url, "dupes", [("dup-user", "the-key")] * 40, threads=10)
    assert all(status == 201 or code == "IDEMPOTENCY_IN_PROGRESS" for status, code, _ in results)
    assert len({order_id for status, _, order_id in results if status == 201}) == 1
    assert offer(stack.url, "dupes")["remaining"] == 99


def _settle(url, session_id, orders, with_expiry):
    """Race cancel, payment (and the expiry sweep) on every order at once."""
    from chalicelib.automation.schedules import expire_unpaid_orders

    def cancel(order):
        return call(url, "POST", f"/orders/{order['order_id']}/cancel", token=token_for(order["user"]))[0]

    def settle(order):
        return pay(url, "local-sandbox-secret", order["order_id"], order["total"])[0]

    tasks = [(cancel, o) for o in orders] + [(settle, o) for o in orders]
    with ThreadPoolExecutor(max_workers=24) as pool:
        futures = [pool.submit(fn, o) for fn, o in tasks]
        if with_expiry:
            futures += [pool.submit(expire_unpaid_orders, {}) for _ in range(3)]
        for future in futures:
            future.result()
    statuses = Counter()
    for order in orders:
        statuses[call(url, "GET", f"/orders/{order['order_id']}", token=token_for(order["user"]))[1]["status"]] += 1
    return statuses


def _place(url, session_id, count, prefix):
    orders = []
    for n in range(count):
        status, _, order_id = buy(url, f"{prefix}{n}", "k", session_id, quantity=2)
        assert status == 201
        orders.append({"order_id": order_id, "user": f"{prefix}{n}", "total": 5000})
    return orders


def test_cancel_payment_and_expiry_races_release_each_hold_exactly_once(stack):
    seed(stack.url, "race", capacity=100, per_user_limit=2)
    # Before the deadline: cancel races payment. Each order ends paid or cancelled(-then-refund).
    live = _place(stack.url, "race", 12, "early")
    statuses = _settle(stack.url, "race", live, with_expiry=False)
    assert set(statuses) <= {"paid", "cancelled", "refund_required"}
    assert offer(stack.url, "race")["remaining"] == 100 - 2 * statuses["paid"]
    # After the deadline: cancel, payment and the expiry sweep all race. Nothing can be paid.
    late = _place(stack.url, "race", 12, "late")
    time.sleep(DEADLINE_SECONDS + 1.5)
    statuses_late = _settle(stack.url, "race", late, with_expiry=True)
    assert set(statuses_late) <= {"cancelled", "expired", "refund_required"}
    assert offer(stack.url, "race")["remaining"] == 100 - 2 * statuses["paid"]
    # each late buyer got their per-user allowance back exactly once
    for order in late:
        assert buy(stack.url, order["user"], "again", "race", quantity=2)[0] == 201


def test_the_pay_cli_sends_a_correctly_signed_notification(stack):
    import subprocess
    import sys

    seed(stack.url, "cli", capacity=5)
    status, _, order_id = buy(stack.url, "cli-user", "k", "cli")
    assert status == 201
    wrong = subprocess.run([sys.executable, "-m", "chalicelib.local", "pay", order_id, "--amount", "1",
                            "--url", stack.url], capture_output=True, text=True)
    assert wrong.returncode == 1 and "AMOUNT_MISMATCH" in wrong.stdout
    done = subprocess.run([sys.executable, "-m", "chalicelib.local", "pay", order_id, "--amount", "2500",
                           "--url", stack.url], capture_output=True, text=True)
    assert done.returncode == 0 and '"result": "paid"' in done.stdout
    order = call(stack.url, "GET", f"/orders/{order_id}", token=token_for("cli-user"))[1]
    assert order["status"] == "paid"
