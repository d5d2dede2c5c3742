"""One real local stack for the concurrency tests: serialized moto server + `chalice local`."""
import os

import pytest

DEADLINE_SECONDS = 4


@pytest.fixture(scope="session")
def stack():
    from chalicelib import bootstrap
    from chalicelib.local.client import free_port
    from chalicelib.local.stack import LocalStack

    saved = dict(os.environ)
    bootstrap.reset()
    stack = LocalStack(port=free_port(), quiet=True, schedule_interval=3600,
                       env={"PAYMENT_DEADLINE_SECONDS": str(DEADLINE_SECONDS), "CATALOG_CACHE_SECONDS": "5"})
    stack.start()
    yield stack
    stack.stop()
    os.environ.clear()
    os.environ.update(saved)
    bootstrap.reset()
