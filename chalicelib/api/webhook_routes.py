"""Signed platform webhooks."""
from __future__ import annotations

from chalice import Blueprint

from ..bootstrap import services
from . import schemas as s
from .framework import WEBHOOK, endpoint

bp = Blueprint(__name__)


@endpoint(bp, "/webhooks/payments/{provider}", "POST", auth=WEBHOOK, response=s.WebhookAckOut,
          errors=(400, 401, 404, 409, 422), content_types=["application/json", "text/plain"])
def payment_webhook(call, provider):
    """A payment provider's signed notification (`payment.succeeded`)."""
    request = call.request
    return s.WebhookAckOut(**services().webhooks.payment(
        provider, request.raw_body or b"", (request.headers or {}).get("x-signature"), bp.lambda_context))
