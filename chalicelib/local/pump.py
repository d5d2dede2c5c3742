"""The stream pump: reads every table's stream from the embedded AWS and invokes the app's
`on_dynamodb_record` handlers the way Lambda's event source mapping does.

- Lambda-shaped events (`eventSourceARN`, numeric `ApproximateCreationDateTime`), in shard order.
- Partial batch responses are honoured: records before the first reported failure are done; the batch
  is re-delivered from that record on.
- After `max_attempts` deliveries of a failing record it is parked in a local dead-letter file and the
  shard moves on (Lambda: bisect-on-error isolates it, then the on-failure destination receives it).
"""
from __future__ import annotations

import importlib
import json
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

DEFAULT_DLQ = Path(".local") / "dead-letters"


def lambda_record(record: dict, stream_arn: str, region: str) -> dict:
    dynamodb = dict(record["dynamodb"])
    created = dynamodb.get("ApproximateCreationDateTime")
    if hasattr(created, "timestamp"):
        dynamodb["ApproximateCreationDateTime"] = int(created.timestamp())
    return {"eventID": record["eventID"], "eventName": record["eventName"], "eventVersion": "1.1",
            "eventSource": "aws:dynamodb", "awsRegion": region, "dynamodb": dynamodb,
            "eventSourceARN": stream_arn}


@dataclass
class _Shard:
    stream_arn: str
    shard_id: str
    last_fetched: str | None = None  # sequence number of the last record read into the buffer
    buffer: list = field(default_factory=list)
    attempts: int = 0


@dataclass
class Target:
    """One event source mapping: a handler reading one table's stream (a table may have several)."""
    table: str
    handler: Callable[[dict, object], dict]
    batch_size: int = 100
    shards: list[_Shard] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def app_targets(table_prefix: str) -> list[Target]:
    """Every DynamoDB stream handler registered in app.py, keyed by the table its ARN names."""
    from chalice.app import DynamoDBEventConfig

    from ..adapters.dynamodb import models

    app_module = importlib.import_module("app")
    suffixes = sorted((models.table_suffix(m) for m in models.ALL_MODELS), key=len, reverse=True)
    targets = []
    for source in app_module.app.event_sources:
        if isinstance(source, DynamoDBEventConfig):
            table = source.stream_arn.split(":table/", 1)[1].split("/", 1)[0]
            suffix = next(sfx for sfx in suffixes if table.endswith("-" + sfx))
            handler = getattr(app_module, source.handler_string.split(".")[-1])
            targets.append(Target(f"{table_prefix}-{suffix}", handler, source.batch_size))
    return targets


