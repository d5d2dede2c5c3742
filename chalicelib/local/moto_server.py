"""The embedded AWS: moto server on loopback, made to keep two DynamoDB guarantees moto does not.

1. moto's threaded server does not make conditional writes atomic under concurrent requests (it
   oversold 1001 of 1000 in our measurements); real DynamoDB guarantees per-item atomicity. Holding
   one lock per request restores that guarantee locally at the same throughput, so concurrency tests
   against this server mean what they say.
2. A cancelled transaction must leave no stream records. moto applies a transaction's items one by one
   and, when one fails, swaps each table for a copy taken before; the records the applied items had
   appended stay on the swapped-out shard, which a shard iterator taken earlier still reads - phantom
   INSERTs of orders that were never placed, and, as sequence numbers are then reused, a real record
   skipped. After a cancellation the swapped-out shards are truncated to their length before it.
"""
from __future__ import annotations

import threading

from werkzeug.serving import WSGIRequestHandler, make_server


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:  # one line per AWS call drowns the API's own log
        pass


class SerializedApp:
    def __init__(self, app) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self._lock:
            result = self._app(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close:
                    close()
        return [body]


def _cancelled_transactions_leave_no_stream_records() -> None:
    from moto.dynamodb.models import DynamoDBBackend

    original = DynamoDBBackend.transact_write_items
    if getattr(original, "truncates_streams", False):
        return

    def transact_write_items(self, transact_items):
        names = {op.get("TableName") for item in transact_items for op in item.values() if isinstance(op, dict)}
        shards = [(table.stream_shard, len(table.stream_shard.items))
                  for table in (self.tables.get(name) for name in names)
                  if table is not None and table.stream_shard is not None]
        try:
            return original(self, transact_items)
        except Exception:
            for shard, length in shards:
                del shard.items[length:]
            raise

    transact_write_items.truncates_streams = True
    DynamoDBBackend.transact_write_items = transact_write_items


class MotoServer:
    """`with MotoServer(port) as url:` serves moto on 127.0.0.1 until the block ends."""

    def __init__(self, port: int = 0, host: str = "127.0.0.1") -> None:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

        _cancelled_transactions_leave_no_stream_records()
        app = SerializedApp(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(host, port, app, threaded=True, request_handler=_QuietHandler)
        self.url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="moto", daemon=True)

    def start(self) -> str:
        self._thread.start()
        return self.url

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
