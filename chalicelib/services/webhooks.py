"""Signed webhooks: verify, de-duplicate by event id, dispatch by type."""
from __future__ import annotations

import json

from pydantic import BaseModel, Field, ValidationError

from ..adapters.secrets import resolve
from ..domain import signatures
from ..domain.errors import InvalidInputError, NotFoundError


class Envelope(BaseModel):
    id: str = Field(min_length=1, max_length=128)
    type: str = Field(min_length=1, max_length=64)
    occurred_at: str
    data: dict


class PaymentSucceeded(BaseModel):
    order_id: str = Field(min_length=1, max_length=64)
    amount: int = Field(ge=0)
    transaction_id: str = Field(min_length=1, max_length=128)


def parse(model: type[BaseModel], payload) -> BaseModel:
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        fields = {".".join(str(p) for p in e["loc"]) or "body": e["msg"] for e in exc.errors()}
        raise InvalidInputError("The event is not valid", fields=fields) from None


class WebhookService:
    def __init__(self, settings, clock, deduper, payments) -> None:
        self._settings, self._clock, self._deduper, self._payments = settings, clock, deduper, payments

    def payment(self, provider: str, raw_body: bytes, signature: str | None, lambda_context=None) -> dict:
        if provider not in self._settings.payment_providers:
            raise NotFoundError(f"Unknown payment provider {provider}", code="PROVIDER_NOT_FOUND")
        envelope = self._verified(provider, raw_body, signature)
        if envelope.type != "payment.succeeded":
            return {"event_id": envelope.id, "result": "ignored"}
        data = parse(PaymentSucceeded, envelope.data)
        result = self._deduper.once(f"payments/{provider}", envelope.id, lambda: self._payments.payment_succeeded(
            data.order_id, data.amount, data.transaction_id), lambda_context)
        return {"event_id": envelope.id, **result}

    def _verified(self, name: str, raw_body: bytes, signature: str | None) -> Envelope:
        signatures.verify(signature, raw_body, resolve(self._settings.webhook_secret(name)),
                          self._clock.timestamp(), self._settings.webhook_tolerance_seconds)
        try:
            payload = json.loads(raw_body)
        except (ValueError, UnicodeDecodeError):
            raise InvalidInputError("The body is not valid JSON", code="INVALID_JSON") from None
        return parse(Envelope, payload)
