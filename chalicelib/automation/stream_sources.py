"""Stream ARNs for the `on_dynamodb_record` registrations.

Chalice needs an ARN when app.py is imported; deployed, infra/ replaces each with the table's
`StreamArn` (Fn::GetAtt), so these values only name the table (the local pump matches on that).
"""
from __future__ import annotations

import os


def stream_arn(table: str) -> str:
    prefix = os.environ.get("TABLE_PREFIX", "livecommerce-local")
    return os.environ.get(f"STREAM_ARN_{table.upper()}",
                          f"arn:aws:dynamodb:us-east-1:000000000000:table/{prefix}-{table}/stream/latest")
