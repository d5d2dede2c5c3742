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



def cut_off_batches(event=None) -> dict:
    """Batches past their cut-off get their community's below-threshold policy (or confirm if reached)."""
    outcome = services().batching.cut_off()
    logger.info("batch cut-off", extra=outcome)
    return outcome


def retry_outbox(event=None) -> dict:
    """Messages whose delivery failed (or whose worker died) get another attempt."""
    outcome = services().outbox.retry_undelivered()
    if outcome:
        logger.info("outbox retry", extra=outcome)
    return outcome
