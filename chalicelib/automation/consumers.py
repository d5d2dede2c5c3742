"""Stream consumers: what happens after a write, driven by DynamoDB Streams (never by the request).

Each consumer is idempotent: delivering the same batch twice changes nothing the second time.
"""
from __future__ import annotations

from collections import defaultdict

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecordEventName

from ..bootstrap import services
from ..domain.batching import OPEN, Batch
from ..domain.orders import CONFIRMED, PAID, PENDING_PAYMENT, REFUND_REQUIRED, REFUNDED
from ..services.batching import UnitChange
from .records import _int, guarded, logger, order_from_image, record_time, run_batch

INSERT, MODIFY = DynamoDBRecordEventName.INSERT, DynamoDBRecordEventName.MODIFY
COUNTED = (PAID, CONFIRMED)


def unit_change(record) -> UnitChange | None:
    """Paid units count into the batch; a refund of a counted order counts them back out."""
    if record.event_name != MODIFY:
        return None
    new, old = order_from_image(record.dynamodb.new_image), order_from_image(record.dynamodb.old_image)
    if not new.batch_key or new.status == old.status:
        return None
    if old.status == PENDING_PAYMENT and new.status == PAID:
        return UnitChange(f"batch-in:{new.order_id}", new.batch_key, new.units, new.live_session_id)
    if old.status in COUNTED and new.status in (REFUNDED, REFUND_REQUIRED):
        return UnitChange(f"batch-out:{new.order_id}", new.batch_key, -new.units, new.live_session_id)
    return None


def plan_orders(records) -> dict:
    svc = services()
    failures: dict = {}
    placed, changes = [], defaultdict(list)  # batch key -> [(sequence, change, order)]
    for record in records:
        seq = record.dynamodb.sequence_number
        try:
            if record.event_name == INSERT:
                placed.append((seq, order_from_image(record.dynamodb.new_image)))
            change = unit_change(record)
            if change:
                changes[change.batch_key].append((seq, change, order_from_image(record.dynamodb.new_image)))
        except (KeyError, ValueError, TypeError) as exc:  # a poison record fails alone
            logger.warning("malformed order record", extra={"sequence": seq, "error": repr(exc)})
            failures[seq] = exc
    if placed:
        try:
            svc.feed.orders_placed([order for _, order in placed])
        except Exception as exc:
            logger.exception("feed for placed orders failed")
            failures.update({seq: exc for seq, _ in placed})
    for key, group in changes.items():
        try:
            batch = svc.batching.count([change for _, change, _ in group])[key]
            svc.batching.join_confirmed([order for _, change, order in group if change.units > 0], batch)
        except Exception as exc:
            logger.exception("batch counting failed", extra={"batch_key": key})
            failures.update({seq: exc for seq, _, _ in group})
    return failures


def plan_share_loop(records) -> dict:
    """The share loop on the orders stream: a payment credits a referrer (first paid order only) and
    pre-renders the buyer's poster; a refund of that order takes the credit back."""
    svc = services()

    def apply(record) -> None:
        if record.event_name != MODIFY:
            return
        new, old = order_from_image(record.dynamodb.new_image), order_from_image(record.dynamodb.old_image)
        if old.status == PENDING_PAYMENT and new.status == PAID:
            svc.referrals.on_paid(new)
            svc.posters.prerender(new)
        elif old.status in COUNTED and new.status in (REFUNDED, REFUND_REQUIRED):
            svc.referrals.on_refunded(new)

    return guarded(records, apply)


def plan_offers(records) -> dict:
    feed = services().feed

    def apply(record) -> None:
        if record.event_name != MODIFY:
            return
        new, old = record.dynamodb.new_image, record.dynamodb.old_image
        before, after = _int(old["remaining"]), _int(new["remaining"])
        if after < before:
            feed.offer_changed(new["session_id"], new["product_id"], before, after, record_time(record))

    return guarded(records, apply)


def batch_from_image(image: dict) -> Batch:
    return Batch(community_id=image["community_id"], batch_id=image["batch_id"], units=_int(image["units"]),
                 threshold=_int(image["threshold"]), state=image["state"], delivery_at=image.get("delivery_at"),
                 live_session_id=image.get("live_session_id"), decided_at=image.get("decided_at"))


def plan_batches(records) -> dict:
    batching = services().batching

    def apply(record) -> None:
        if record.event_name != MODIFY:
            return
        old, new = record.dynamodb.old_image, record.dynamodb.new_image
        if old.get("state") == OPEN and new["state"] != OPEN:
            batching.on_decided(batch_from_image(new))

    return guarded(records, apply)


def plan_outbox(records) -> dict:
    outbox = services().outbox

    def apply(record) -> None:
        if record.event_name == INSERT:
            outbox.deliver(record.dynamodb.new_image["message_id"])

    return guarded(records, apply)


def orders_stream(event: dict, context=None) -> dict:
    return run_batch(event, context, plan_orders)


def share_loop_stream(event: dict, context=None) -> dict:
    return run_batch(event, context, plan_share_loop)


def offers_stream(event: dict, context=None) -> dict:
    return run_batch(event, context, plan_offers)


def batches_stream(event: dict, context=None) -> dict:
    return run_batch(event, context, plan_batches)


def outbox_stream(event: dict, context=None) -> dict:
    return run_batch(event, context, plan_outbox)
