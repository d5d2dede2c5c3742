"""Domain errors: a stable machine code, a human message and optional extra fields.

Each family maps to one HTTP status in `chalicelib.api.errors`; the domain knows nothing of HTTP.
"""
from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "ERROR"

    def __init__(self, message: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.extra = extra


class InvalidInputError(DomainError):
    code = "VALIDATION_ERROR"


class UnauthenticatedError(DomainError):
    code = "UNAUTHORIZED"


class NotFoundError(DomainError):
    code = "NOT_FOUND"


class ConflictError(DomainError):
    code = "CONFLICT"


class UnprocessableError(DomainError):
    code = "UNPROCESSABLE"


class UnavailableError(DomainError):
    code = "UNAVAILABLE"


class SoldOutError(ConflictError):
    code = "SOLD_OUT"


class LimitExceededError(ConflictError):
    code = "LIMIT_EXCEEDED"


class OfferNotLiveError(ConflictError):
    code = "OFFER_NOT_LIVE"


class IllegalTransitionError(ConflictError):
    code = "ILLEGAL_TRANSITION"


class IdempotencyInProgressError(ConflictError):
    code = "IDEMPOTENCY_IN_PROGRESS"


class IdempotencyKeyReusedError(UnprocessableError):
    code = "IDEMPOTENCY_KEY_REUSED"


class InvalidSignatureError(UnauthenticatedError):
    code = "INVALID_SIGNATURE"