class StreamPump(threading.Thread):
    def __init__(self, endpoint: str, targets: list[Target], region: str = "us-east-1", interval: float = 0.2,
                 max_attempts: int = 4, dead_letters: Path = DEFAULT_DLQ) -> None:
        super().__init__(name="stream-pump", daemon=True)
        import boto3

        self._ddb = boto3.client("dynamodb", endpoint_url=endpoint, region_name=region)
        self._streams = boto3.client("dynamodbstreams", endpoint_url=endpoint, region_name=region)
        self._targets, self._region, self._interval = targets, region, interval
        self._max_attempts, self._dead_letters = max_attempts, Path(dead_letters)
        self._stop_event = threading.Event()
        self._count_lock = threading.Lock()
        self._workers: list[threading.Thread] = []
        self.delivered = 0
        self.parked = 0

    def _shards(self, target: Target) -> list[_Shard]:
        if not target.shards:
            arn = self._ddb.describe_table(TableName=target.table)["Table"]["LatestStreamArn"]
            for shard in self._streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
                target.shards.append(_Shard(arn, shard["ShardId"]))
        return target.shards

    def _iterator(self, shard: _Shard) -> str:
        """A fresh iterator after the last record read, every pass. (Iterators expire after 15 minutes
        in DynamoDB; locally, moto swaps a table's stream shard object when it rolls back a cancelled
        transaction, which strands an iterator held across that rollback.)"""
        if shard.last_fetched is None:
            kwargs = {"ShardIteratorType": "TRIM_HORIZON"}
        else:
            kwargs = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": shard.last_fetched}
        return self._streams.get_shard_iterator(StreamArn=shard.stream_arn, ShardId=shard.shard_id,
                                                **kwargs)["ShardIterator"]

    def pump_once(self) -> int:
        """One pass over every target's shards: fetch, deliver one batch each; returns records delivered."""
        return sum(self.pump_target(target) for target in self._targets)

    def pump_target(self, target: Target) -> int:
        from chalice.local import LambdaContext

        moved = 0
        with target.lock:  # one delivery at a time per mapping and shard, as Lambda does
            for shard in self._shards(target):
                if len(shard.buffer) < target.batch_size:
                    page = self._streams.get_records(ShardIterator=self._iterator(shard),
                                                     Limit=target.batch_size - len(shard.buffer))
                    if page["Records"]:
                        shard.last_fetched = page["Records"][-1]["dynamodb"]["SequenceNumber"]
                    shard.buffer += [lambda_record(r, shard.stream_arn, self._region) for r in page["Records"]]
                if shard.buffer:
                    moved += self._deliver(target, shard, LambdaContext(target.table, 512))
        return moved

    def _count(self, delivered: int = 0, parked: int = 0) -> None:
        with self._count_lock:
            self.delivered += delivered
            self.parked += parked

    def _deliver(self, target: Target, shard: _Shard, context) -> int:
        batch = shard.buffer[:target.batch_size]
        try:
            response = target.handler({"Records": batch}, context) or {}
            failed = [f["itemIdentifier"] for f in response.get("batchItemFailures", [])]
        except Exception as exc:  # the whole invocation failed: Lambda retries the whole batch
            print(f"[pump] {target.table}: handler error {exc!r}", file=sys.stderr, flush=True)
            failed = [batch[0]["dynamodb"]["SequenceNumber"]]
        sequences = [r["dynamodb"]["SequenceNumber"] for r in batch]
        first = min((sequences.index(s) for s in failed if s in sequences), default=None)
        if first is None:
            shard.buffer = shard.buffer[len(batch):]
            shard.attempts = 0
            self._count(delivered=len(batch))
            return len(batch)
        shard.buffer = shard.buffer[first:]  # records before the first failure are done
        self._count(delivered=first)
        shard.attempts += 1
        if shard.attempts >= self._max_attempts:
            self._park(target.table, shard.buffer.pop(0))
            shard.attempts = 0
        return first

    def _park(self, table: str, record: dict) -> None:
        self._dead_letters.mkdir(parents=True, exist_ok=True)
        with (self._dead_letters / f"{table}.jsonl").open("a", encoding="utf-8") as sink:
            sink.write(json.dumps(record, default=str) + "\n")
        self._count(parked=1)
        print(f"[pump] {table}: parked record {record['dynamodb']['SequenceNumber']} after "
              f"{self._max_attempts} attempts", file=sys.stderr, flush=True)

    def drain(self, quiet_passes: int = 3, max_passes: int = 2000) -> None:
        """Pump until every stream stays empty for a few passes (tests, demo)."""
        quiet = 0
        for _ in range(max_passes):
            if self.pump_once() == 0 and not any(s.buffer for t in self._targets for s in t.shards):
                quiet += 1
                if quiet >= quiet_passes:
                    return
            else:
                quiet = 0

    def run(self) -> None:
        """Each mapping polls on its own thread, as each Lambda function reads its stream on its own:
        a slow consumer (poster rendering) never holds up another (batch counters)."""
        self._workers = [threading.Thread(target=self._poll, args=(target,), daemon=True, name=f"pump-{n}-{target.table}")
                         for n, target in enumerate(self._targets)]
        for worker in self._workers:
            worker.start()
        self._stop_event.wait()
        for worker in self._workers:
            worker.join(timeout=10)

    def _poll(self, target: Target) -> None:
        while not self._stop_event.is_set():
            try:
                if self.pump_target(target) == 0:
                    self._stop_event.wait(self._interval)
            except Exception as exc:
                print(f"[pump] {target.table}: error {exc!r}", file=sys.stderr, flush=True)
                self._stop_event.wait(1.0)

    def stop(self) -> None:
        self._stop_event.set()
