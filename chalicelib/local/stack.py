"""The local stack: moto server + tables + `chalice local` + the schedules, stopped cleanly together."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from .moto_server import MotoServer
from .tables import create_all

ROOT = Path(__file__).resolve().parents[2]
REGION = "us-east-1"


def stack_env(moto_url: str, **extra: str) -> dict[str, str]:
    """The environment every local process shares: fake credentials and the loopback endpoint."""
    env = dict(os.environ)
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_SESSION_TOKEN="testing",
               AWS_DEFAULT_REGION=REGION, AWS_REGION=REGION, AWS_ENDPOINT_URL=moto_url,
               STAGE="local", TABLE_PREFIX=env.get("TABLE_PREFIX", "livecommerce-local"),
               OUTBOX_SINK=env.get("OUTBOX_SINK", "file:.local/outbox.jsonl"))
    env.update(extra)
    return env


def wait_healthy(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url}/health did not answer within {timeout}s")


class Scheduler(threading.Thread):
    """Runs the app's schedules in this process, like EventBridge would (every `interval` seconds)."""

    def __init__(self, interval: float = 60.0) -> None:
        super().__init__(name="scheduler", daemon=True)
        self.interval = interval
        self._stop_event = threading.Event()

    def run(self) -> None:
        from ..automation import schedules

        while not self._stop_event.wait(self.interval):
            for job in (schedules.expire_unpaid_orders, schedules.cut_off_batches, schedules.retry_outbox):
                try:
                    result = job({})
                    if any(result.values()):
                        print(f"[scheduler] {job.__name__}: {result}", flush=True)
                except Exception as exc:  # keep ticking; the next minute retries
                    print(f"[scheduler] {job.__name__} error: {exc}", file=sys.stderr, flush=True)

    def stop(self) -> None:
        self._stop_event.set()


class LocalStack:
    def __init__(self, port: int = 8000, moto_port: int = 0, schedule_interval: float = 60.0,
                 quiet: bool = False, env: dict[str, str] | None = None) -> None:
        self.port, self.moto_port, self.quiet, self.extra_env = port, moto_port, quiet, env or {}
        self.schedule_interval = schedule_interval
        self.url = f"http://127.0.0.1:{port}"
        self._moto: MotoServer | None = None
        self._chalice: subprocess.Popen | None = None
        self._scheduler: Scheduler | None = None
        self.pump = None

    def start(self) -> "LocalStack":
        self._moto = MotoServer(self.moto_port)
        moto_url = self._moto.start()
        env = stack_env(moto_url, **self.extra_env)
        # This process runs the schedules against the same embedded AWS, with the same settings.
        os.environ.update({k: env[k] for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                                               "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_ENDPOINT_URL", "STAGE",
                                               "TABLE_PREFIX", "OUTBOX_SINK", *self.extra_env)})
        from .. import bootstrap

        bootstrap.reset()  # services built earlier in this process must not keep another endpoint
        create_all(env["TABLE_PREFIX"], REGION, moto_url)
        out = subprocess.DEVNULL if self.quiet else None
        self._chalice = subprocess.Popen(
            [sys.executable, "-m", "chalicelib.local.chalice_local", "--no-autoreload", "--stage", "local",
             "--host", "127.0.0.1",
             "--port", str(self.port)], cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True)
        try:
            wait_healthy(self.url)
        except RuntimeError:
            self.stop()
            raise
        from .pump import StreamPump, app_targets

        self.pump = StreamPump(moto_url, app_targets(env["TABLE_PREFIX"]), region=REGION)
        self.pump.start()
        self._scheduler = Scheduler(self.schedule_interval)
        self._scheduler.start()
        self.moto_url = moto_url
        return self

    def stop(self) -> None:
        if self._scheduler:
            self._scheduler.stop()
        if self.pump:
            self.pump.stop()
            self.pump.join(timeout=10)  # let the last pass finish before the embedded AWS goes away
        if self._chalice and self._chalice.poll() is None:
            os.killpg(self._chalice.pid, signal.SIGTERM)
            try:
                self._chalice.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self._chalice.pid, signal.SIGKILL)
        if self._moto:
            self._moto.stop()

    def __enter__(self) -> "LocalStack":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
