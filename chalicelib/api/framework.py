"""The single HTTP mechanism: auth, input parsing, output models and error mapping for every view.

Chalice turns any exception that is not a ChaliceViewError into a bare 500 inside the view call, so
errors are mapped here, in the one decorator every route goes through. The same decorator records the
route's models, from which /openapi.json is generated.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from typing import Any, Callable

from aws_lambda_powertools import Logger
from chalice import IAMAuthorizer, Response
from pydantic import BaseModel, ValidationError
from pynamodb.exceptions import PynamoDBException

from ..bootstrap import services
from ..domain.errors import (ConflictError, DomainError, InvalidInputError, NotFoundError,
                             UnauthenticatedError, UnavailableError, UnprocessableError)

logger = Logger(service="livecommerce")

PUBLIC, SHOPPER, ADMIN, WEBHOOK = "public", "shopper", "admin", "webhook"
_STATUS = ((InvalidInputError, 400), (UnauthenticatedError, 401), (NotFoundError, 404),
           (ConflictError, 409), (UnprocessableError, 422), (UnavailableError, 503))
_iam = IAMAuthorizer()


@dataclass
class Route:
    path: str
    method: str
    name: str
    auth: str
    summary: str
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    errors: tuple[int, ...]


REGISTRY: list[Route] = []


@dataclass
class Call:
    """What a view gets: the parsed inputs and the caller, and where to put status/headers."""
    request: Any
    user_id: str | None = None
    body: Any = None
    query: Any = None
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)


def status_of(error: DomainError) -> int:
    return next((status for cls, status in _STATUS if isinstance(error, cls)), 400)


def error_response(error: DomainError) -> Response:
    body = {"code": error.code, "message": error.message, **error.extra}
    return Response(body=body, status_code=status_of(error), headers={"Content-Type": "application/json"})


def _validation_error(exc: ValidationError, where: str) -> InvalidInputError:
    fields = {".".join(str(p) for p in e["loc"]) or where: e["msg"] for e in exc.errors()}
    return InvalidInputError(f"The {where} is not valid", fields=fields)


def parse_body(request, model: type[BaseModel]) -> BaseModel:
    raw = request.raw_body or b""
    try:
        payload = json.loads(raw) if raw.strip() else None
    except (ValueError, UnicodeDecodeError):
        raise InvalidInputError("The body is not valid JSON", code="INVALID_JSON") from None
    if not isinstance(payload, dict):
        raise InvalidInputError("The body must be a JSON object", code="INVALID_JSON")
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise _validation_error(exc, "body") from None


def parse_query(request, model: type[BaseModel]) -> BaseModel:
    params = dict(request.query_params or {})
    try:
        return model.model_validate(params)
    except ValidationError as exc:
        raise _validation_error(exc, "query") from None


def bearer_user(request) -> str:
    header = (request.headers or {}).get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise UnauthenticatedError("Sign in and send Authorization: Bearer <token>")
    return services().auth.authenticate(token.strip())


def _render(result: Any, call: Call, default_status: int, response: type[BaseModel] | None) -> Response:
    if isinstance(result, Response):  # binary bodies (images) pass through as they are
        return result
    if isinstance(result, dict) and response is not None:  # a dict answer is held to the declared model
        result = response.model_validate(result)
    if isinstance(result, BaseModel):
        result = result.model_dump(mode="json")
    headers = {"Content-Type": "application/json", **call.headers}
    return Response(body=result, status_code=call.status or default_status, headers=headers)


def endpoint(bp, path: str, method: str = "GET", *, auth: str = PUBLIC, body=None, query=None,
             response=None, status: int = 200, errors: tuple[int, ...] = (), summary: str = "",
             content_types: list[str] | None = None) -> Callable:
    def decorate(view: Callable) -> Callable:
        REGISTRY.append(Route(path, method, view.__name__, auth, summary or (view.__doc__ or "").strip(),
                              body, query, response, status, errors))

        @functools.wraps(view)
        def handler(**params: Any) -> Response:
            request = bp.current_request
            call = Call(request)
            try:
                if auth == SHOPPER:
                    call.user_id = bearer_user(request)
                if body is not None:
                    call.body = parse_body(request, body)
                if query is not None:
                    call.query = parse_query(request, query)
                return _render(view(call, **params), call, status, response)
            except DomainError as exc:
                return error_response(exc)
            except PynamoDBException:
                logger.exception("datastore error", extra={"path": path, "method": method})
                return error_response(UnavailableError("The datastore is unavailable; please retry",
                                                       code="DATASTORE_UNAVAILABLE"))
            except Exception:  # never a stack trace to the client
                logger.exception("unhandled error", extra={"path": path, "method": method})
                return Response(body={"code": "INTERNAL_ERROR", "message": "Something went wrong on our side"},
                                status_code=500, headers={"Content-Type": "application/json"})

        options: dict[str, Any] = {"methods": [method]}
        if auth == ADMIN:
            options["authorizer"] = _iam
        if content_types:
            options["content_types"] = content_types
        bp.route(path, **options)(handler)
        return handler

    return decorate
