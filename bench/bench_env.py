"""What every benchmark sets up first: the project on sys.path and an offline, in-process AWS."""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def offline_aws() -> Path:
    sys.path.insert(0, str(ROOT))
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE"):
        os.environ.pop(name, None)
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
                      AWS_REGION="us-east-1", STAGE="local", TABLE_PREFIX="livecommerce-local",
                      POWERTOOLS_LOG_LEVEL="ERROR")
    return ROOT
