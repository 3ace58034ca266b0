"""The artifact bucket's emptier: in the pipeline template, and its function on its own.

S3 is a moto server on 127.0.0.1 with IAM enforced to exactly what the template grants the
function; the answer goes over real HTTP to a local server standing in for the presigned
response URL.
"""

from __future__ import annotations

from typing import Any

import pytest
from cfn_templates import resources
from ir_factory import spec_ir
from moto_endpoint import CloudFormation, client, iam_enforced
from moto_endpoint import aws_url as aws_url  # the fixtures, re-exported for pytest
from moto_endpoint import cloudformation as cloudformation
from moto_endpoint import moto_url as moto_url

from compiler.cfn.functions import bucket_emptier as fn
from compiler.cfn.pipeline.stack import build_pipeline

BUCKET = "artifacts"


class _Context:
    def get_remaining_time_in_millis(self) -> int:
        return 600_000


def _pipeline(**spec: Any) -> dict[str, dict[str, Any]]:
    return resources(build_pipeline(spec_ir(**spec)))


def _granted(body: dict[str, dict[str, Any]]) -> list[str]:
    statements = body["BucketEmptierRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    return [a for s in statements["Statement"] for a in s["Action"] if not a.startswith("logs:")]


def test_the_artifact_bucket_is_emptied_after_the_pipeline_goes_and_before_it_does() -> None:
    body = _pipeline()
    emptier = body["ArtifactBucketEmptier"]
    assert emptier["Type"] == "Custom::BucketEmptier"
    assert emptier["Properties"]["BucketName"] == {"Ref": "ArtifactBucket"}  # deleted first
    assert "ArtifactBucketEmptier" in body["Pipeline"]["DependsOn"]  # the writer goes before
    function = body["BucketEmptierFunction"]["Properties"]
    assert emptier["Properties"]["ServiceTimeout"] > function["Timeout"]


def test_a_retained_bucket_is_never_emptied() -> None:
    # the created source bucket holds the user's uploads: the stack retains it
    body = _pipeline(source={"provider": "s3"})
    assert body["SourceBucket"]["DeletionPolicy"] == "RetainExceptOnCreate"
    emptiers = [r for r in body.values() if r["Type"] == "Custom::BucketEmptier"]
    assert [r["Properties"]["BucketName"] for r in emptiers] == [{"Ref": "ArtifactBucket"}]


@pytest.fixture()
def used_bucket(aws_url: str) -> Any:
    """A versioned bucket with two versions of a key, a delete marker and another key."""
    s3 = client("s3", aws_url)
    s3.create_bucket(Bucket=BUCKET)
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    for body in (b"1", b"2"):
        s3.put_object(Bucket=BUCKET, Key="build/a", Body=body)
    s3.put_object(Bucket=BUCKET, Key="source/b", Body=b"zip")
    s3.delete_object(Bucket=BUCKET, Key="source/b")
    return s3


def _run(cfn: CloudFormation, request: str, s3: Any) -> dict[str, Any]:
    event = {
        "RequestType": request,
        "ResponseURL": cfn.url,
        "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/s/1",
        "RequestId": f"req-{request}",
        "LogicalResourceId": "ArtifactBucketEmptier",
        "ResourceProperties": {"BucketName": BUCKET},
    }
    if request != "Create":
        event["PhysicalResourceId"] = f"empty-{BUCKET}"
    fn.handler(event, _Context(), s3)
    return cfn.only_answer()


def _versions(s3: Any) -> list[str]:
    page = s3.list_object_versions(Bucket=BUCKET)
    return [v["Key"] for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]


def test_delete_removes_every_version_and_marker_with_only_the_granted_actions(
    cloudformation: CloudFormation, used_bucket: Any, aws_url: str
) -> None:
    assert len(_versions(used_bucket)) == 4
    with iam_enforced(aws_url, _granted(_pipeline())) as keys:
        answer = _run(cloudformation, "Delete", client("s3", aws_url, keys))
    assert answer["Status"] == "SUCCESS" and answer["Reason"] == "See the function's CloudWatch log"
    assert _versions(used_bucket) == []
    used_bucket.delete_bucket(Bucket=BUCKET)  # S3 now lets the bucket go


@pytest.mark.parametrize("request_type", ["Create", "Update"])
def test_create_and_update_touch_nothing(
    cloudformation: CloudFormation, used_bucket: Any, request_type: str
) -> None:
    answer = _run(cloudformation, request_type, used_bucket)
    assert answer["Status"] == "SUCCESS" and answer["PhysicalResourceId"] == f"empty-{BUCKET}"
    assert len(_versions(used_bucket)) == 4


def test_a_replaced_bucket_gets_a_new_id_so_the_old_one_is_emptied_too(
    cloudformation: CloudFormation, used_bucket: Any
) -> None:
    event = {
        "RequestType": "Update",
        "ResponseURL": cloudformation.url,
        "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/s/1",
        "RequestId": "req-update",
        "LogicalResourceId": "ArtifactBucketEmptier",
        "PhysicalResourceId": f"empty-{BUCKET}",
        "ResourceProperties": {"BucketName": "artifacts-new"},
        "OldResourceProperties": {"BucketName": BUCKET},
    }
    fn.handler(event, _Context(), used_bucket)
    # a new ID: CloudFormation then sends Delete for the old one, with the old bucket
    assert cloudformation.only_answer()["PhysicalResourceId"] == "empty-artifacts-new"
    assert len(_versions(used_bucket)) == 4


def test_a_bucket_already_gone_is_empty_enough(
    cloudformation: CloudFormation, aws_url: str
) -> None:
    answer = _run(cloudformation, "Delete", client("s3", aws_url))
    assert answer["Status"] == "SUCCESS" and answer["Reason"] == "See the function's CloudWatch log"


def test_without_permission_it_still_answers_and_says_why(
    cloudformation: CloudFormation, used_bucket: Any, aws_url: str
) -> None:
    with iam_enforced(aws_url, ["s3:ListBucketVersions"]) as keys:
        answer = _run(cloudformation, "Delete", client("s3", aws_url, keys))
    # S3 answers a refused batch delete with 200 and per-key errors: read them, stop at once
    assert answer["Status"] == "SUCCESS" and answer["Reason"].startswith("emptying incomplete: ")
    assert "not deleted: AccessDenied" in answer["Reason"]
    assert len(_versions(used_bucket)) == 4  # the bucket's own delete will say it is not empty
