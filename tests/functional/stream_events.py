"""Build Lambda-shaped DynamoDB stream events from the real-shaped samples in events/ and real items."""
from __future__ import annotations

import copy
import itertools

from tests.conftest import load_event

_sequence = itertools.count(5_000_000)


def record(sample: str, name: str, new: dict | None, old: dict | None, keys: dict) -> dict:
    """One record shaped like `events/<sample>`, carrying these images (DynamoDB JSON)."""
    base = copy.deepcopy(load_event(sample)["Records"][0])
    base["eventName"] = name
    dynamodb = base["dynamodb"]
    dynamodb["Keys"] = keys
    dynamodb["SequenceNumber"] = str(next(_sequence))
    for field, image in (("NewImage", new), ("OldImage", old)):
        if image is None:
            dynamodb.pop(field, None)
        else:
            dynamodb[field] = image
    return base


def event(*records: dict) -> dict:
    return {"Records": list(records)}


def order_image(order_id: str) -> dict:
    from chalicelib.adapters.dynamodb.models import OrderModel

    return OrderModel.get(order_id, consistent_read=True).serialize()


def paid_record(order_id: str) -> dict:
    """MODIFY pending_payment -> paid for an order that is paid in the table."""
    new = order_image(order_id)
    old = {**new, "status": {"S": "pending_payment"}}
    return record("dynamodb_orders_modify.json", "MODIFY", new, old, {"order_id": {"S": order_id}})


def status_change_record(order_id: str, old_status: str) -> dict:
    new = order_image(order_id)
    return record("dynamodb_orders_modify.json", "MODIFY", new, {**new, "status": {"S": old_status}},
                  {"order_id": {"S": order_id}})


def insert_record(order_id: str) -> dict:
    return record("dynamodb_orders_insert.json", "INSERT", order_image(order_id), None, {"order_id": {"S": order_id}})


def batch_record(community_id: str, batch_id: str, old_state: str = "open") -> dict:
    from chalicelib.adapters.dynamodb.models import BatchModel

    new = BatchModel.get(community_id, batch_id, consistent_read=True).serialize()
    return record("dynamodb_batches_modify.json", "MODIFY", new, {**new, "state": {"S": old_state}},
                  {"community_id": {"S": community_id}, "batch_id": {"S": batch_id}})


def outbox_records() -> list[dict]:
    from chalicelib.adapters.dynamodb.models import OutboxModel

    return [record("dynamodb_outbox_insert.json", "INSERT", m.serialize(), None,
                   {"message_id": {"S": m.message_id}}) for m in OutboxModel.scan()]


def offer_record(session_id: str, product_id: str, before: int, after: int) -> dict:
    sample = load_event("dynamodb_offers_modify.json")["Records"][0]["dynamodb"]
    new = {**sample["NewImage"], "session_id": {"S": session_id}, "product_id": {"S": product_id},
           "remaining": {"N": str(after)}}
    old = {**sample["OldImage"], "session_id": {"S": session_id}, "product_id": {"S": product_id},
           "remaining": {"N": str(before)}}
    return record("dynamodb_offers_modify.json", "MODIFY", new, old,
                  {"session_id": {"S": session_id}, "product_id": {"S": product_id}})
