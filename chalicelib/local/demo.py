"""`make demo`: a scripted live sale against a fresh local stack, then what happened."""
from __future__ import annotations

import collections
import json
import tempfile
import time
from pathlib import Path
from concurrent.futures import ThreadPoolExecutor

from ..settings import Settings
from .client import call, fetch, free_port, pay
from .stack import LocalStack

SHOPPERS, CAPACITY, PAYERS, THRESHOLD = 200, 50, 30, 25


SURNAMES = "王李张刘陈杨赵黄周吴"


def seed(url: str) -> None:
    steps = [
        ("PUT", "/admin/products/qingtuan", {"title": "春日青团 (6只装)", "list_price": 3000, "stock": 500,
                                              "category": "bakery", "tags": ["seasonal"]}),
        ("PUT", "/admin/communities/garden", {"name": "XX花园", "batch_threshold": THRESHOLD,
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
    token = call(url, "POST", "/auth/login", {"code": f"shopper{n:03d}", "nickname": SURNAMES[n % len(SURNAMES)]
                                              + "先生"})[1]["token"]
    call(url, "PUT", "/me/community", {"community_id": "garden"}, token=token)
    status, body = call(url, "POST", "/orders", {"items": [{"product_id": "qingtuan", "quantity": 1}],
                                                 "live_session_id": "spring-live"},
                        token=token, headers={"Idempotency-Key": f"demo-{n}"})
    return token, status, body


def main() -> None:
    outbox = Path(tempfile.mkdtemp()) / "outbox.jsonl"
    with LocalStack(port=free_port(), quiet=True, env={"OUTBOX_SINK": f"file:{outbox}"}) as stack:
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
        deadline = time.monotonic() + 20  # the streams are asynchronous: wait for the pump to catch up
        while time.monotonic() < deadline:
            stack.pump.drain()
            _, batch = call(url, "GET", "/communities/garden/batches/spring-live")
            if batch["units"] >= paid and (batch["state"] != "confirmed" or outbox.exists()):
                break
            time.sleep(0.2)
        print(f"\nCommunity batch XX花园 / spring-live: {batch['units']}/{batch['threshold']} units, "
              f"state={batch['state']}, delivery_at={batch['delivery_at']}")
        _, feed = call(url, "GET", "/live-sessions/spring-live/feed?limit=100")
        kinds = collections.Counter(e["type"] for e in feed["items"])
        print(f"Live-room feed: {dict(kinds)}; latest:")
        for item in [e for e in feed["items"] if e["type"] != "order_placed"][-4:] + feed["items"][:2]:
            print(f"  {item['at']}  {item['type']:<13} {item['text']}")
        share_loop(stack, url, [(token, body) for token, status, body in results if status == 201][:PAYERS], secret)
        print("Broadcasts sent:")
        for line in outbox.read_text(encoding="utf-8").splitlines() if outbox.exists() else []:
            message = json.loads(line)
            print(f"  [{message['channel']}] {message['text']}")


POSTER_DIR = Path(".local") / "posters"


def share_loop(stack, url: str, paid: list[tuple[str, dict]], secret: str) -> None:
    """Three buyers share; their friends open the posters and buy; the leaderboard and posters follow."""
    sharers = paid[:3]
    friends_of = (3, 2, 2)
    for n, ((token, order), friends) in enumerate(zip(sharers, friends_of)):
        code = call(url, "GET", "/me/referral", token=token)[1]["invite_code"]
        call(url, "POST", "/shares", {"order_id": order["order_id"], "channel": "group"}, token=token)
        for f in range(friends):
            friend = call(url, "POST", "/auth/login", {"code": f"friend{n}-{f}", "nickname": "邻居"})[1]["token"]
            call(url, "POST", "/referrals/touches", {"invite_code": code}, token=friend)
            status, bought = call(url, "POST", "/orders", {"items": [{"product_id": "qingtuan", "quantity": 1}]},
                                  token=friend, headers={"Idempotency-Key": "friend"})
            if status == 201:
                pay(url, secret, bought["order_id"], bought["total"])
    month = time.strftime("%Y-%m", time.gmtime(time.time() + 8 * 3600))  # the communities' local month
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        stack.pump.drain()
        board = call(url, "GET", f"/leaderboards/referrals?period={month}")[1]
        if sum(e["count"] for e in board["items"]) >= sum(friends_of):
            break
        time.sleep(0.2)
    print(f"\nReferral leaderboard {month}:")
    for entry in board["items"]:
        print(f"  #{entry['rank']} {entry['display_name']:<6} {entry['count']} referred customers")
    POSTER_DIR.mkdir(parents=True, exist_ok=True)
    token, order = sharers[0]
    made = [call(url, "GET", f"/orders/{order['order_id']}/poster", token=token)[1]]
    for fmt, text in (("chat", "直播间专享价，手慢无！"), ("group", "邻居们一起拼单吧，满25份明早送到北门驿站～")):
        made.append(call(url, "POST", "/posters", {"product_id": "qingtuan", "live_session_id": "spring-live",
                                                    "format": fmt, "text": text}, token=token)[1])
    print(f"Posters written to {POSTER_DIR}/:")
    for poster in made:
        status, image, kind = fetch(url, f"/posters/{poster['poster_id']}", token=token)
        path = POSTER_DIR / f"{poster['format']}-{poster['poster_id']}.png"
        path.write_bytes(image)
        print(f"  {path.name}  {poster['width']}x{poster['height']}  {len(image) // 1024} KiB  ({kind})")


if __name__ == "__main__":
    main()
