"""Turning DynamoDB stream records into domain objects, and running a batch with partial failures.

`run_batch` lets a consumer plan the whole batch first (so effects can be aggregated, e.g. one counter
update per community batch instead of one per record), then reports per-record outcomes through
Powertools' BatchProcessor, which builds the `batchItemFailures` partial response.
"""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Callable

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from ..domain.orders import Order, OrderLine
from ..domain.timefmt import iso

logger = Logger(service="livecommerce")

Plan = Callable[[list[DynamoDBRecord]], dict[str, Exception]]


def run_batch(event: dict, context, plan: Plan) -> dict:
    """Apply `plan` to every record; records whose sequence number maps to an error are reported failed."""
    records = [DynamoDBRecord(r) for r in event.get("Records", [])]
    try:
        failures = plan(records)
    except Exception as exc:  # the whole plan failed: every record is retried
        logger.exception("stream batch failed")
        failures = {r.dynamodb.sequence_number: exc for r in records}

    def outcome(record: DynamoDBRecord) -> None:
        error = failures.get(record.dynamodb.sequence_number)
        if error is not None:
            raise error

    processor = BatchProcessor(event_type=EventType.DynamoDBStreams, raise_on_entire_batch_failure=False)
    return process_partial_response(event=event, record_handler=outcome, processor=processor, context=context)


def guarded(records: list[DynamoDBRecord], fn: Callable[[DynamoDBRecord], None]) -> dict[str, Exception]:
    """Run `fn` per record; a failing record fails alone."""
    failures = {}
    for record in records:
        try:
            fn(record)
        except Exception as exc:
            logger.exception("stream record failed", extra={"sequence": record.dynamodb.sequence_number})
            failures[record.dynamodb.sequence_number] = exc
    return failures


def record_time(record: DynamoDBRecord) -> str:
    seconds = record.dynamodb.approximate_creation_date_time or 0
    return iso(datetime.fromtimestamp(int(seconds), tz=timezone.utc))


def _int(value) -> int:
    if isinstance(value, (Decimal, int)):
        return int(value)
    raise ValueError(f"not a number: {value!r}")


def order_from_image(image: dict) -> Order:
    """An order from a stream image; raises (KeyError/ValueError) on a malformed record."""
    lines = tuple(OrderLine(l["product_id"], _int(l["quantity"]), _int(l["unit_price"]), l["kind"],
                            bool(l.get("limited", False))) for l in image["lines"])
    return Order(order_id=image["order_id"], user_id=image["user_id"], status=image["status"], lines=lines,
                 created_at=image["created_at"], payment_deadline=image["payment_deadline"],
                 community_id=image.get("community_id"), live_session_id=image.get("live_session_id"),
                 invite_code=image.get("invite_code"), fingerprint=image.get("fingerprint", ""),
                 paid_at=image.get("paid_at"), transaction_id=image.get("transaction_id"),
                 refund_reason=image.get("refund_reason"), batch_key=image.get("batch_key"),
                 delivery_at=image.get("delivery_at"))
