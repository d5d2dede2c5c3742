"""The stream pump behaves like Lambda's event source mapping: order, partial failures, dead letters."""
import json

import boto3

from chalicelib.local.moto_server import MotoServer
from chalicelib.local.pump import StreamPump, Target


def test_partial_failures_are_redelivered_from_the_first_failure_and_poison_is_parked(tmp_path, monkeypatch):
    with MotoServer() as url:
        # a table of its own, made with boto3: the PynamoDB models stay bound to the session's stack
        ddb = boto3.client("dynamodb", endpoint_url=url, region_name="us-east-1")
        ddb.create_table(TableName="pumptest-outbox", BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "message_id", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "message_id", "KeyType": "HASH"}],
                         StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
        for n in range(5):
            ddb.put_item(TableName="pumptest-outbox", Item={"message_id": {"S": f"m{n}"}})
        deliveries = []

        def handler(event, context):
            ids = [r["dynamodb"]["Keys"]["message_id"]["S"] for r in event["Records"]]
            deliveries.append(ids)
            assert all(isinstance(r["dynamodb"]["ApproximateCreationDateTime"], int) for r in event["Records"])
            assert all(r["eventSourceARN"].endswith(r["eventSourceARN"].split("/")[-1]) for r in event["Records"])
            return {"batchItemFailures": [{"itemIdentifier": r["dynamodb"]["SequenceNumber"]}
                                          for r in event["Records"] if r["dynamodb"]["Keys"]["message_id"]["S"] == "m2"]}

        pump = StreamPump(url, [Target("pumptest-outbox", handler, batch_size=10)], max_attempts=3,
                          dead_letters=tmp_path)
        pump.drain()
        assert deliveries[0] == ["m0", "m1", "m2", "m3", "m4"]
        assert deliveries[1] == ["m2", "m3", "m4"] and deliveries[2] == ["m2", "m3", "m4"]
        assert deliveries[3] == ["m3", "m4"]
        assert len(deliveries) == 4
        parked = [json.loads(line) for line in (tmp_path / "pumptest-outbox.jsonl").read_text().splitlines()]
        assert [p["dynamodb"]["Keys"]["message_id"]["S"] for p in parked] == ["m2"]
        assert (pump.delivered, pump.parked) == (4, 1)
