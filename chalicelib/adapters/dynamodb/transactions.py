"""One TransactWriteItems with labelled items, and the one place its failures are translated.

PynamoDB sends transaction items grouped by kind (condition checks, deletes, puts, updates), not in
the order they were added, and DynamoDB reports one cancellation reason per item *as sent*. `Tx`
records each item's label and kind and maps the reasons back to labels, so callers reason about
"the offer failed its condition" rather than list positions.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from ...domain.errors import ConflictError, UnavailableError

_KIND_ORDER = {"check": 0, "delete": 1, "put": 2, "update": 3}


@dataclass(frozen=True)
class Failure:
    code: str  # ConditionalCheckFailed, TransactionConflict, ...
    item: dict[str, Any] | None  # the item's old image when ALL_OLD was asked for


class TxCancelled(ConflictError):
    """The transaction was cancelled; `failures` maps each failing item's label to its reason.

    Callers translate the failures they expect into precise domain errors; any other cancellation
    reaches the client as a retryable 409 CONCURRENT_UPDATE rather than a 500.
    """

    code = "CONCURRENT_UPDATE"

    def __init__(self, failures: dict[str, Failure]) -> None:
        super().__init__("The resource changed concurrently; please retry")
        self.failures = failures

    @property
    def conflict(self) -> bool:
        return any(f.code == "TransactionConflict" for f in self.failures.values())

    def failed(self, label: str) -> bool:
        failure = self.failures.get(label)
        return failure is not None and failure.code == "ConditionalCheckFailed"


def conditional_failed(exc) -> bool:
    """A single-item write (PutError/UpdateError/DeleteError) failed its condition."""
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


class Tx:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._items: list[tuple[str, str, tuple, dict]] = []

    def check(self, label: str, model_cls, hash_key, range_key=None, *, condition) -> "Tx":
        self._items.append(("check", label, (model_cls, hash_key, range_key), {"condition": condition}))
        return self

    def put(self, label: str, model, *, condition=None) -> "Tx":
        self._items.append(("put", label, (model,), {"condition": condition}))
        return self

    def update(self, label: str, model, actions, *, condition=None, return_old: bool = False) -> "Tx":
        self._items.append(("update", label, (model, actions),
                            {"condition": condition, "return_values": "ALL_OLD" if return_old else None}))
        return self

    def delete(self, label: str, model, *, condition=None) -> "Tx":
        self._items.append(("delete", label, (model,), {"condition": condition}))
        return self

    def commit(self) -> None:
        """Commit atomically; raise TxCancelled with labelled reasons, UnavailableError otherwise."""
        sent = sorted(self._items, key=lambda item: _KIND_ORDER[item[0]])  # stable, like PynamoDB
        try:
            with TransactWrite(connection=self._connection) as tx:
                for kind, _label, args, kwargs in self._items:
                    if kind == "check":
                        tx.condition_check(*args, **kwargs)
                    elif kind == "put":
                        tx.save(*args, **kwargs)
                    elif kind == "update":
                        tx.update(*args, **kwargs)
                    else:
                        tx.delete(*args, **kwargs)
        except TransactWriteError as exc:
            if exc.cause_response_code != "TransactionCanceledException":
                raise UnavailableError("The datastore is busy; please retry",
                                       code="DATASTORE_UNAVAILABLE") from exc
            failures = {
                label: Failure(reason.code, reason.raw_item)
                for (_kind, label, _a, _k), reason in zip(sent, exc.cancellation_reasons)
                if reason is not None and reason.code not in (None, "None")
            }
            raise TxCancelled(failures) from exc

    def commit_unless(self, label: str) -> bool:
        """Commit; False (nothing written) if the item `label` failed its condition, e.g. "already done"."""
        try:
            self.commit()
            return True
        except TxCancelled as exc:
            if exc.failed(label):
                return False
            raise
