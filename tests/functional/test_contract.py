"""The API's published contract: OpenAPI coverage, IAM on admin routes, infra agreeing with the models,
and the real-shaped sample events in events/ driving the Lambda entry point."""
import json
from pathlib import Path

from chalice.app import IAMAuthorizer
from openapi_spec_validator import validate

from app import app
from chalicelib.adapters.dynamodb import models
from tests.conftest import load_event

ROOT = Path(__file__).resolve().parents[2]


def test_every_route_is_in_the_openapi_document_and_it_is_valid(api):
    doc = api.ok("GET", "/openapi.json")
    validate(doc)
    for path, methods in app.routes.items():
        for method in methods:
            assert method.lower() in doc["paths"][path], (method, path)
    order = doc["paths"]["/orders"]["post"]
    assert order["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/OrderIn"}
    assert {"201", "400", "401", "404", "409", "422"} <= set(order["responses"])
    assert "unit_price" not in doc["components"]["schemas"]["OrderItemIn"]["properties"]


def test_admin_routes_and_only_admin_routes_require_iam():
    for path, methods in app.routes.items():
        for method, entry in methods.items():
            if path.startswith("/admin/"):
                assert isinstance(entry.authorizer, IAMAuthorizer), path
            else:
                assert entry.authorizer is None, path


def test_infra_resources_are_generated_from_the_models():
    import importlib.util
    spec = importlib.util.spec_from_file_location("build", ROOT / "infra" / "build_resources.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    committed = json.loads((ROOT / "infra" / "resources.json").read_text())
    assert committed == json.loads(json.dumps(build.render()))


def test_infra_tables_match_the_models_keys_indexes_and_streams():
    resources = json.loads((ROOT / "infra" / "resources.json").read_text())["Resources"]
    tables = {r["Properties"]["TableName"]["Fn::Sub"].split("}-", 1)[1]: r["Properties"]
              for r in resources.values() if r.get("Type") == "AWS::DynamoDB::Table"}
    assert set(tables) == {models.table_suffix(m) for m in models.ALL_MODELS}
    for model in models.ALL_MODELS:
        props = tables[models.table_suffix(model)]
        keys = {k["KeyType"]: k["AttributeName"] for k in props["KeySchema"]}
        assert keys.get("HASH") == model._hash_keyname and keys.get("RANGE") == model._range_keyname
        declared = {i.Meta.index_name: {a.attr_name: ("HASH" if a.is_hash_key else "RANGE")
                                        for a in i.Meta.attributes.values() if a.is_hash_key or a.is_range_key}
                    for i in model._indexes.values()}
        deployed = {g["IndexName"]: {k["AttributeName"]: k["KeyType"] for k in g["KeySchema"]}
                    for g in props.get("GlobalSecondaryIndexes", [])}
        assert declared == deployed, model.__name__
        stream = getattr(model.Meta, "stream_view_type", None)
        assert props.get("StreamSpecification", {}).get("StreamViewType") == stream, model.__name__
    assert tables["idempotency"]["TimeToLiveSpecification"] == {"AttributeName": "expiration", "Enabled": True}


def test_api_gateway_events_through_the_lambda_entry_point(api):
    from chalice.local import LambdaContext
    context = LambdaContext("livecommerce-dev", 512)
    health = app(load_event("apigw_get_health.json"), context)
    assert health["statusCode"] == 200 and json.loads(health["body"])["status"] == "ok"
    bad = app(load_event("apigw_post_orders_bad_json.json"), context)
    assert bad["statusCode"] == 401 and json.loads(bad["body"])["code"] == "INVALID_TOKEN"
