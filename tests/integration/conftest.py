"""One real local stack for the concurrency tests: serialized moto server + `chalice local`."""
import os

import pytest

DEADLINE_SECONDS = 12


@pytest.fixture(scope="session")
def outbox_file(tmp_path_factory):
    return tmp_path_factory.mktemp("outbox") / "outbox.jsonl"


@pytest.fixture(scope="session")
def stack(outbox_file):
    from chalicelib import bootstrap
    from chalicelib.local.client import free_port
    from chalicelib.local.stack import LocalStack

    saved = dict(os.environ)
    bootstrap.reset()
    stack = LocalStack(port=free_port(), quiet=True, schedule_interval=3600,
                       env={"PAYMENT_DEADLINE_SECONDS": str(DEADLINE_SECONDS), "CATALOG_CACHE_SECONDS": "5",
                            "OUTBOX_SINK": f"file:{outbox_file}"})
    stack.start()
    yield stack
    stack.stop()
    os.environ.clear()
    os.environ.update(saved)
    bootstrap.reset()
