"""The embedded AWS: moto server on loopback, with every request serialized.

moto's threaded server does not make DynamoDB conditional writes atomic under concurrent requests
(it oversold 1001 of 1000 in our measurements); real DynamoDB guarantees per-item atomicity. Holding
one lock per request restores that guarantee locally at the same throughput, so concurrency tests
against this server mean what they say.
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


class MotoServer:
    """`with MotoServer(port) as url:` serves moto on 127.0.0.1 until the block ends."""

    def __init__(self, port: int = 0, host: str = "127.0.0.1") -> None:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

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
