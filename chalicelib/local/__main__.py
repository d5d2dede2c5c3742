"""Local commands: `run` (the stack), `demo`, `pay ORDER_ID --amount FEN` (a signed payment)."""
from __future__ import annotations

import argparse
import json
import os
import signal
import threading


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.local")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="serve the API with the embedded local stack")
    run.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    run.add_argument("--moto-port", type=int, default=int(os.environ.get("MOTO_PORT", "0")))
    sub.add_parser("demo", help="a scripted live sale against a fresh stack")
    pay = sub.add_parser("pay", help="send a correctly signed payment.succeeded to a running stack")
    pay.add_argument("order_id")
    pay.add_argument("--amount", type=int, required=True, help="amount in fen (must equal the order total)")
    pay.add_argument("--url", default=f"http://127.0.0.1:{os.environ.get('PORT', '8000')}")
    pay.add_argument("--provider", default="sandbox")
    pay.add_argument("--transaction-id")
    args = parser.parse_args()

    if args.command == "run":
        from .stack import LocalStack

        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        with LocalStack(port=args.port, moto_port=args.moto_port) as stack:
            print(f"API on {stack.url} (embedded AWS on {stack.moto_url}); Ctrl-C stops everything", flush=True)
            try:
                stop.wait()
            except KeyboardInterrupt:
                pass
    elif args.command == "demo":
        from .demo import main as demo

        demo()
    else:
        from ..settings import Settings
        from .client import pay as send

        secret = Settings.from_env().webhook_secret(args.provider)
        status, body = send(args.url, secret, args.order_id, args.amount, args.provider, args.transaction_id)
        print(status, json.dumps(body, ensure_ascii=False))
        raise SystemExit(0 if status < 300 else 1)


if __name__ == "__main__":
    main()
