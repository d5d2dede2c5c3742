"""The stream pump behaves like Lambda's event source mapping: order, partial failures, dead letters."""
import json

import boto3

from chalicelib.local.moto_server import MotoServer
from chalicelib.local.pump import StreamPump, Target


def streamed_table(ddb, name: str, key: str) -> None:
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
                     StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})


def test_partial_failures_are_redelivered_from_the_first_failure_and_poison_is_parked(tmp_path, monkeypatch):
    with MotoServer() as url:
        # a table of its own, made with boto3: the PynamoDB models stay bound to the session's stack
        ddb = boto3.client("dynamodb", endpoint_url=url, region_name="us-east-1")
        streamed_table(ddb, "pumptest-outbox", "message_id")
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


def test_each_mapping_polls_on_its_own_so_a_blocked_consumer_does_not_hold_up_another():
    import threading

    with MotoServer() as url:
        ddb = boto3.client("dynamodb", endpoint_url=url, region_name="us-east-1")
        streamed_table(ddb, "pumptest-orders", "order_id")
        release, slow_started, fast_done = threading.Event(), threading.Event(), threading.Event()
        fast_seen = []

        def slow(event, context):  # e.g. rendering posters
            slow_started.set()
            release.wait(30)
            return {"batchItemFailures": []}

        def fast(event, context):  # e.g. counting batch units
            fast_seen.extend(r["dynamodb"]["Keys"]["order_id"]["S"] for r in event["Records"])
            fast_done.set()
            return {"batchItemFailures": []}

        pump = StreamPump(url, [Target("pumptest-orders", slow), Target("pumptest-orders", fast)], interval=0.05)
        pump.start()
        try:
            ddb.put_item(TableName="pumptest-orders", Item={"order_id": {"S": "o1"}})
            assert slow_started.wait(15)
            assert fast_done.wait(15), "the fast consumer waited for the blocked one"
            assert fast_seen == ["o1"]
        finally:
            release.set()
            pump.stop()
            pump.join(timeout=15)


def test_a_cancelled_transaction_leaves_no_stream_record_even_for_an_iterator_taken_before():
    with MotoServer() as url:
        ddb = boto3.client("dynamodb", endpoint_url=url, region_name="us-east-1")
        streams = boto3.client("dynamodbstreams", endpoint_url=url, region_name="us-east-1")
        for name in ("pumptest-o", "pumptest-c"):
            streamed_table(ddb, name, "id")
        arn = ddb.describe_table(TableName="pumptest-o")["Table"]["LatestStreamArn"]
        shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
        stale = streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                           ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        try:  # the put is applied before the check that cancels the transaction
            ddb.transact_write_items(TransactItems=[
                {"Put": {"TableName": "pumptest-o", "Item": {"id": {"S": "phantom"}}}},
                {"ConditionCheck": {"TableName": "pumptest-c", "Key": {"id": {"S": "missing"}},
                                    "ConditionExpression": "attribute_exists(id)"}}])
            raise AssertionError("the transaction should have been cancelled")
        except ddb.exceptions.TransactionCanceledException:
            pass
        ddb.put_item(TableName="pumptest-o", Item={"id": {"S": "real"}})
        assert streams.get_records(ShardIterator=stale)["Records"] == []
        fresh = streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                           ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        assert [r["dynamodb"]["Keys"]["id"]["S"] for r in streams.get_records(ShardIterator=fresh)["Records"]] \
            == ["real"]
