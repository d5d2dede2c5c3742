"""Referral credit under real concurrency, on the local stack (moto server, chalice local, the pump)."""
import threading
from concurrent.futures import ThreadPoolExecutor

from chalicelib.local.client import call, login, pay
from tests.integration.test_streams_live import wait_for


def test_two_first_orders_of_one_customer_paid_at_once_credit_once(stack):
    from chalicelib.bootstrap import services
    from chalicelib.services.auth import user_id_for

    url = stack.url
    assert call(url, "PUT", "/admin/products/share-p", {"title": "青团", "list_price": 3000, "stock": 100})[0] == 200
    owner = login(url, "race-owner")
    code = call(url, "GET", "/me/referral", token=owner)[1]["invite_code"]
    racer = login(url, "racer")
    assert call(url, "POST", "/referrals/touches", {"invite_code": code}, token=racer)[0] == 201
    orders = [call(url, "POST", "/orders", {"items": [{"product_id": "share-p", "quantity": 1}], "invite_code": code},
                   token=racer, headers={"Idempotency-Key": key})[1] for key in ("first", "second")]
    # both payments land at once; the pump delivers them to the share-loop consumer...
    with ThreadPoolExecutor(max_workers=2) as pool:
        paid = list(pool.map(lambda o: pay(url, "local-sandbox-secret", o["order_id"], o["total"]), orders))
    assert [body["result"] for _, body in paid] == ["paid", "paid"]
    # ...while 12 threads here attribute the same two orders at the same moment, as concurrent Lambdas would
    racer_id = user_id_for("racer")
    domain_orders = [services().orders.get_for_user(racer_id, o["order_id"]) for o in orders]
    barrier = threading.Barrier(12)

    def attribute(n):
        barrier.wait()
        return services().referrals.on_paid(domain_orders[n % 2])

    with ThreadPoolExecutor(max_workers=12) as pool:
        outcomes = list(pool.map(attribute, range(12)))
    stack.pump.drain()
    assert outcomes.count("credited") <= 1
    stats = call(url, "GET", "/me/referral", token=owner)[1]["stats"]
    assert (stats["credited"], stats["referred_customers"]) == (1, 1)
    month = domain_orders[0].paid_at[:7]
    board = call(url, "GET", f"/leaderboards/referrals?period={month}")[1]["items"]
    assert [(e["user_id"], e["count"]) for e in board if e["user_id"] == user_id_for("race-owner")] == \
        [(user_id_for("race-owner"), 1)]
    credited_order = services().referrals._repo.referral(racer_id).order_id
    assert credited_order in {o["order_id"] for o in orders}
    # and the pump pre-rendered the buyer's poster of each paid order
    for order in orders:
        wait_for(lambda: call(url, "GET", f"/orders/{order['order_id']}/poster", token=racer)[0] == 200)
