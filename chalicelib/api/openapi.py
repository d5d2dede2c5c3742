"""/openapi.json, generated from the routes' own request and response models."""
from __future__ import annotations

import re
from typing import Any

from chalice import Blueprint

from .framework import ADMIN, REGISTRY, SHOPPER, WEBHOOK, endpoint
from .schemas import ErrorOut

bp = Blueprint(__name__)


def _ref(model, components: dict) -> dict:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, sub in schema.pop("$defs", {}).items():
        components[name] = sub
    components[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def document() -> dict[str, Any]:
    components: dict[str, Any] = {}
    paths: dict[str, Any] = {}
    error = {"content": {"application/json": {"schema": _ref(ErrorOut, components)}}}
    for route in REGISTRY:
        op: dict[str, Any] = {"operationId": route.name, "summary": route.summary.splitlines()[0] if route.summary else ""}
        params = [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
                  for n in re.findall(r"{(\w+)}", route.path)]
        if route.query is not None:
            for name, prop in route.query.model_json_schema()["properties"].items():
                params.append({"name": name, "in": "query", "required": False, "schema": prop})
        if route.path == "/orders" and route.method == "POST":
            params.append({"name": "Idempotency-Key", "in": "header", "required": True,
                           "schema": {"type": "string", "maxLength": 128}})
        if route.auth == WEBHOOK:
            params.append({"name": "X-Signature", "in": "header", "required": True, "schema": {"type": "string"}})
        if params:
            op["parameters"] = params
        if route.body is not None:
            op["requestBody"] = {"required": True,
                                 "content": {"application/json": {"schema": _ref(route.body, components)}}}
        ok = {"description": "OK"}
        if route.response is not None:
            ok["content"] = {"application/json": {"schema": _ref(route.response, components)}}
        op["responses"] = {str(route.status): ok, **{str(code): {"description": "Error", **error}
                                                      for code in route.errors}}
        if route.auth == SHOPPER:
            op["security"] = [{"bearer": []}]
        elif route.auth == ADMIN:
            op["security"] = [{"sigv4": []}]
        paths.setdefault(route.path, {})[route.method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "Live-commerce API", "version": "1.0.0"},
        "paths": paths,
        "components": {"schemas": components, "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
            "sigv4": {"type": "apiKey", "name": "Authorization", "in": "header",
                      "x-amazon-apigateway-authtype": "awsSigv4"}}},
    }


@endpoint(bp, "/openapi.json")
def openapi(call):
    """This document."""
    return document()
