"""Render infra/resources.json (merged into `chalice package`) from the PynamoDB models.

The models are the one definition of every table; this script turns them into CloudFormation, and
`--check` fails when the committed file has drifted from them.

    python infra/build_resources.py          # rewrite infra/resources.json
    python infra/build_resources.py --check  # exit 1 if it is out of date
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from chalicelib.adapters.dynamodb import models  # noqa: E402

OUT = ROOT / "infra" / "resources.json"


def _logical_id(suffix: str) -> str:
    return "".join(part.capitalize() for part in suffix.split("-")) + "Table"


def table_resource(model) -> dict:
    schema = model._get_schema()
    props: dict = {
        "TableName": {"Fn::Sub": "${TablePrefix}-" + models.table_suffix(model)},
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": sorted(schema["attribute_definitions"], key=lambda a: a["AttributeName"]),
        "KeySchema": sorted(schema["key_schema"], key=lambda k: k["KeyType"]),
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "SSESpecification": {"SSEEnabled": True},
    }
    indexes = [{
        "IndexName": index["index_name"],
        "KeySchema": sorted(index["key_schema"], key=lambda k: k["KeyType"]),
        "Projection": index["projection"],
    } for index in schema.get("global_secondary_indexes", [])]
    if indexes:
        props["GlobalSecondaryIndexes"] = sorted(indexes, key=lambda i: i["IndexName"])
    stream = getattr(model.Meta, "stream_view_type", None)
    if stream:
        props["StreamSpecification"] = {"StreamViewType": stream}
    ttl = [name for name, attr in model.get_attributes().items() if type(attr).__name__ == "TTLAttribute"]
    if ttl:
        props["TimeToLiveSpecification"] = {"AttributeName": ttl[0], "Enabled": True}
    return {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
            "Properties": props}


MAX_RETRY_ATTEMPTS = 5
MAX_RECORD_AGE_SECONDS = 6 * 3600


def stream_consumers() -> dict:
    """Each `on_dynamodb_record` handler of app.py, bound to its table's StreamArn with partial batch
    responses, bisect-on-error, bounded retries and an SQS on-failure destination."""
    from chalice.app import DynamoDBEventConfig
    from chalice.utils import to_cfn_resource_name

    from app import app

    by_suffix = {models.table_suffix(m): _logical_id(models.table_suffix(m)) for m in models.ALL_MODELS}
    functions = {}
    for source in app.event_sources:
        if not isinstance(source, DynamoDBEventConfig):
            continue
        table = source.stream_arn.split(":table/", 1)[1].split("/", 1)[0]
        suffix = next(sfx for sfx in by_suffix if table.endswith("-" + sfx))
        function = to_cfn_resource_name(source.name)
        functions[function] = {"Properties": {"Events": {f"{function}DynamodbEventSource": {"Properties": {
            "Stream": {"Fn::GetAtt": [by_suffix[suffix], "StreamArn"]},
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            "BisectBatchOnFunctionError": True,
            "MaximumRetryAttempts": MAX_RETRY_ATTEMPTS,
            "MaximumRecordAgeInSeconds": MAX_RECORD_AGE_SECONDS,
            "DestinationConfig": {"OnFailure": {"Type": "SQS",
                                                "Destination": {"Fn::GetAtt": ["StreamFailuresQueue", "Arn"]}}},
        }}}}}
    return functions


def render() -> dict:
    resources = {_logical_id(models.table_suffix(m)): table_resource(m) for m in models.ALL_MODELS}
    outputs = {f"{name}Name": {"Value": {"Ref": name}} for name in resources}
    resources["StreamFailuresQueue"] = {
        "Type": "AWS::SQS::Queue",
        "Properties": {"QueueName": {"Fn::Sub": "${TablePrefix}-stream-failures"},
                       "MessageRetentionPeriod": 1209600, "SqsManagedSseEnabled": True}}
    resources["PosterBucket"] = {
        "Type": "AWS::S3::Bucket",
        "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
        "Properties": {
            "BucketName": {"Fn::Sub": "${TablePrefix}-posters"},  # = the stage's POSTER_BUCKET default
            "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
            "PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "BlockPublicPolicy": True,
                                               "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
            # a poster is re-rendered on demand from its inputs, so old ones can expire
            "LifecycleConfiguration": {"Rules": [{"Id": "expire-posters", "Status": "Enabled",
                                                  "Prefix": "posters/", "ExpirationInDays": 180}]},
        }}
    outputs["PosterBucketName"] = {"Value": {"Ref": "PosterBucket"}}
    resources.update(stream_consumers())
    for name, resource in resources.items():
        if "StreamSpecification" in resource["Properties"]:
            outputs[f"{name}StreamArn"] = {"Value": {"Fn::GetAtt": [name, "StreamArn"]}}
    return {
        "Parameters": {"TablePrefix": {"Type": "String", "Default": "livecommerce-dev",
                                       "AllowedPattern": "^[a-zA-Z0-9_.-]+$",
                                       "Description": "Table name prefix; must match the stage's TABLE_PREFIX"}},
        "Resources": resources,
        "Outputs": outputs,
    }


def main() -> int:
    text = json.dumps(render(), indent=2, ensure_ascii=False) + "\n"
    if "--check" in sys.argv:
        if not OUT.exists() or OUT.read_text() != text:
            print("infra/resources.json is out of date: run python infra/build_resources.py", file=sys.stderr)
            return 1
        print("infra/resources.json matches the models")
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
