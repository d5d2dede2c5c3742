"""Secret values: literal, or `ssm:/name` resolved through Powertools Parameters (cached, lazy)."""
from __future__ import annotations

SSM_PREFIX = "ssm:"


def resolve(value: str | None, max_age: int = 300) -> str | None:
    if not value or not value.startswith(SSM_PREFIX):
        return value
    from aws_lambda_powertools.utilities import parameters  # lazy: only deployed stages need it

    return parameters.get_parameter(value[len(SSM_PREFIX):], decrypt=True, max_age=max_age)
