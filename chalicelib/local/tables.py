"""Create every table from the PynamoDB models - the same definitions the code uses - and the poster bucket."""
from __future__ import annotations

from ..adapters.dynamodb import models


def create_all(prefix: str, region: str, endpoint: str | None) -> list[str]:
    models.configure(prefix, region, endpoint)
    created = []
    for model in models.ALL_MODELS:
        if not model.exists():
            model.create_table(wait=False)  # moto makes tables ACTIVE at once
            if any(type(a).__name__ == "TTLAttribute" for a in model.get_attributes().values()):
                model.update_ttl(ignore_update_ttl_errors=True)
        created.append(model.Meta.table_name)
    create_bucket(f"{prefix}-posters", region, endpoint)
    return created


def create_bucket(name: str, region: str, endpoint: str | None) -> None:
    import boto3

    s3 = boto3.client("s3", region_name=region, endpoint_url=endpoint)
    try:
        s3.create_bucket(Bucket=name)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass


def truncate_all() -> None:
    """Empty every table (tests): cheaper than dropping and recreating them."""
    for model in models.ALL_MODELS:
        with model.batch_write() as batch:
            for item in model.scan():
                batch.delete(item)
