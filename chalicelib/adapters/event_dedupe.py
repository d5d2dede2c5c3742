"""Webhook event de-duplication with Powertools Idempotency (one record per source and event id).

The first delivery runs the handler and stores its result; a repeat returns the stored result and
changes nothing; a repeat that arrives while the first is still running gets
IdempotencyAlreadyInProgressError (the API answers 409, so the platform retries later).
"""
from __future__ import annotations

from typing import Any, Callable

from aws_lambda_powertools.utilities.idempotency import (DynamoDBPersistenceLayer, IdempotencyConfig,
                                                         idempotent_function)

SEVEN_DAYS = 7 * 24 * 3600


class EventDeduper:
    def __init__(self, table_name: str, client_factory: Callable[[], Any]) -> None:
        self._table_name, self._client_factory = table_name, client_factory
        self._store: DynamoDBPersistenceLayer | None = None  # built on the first webhook, not at cold start
        self._config = IdempotencyConfig(event_key_jmespath="[source, id]", expires_after_seconds=SEVEN_DAYS,
                                         use_local_cache=False)

    def once(self, source: str, event_id: str, handler: Callable[[], dict[str, Any]],
             lambda_context=None) -> dict[str, Any]:
        if lambda_context is not None:  # lets an in-progress record expire with the invocation
            self._config.register_lambda_context(lambda_context)
        def run(event: dict) -> dict:
            return handler()

        if self._store is None:
            self._store = DynamoDBPersistenceLayer(table_name=self._table_name, boto3_client=self._client_factory())
        guarded = idempotent_function(run, data_keyword_argument="event", persistence_store=self._store,
                                      config=self._config)
        return guarded(event={"source": source, "id": event_id})
