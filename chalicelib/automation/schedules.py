"""Scheduled jobs (EventBridge rules when deployed; the local scheduler calls the same functions)."""
from __future__ import annotations

from aws_lambda_powertools import Logger

from ..bootstrap import services

logger = Logger(service="livecommerce")

MAX_PAGES = 50  # a minute's budget: 50 x 100 orders, the rest on the next tick


def expire_unpaid_orders(event=None) -> dict:
    """Release the holds of orders past their payment deadline, exactly once each."""
    total = 0
    for _ in range(MAX_PAGES):
        expired = services().orders.expire_due(limit=100)
        total += expired
        if expired < 100:
            break
    logger.info("expired unpaid orders", extra={"expired": total})
    return {"expired": total}

