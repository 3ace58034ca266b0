"""A stack uploaded and deleted by hand, with boto3 alone (no tsc deploy, no tsc destroy).

Many users work so: `aws s3 sync`, `aws cloudformation create-stack`, later `delete-stack`.
The delete must complete by itself once the pipeline has written artifacts (S3 deletes only
empty buckets), and keep what the stack retains by design: the ECR repository, the log groups, the
source bucket with the user's uploads.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from compiler.cfn.common.outputs import PipelineOut

REGION = "us-east-1"
BUCKET, PREFIX, STACK = "hand-uploads", "stacks/minimal/", "by-hand"


def _upload(folder: Path) -> str:
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    for path in sorted(folder.iterdir()):
        s3.upload_file(str(path), BUCKET, PREFIX + path.name)
    return f"https://{BUCKET}.s3.{REGION}.amazonaws.com/{PREFIX}root.yaml"


def _outputs(cfn: Any, stack: str) -> dict[str, str]:
    found = cfn.describe_stacks(StackName=stack)["Stacks"][0].get("Outputs", [])
    return {o["OutputKey"]: o["OutputValue"] for o in found}


def _child(cfn: Any, stack: str, logical_id: str) -> str:
    found = cfn.describe_stack_resource(StackName=stack, LogicalResourceId=logical_id)
    return str(found["StackResourceDetail"]["PhysicalResourceId"])


def _use_the_buckets(artifacts: str, source: str) -> None:
    """What a few pipeline runs leave: object versions and a delete marker; an upload."""
    s3 = boto3.client("s3")
    s3.put_bucket_versioning(Bucket=artifacts, VersioningConfiguration={"Status": "Enabled"})
    for body in (b"one", b"two"):
        s3.put_object(Bucket=artifacts, Key="minimal/BuildArtif/abc", Body=body)
    s3.put_object(Bucket=artifacts, Key="minimal/SourceOutp/def", Body=b"zip")
    s3.delete_object(Bucket=artifacts, Key="minimal/SourceOutp/def")  # a delete marker
    s3.put_object(Bucket=source, Key="minimal/source.zip", Body=b"the user's code")


def _status_when_done(cfn: Any, stack_id: str) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = str(cfn.describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"])
        if not status.endswith("_IN_PROGRESS"):
            return status
        time.sleep(0.2)
    raise AssertionError(f"{stack_id} still in progress")


def test_delete_stack_by_hand_completes_and_keeps_what_is_retained(aws, compile_example, tmp_path):
    cfn = boto3.client("cloudformation")
    url = _upload(compile_example("minimal", tmp_path))
    stack_id = cfn.create_stack(
        StackName=STACK,
        TemplateURL=url,
        Parameters=[
            {"ParameterKey": "TemplateBucket", "ParameterValue": BUCKET},
            {"ParameterKey": "TemplatePrefix", "ParameterValue": PREFIX},
        ],
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"],
    )["StackId"]
    assert _status_when_done(cfn, stack_id) == "CREATE_COMPLETE"
    pipeline = _child(cfn, stack_id, "Pipeline")
    artifacts = _outputs(cfn, pipeline)[PipelineOut.ARTIFACT_BUCKET_NAME.value]
    source = _outputs(cfn, stack_id)[PipelineOut.SOURCE_BUCKET_NAME.value]
    _use_the_buckets(artifacts, source)
    repository = _outputs(cfn, stack_id)["RepositoryUri"].split("/", 1)[1]
    groups_before = {
        g["logGroupName"] for g in boto3.client("logs").describe_log_groups()["logGroups"]
    }

    cfn.delete_stack(StackName=stack_id)

    _status_when_done(cfn, stack_id)
    failed = [  # what a failed delete reports, each nested stack and resource
        (e["LogicalResourceId"], e.get("ResourceStatusReason"))
        for s in cfn.list_stacks()["StackSummaries"]
        for e in cfn.describe_stack_events(StackName=s["StackId"])["StackEvents"]
        if e["ResourceStatus"] == "DELETE_FAILED"
    ]
    assert _status_when_done(cfn, stack_id) == "DELETE_COMPLETE", failed
    assert _status_when_done(cfn, pipeline) == "DELETE_COMPLETE"
    s3 = boto3.client("s3")
    with pytest.raises(ClientError, match=r"NoSuchBucket|Not Found|404"):
        s3.head_bucket(Bucket=artifacts)
    # retained by design: the user's uploads, the images, the logs
    assert s3.get_object(Bucket=source, Key="minimal/source.zip")["Body"].read() == (
        b"the user's code"
    )
    ecr = boto3.client("ecr").describe_repositories(repositoryNames=[repository])
    assert [r["repositoryName"] for r in ecr["repositories"]] == [repository]
    groups_after = {
        g["logGroupName"] for g in boto3.client("logs").describe_log_groups()["logGroups"]
    }
    assert groups_before and groups_before <= groups_after
