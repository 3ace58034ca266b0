"""The deploy package's decisions that need no endpoint: messages, states, keys, causes."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import (
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    ProfileNotFound,
)
from stubbed_aws import stubbed

from compiler.deploy.bundle import read_bundle
from compiler.deploy.changes import StackState, change_set_type
from compiler.deploy.errors import DeployError, Interrupted, explain
from compiler.deploy.upload import ensure_bucket, root_key, stack_prefix
from compiler.deploy.watch import Event, first_failure, watch


def client_error(code: str, message: str = "details") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "Operation")


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (client_error("AccessDenied"),
         "access denied: your AWS identity may not call s3:CreateBucket; grant it, or use "
         "--profile"),
        (client_error("ExpiredToken"),
         "the AWS session has expired (ExpiredToken); sign in again (e.g. `aws sso login`) "
         "and rerun"),
        (client_error("ThrottlingException"),
         "AWS kept throttling s3:CreateBucket after retries; wait a minute and rerun"),
        (client_error("InvalidClientTokenId"),
         "AWS rejected the credentials (InvalidClientTokenId); check AWS_ACCESS_KEY_ID or "
         "--profile"),
        (client_error("MalformedXML", "The XML you provided was not well-formed"),
         "s3:CreateBucket failed: The XML you provided was not well-formed"),
        (NoCredentialsError(),
         "no AWS credentials found: pass --profile, set AWS_PROFILE or AWS_ACCESS_KEY_ID, "
         "or run `aws configure`"),
        (EndpointConnectionError(endpoint_url="https://s3.example"),
         "cannot reach the AWS endpoint http://127.0.0.1:1: check the network, "
         "--endpoint-url or AWS_ENDPOINT_URL"),
        (ProfileNotFound(profile="nope"),
         "AWS profile 'nope' is not configured (see ~/.aws/config)"),
    ],
)  # fmt: skip
def test_aws_failures_become_one_line(exc: Exception, expected: str) -> None:
    explained = explain(exc, "s3", "CreateBucket", profile="nope", endpoint="http://127.0.0.1:1")
    assert str(explained) == expected
    assert "\n" not in str(explained)


def state(status: str) -> StackState:
    return StackState("arn:stack", status, {}, {}, {})


@pytest.mark.parametrize(
    ("status", "kind"),
    [(None, "CREATE"), ("REVIEW_IN_PROGRESS", "CREATE"), ("CREATE_COMPLETE", "UPDATE"),
     ("UPDATE_ROLLBACK_COMPLETE", "UPDATE"), ("UPDATE_COMPLETE", "UPDATE")],
)  # fmt: skip
def test_change_set_type_follows_the_stack(status: str | None, kind: str) -> None:
    assert change_set_type(state(status) if status else None, "app", "--region eu-west-1") == kind


@pytest.mark.parametrize(
    ("status", "says"),
    [("ROLLBACK_COMPLETE",
      "delete it with `tsc destroy app --region eu-west-1 --profile ops` and deploy again"),
     ("UPDATE_IN_PROGRESS", "is busy (UPDATE_IN_PROGRESS); wait for it to finish"),
     ("DELETE_FAILED", "is in DELETE_FAILED; fix it in the CloudFormation console")],
)  # fmt: skip
def test_stacks_that_cannot_take_a_change_set_say_what_to_do(status: str, says: str) -> None:
    with pytest.raises(DeployError) as caught:
        change_set_type(state(status), "app", "--region eu-west-1 --profile ops")
    assert says in str(caught.value)


def event(label: str, logical_id: str, rtype: str, status: str, reason: str, second: int) -> Event:
    when = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=second)
    return Event(label, logical_id, rtype, status, reason, when, "")


def test_first_failure_is_the_root_cause_not_its_echoes() -> None:
    stack = "AWS::CloudFormation::Stack"
    events = [
        event("root", "StageDev", stack, "CREATE_FAILED", "Embedded stack ... failed", 5),
        event("service-dev", "Service", "AWS::ECS::Service", "CREATE_FAILED", "no room", 3),
        event("service-dev", "Alarm", "AWS::CloudWatch::Alarm", "CREATE_FAILED",
              "Resource creation cancelled", 2),
        event("network", "Vpc", "AWS::EC2::VPC", "CREATE_COMPLETE", "", 1),
    ]  # fmt: skip
    cause = first_failure(events)
    assert cause is not None
    assert (cause.stack_label, cause.logical_id, cause.reason) == ("service-dev", "Service",
                                                                   "no room")  # fmt: skip
    assert first_failure(events[3:]) is None


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [("tinystack", "tinystack/app/"), ("", "app/"), ("/team/stacks/", "team/stacks/app/")],
)
def test_template_prefix_is_the_same_on_every_deploy(prefix: str, expected: str) -> None:
    assert stack_prefix(prefix, "app") == expected


def test_the_root_goes_up_under_its_content_address(tmp_path: Path) -> None:
    bundle = write_bundle(tmp_path)
    digest = hashlib.sha256(b"Resources: {}\n").hexdigest()[:12]
    assert root_key("tinystack/app/", bundle) == f"tinystack/app/root.{digest}.yaml"


def write_bundle(folder: Path) -> Any:
    import hashlib

    files = {"root.yaml": b"Resources: {}\n", "network.yaml": b"Resources: {}\n"}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    digests = {n: hashlib.sha256(d).hexdigest() for n, d in files.items()}
    (folder / "manifest.json").write_text(json.dumps({"files": digests}))
    return read_bundle(folder)


def test_a_file_changed_after_compiling_is_refused(tmp_path: Path) -> None:
    write_bundle(tmp_path)
    (tmp_path / "network.yaml").write_text("Resources: {Extra: {}}\n")
    changed = re.escape("network.yaml differs from manifest.json; compile")
    with pytest.raises(DeployError, match=changed):
        read_bundle(tmp_path)


def test_a_folder_without_manifest_is_refused(tmp_path: Path) -> None:
    missing = re.escape("has no manifest.json; is it a folder `tsc compile`")
    with pytest.raises(DeployError, match=missing):
        read_bundle(tmp_path)


def test_ctrl_c_while_watching_leaves_the_stack_to_cloudformation() -> None:
    def pressed(**_: Any) -> None:
        raise KeyboardInterrupt  # the user presses Ctrl-C during the first poll

    with stubbed() as (aws, _):  # a real client; the press comes before any request is sent
        aws.client("cloudformation").meta.events.register("before-call", pressed)
        with pytest.raises(Interrupted) as caught:
            watch(aws, "app", "arn:stack", None, {}, lambda e, p: None)
    assert (caught.value.stack_name, caught.value.region) == ("app", "eu-west-1")


def test_unknown_profile_is_one_line(tsc, tmp_path: Path) -> None:
    write_bundle(tmp_path)
    result = tsc("diff", str(tmp_path), "--profile", "no-such-profile")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: AWS profile 'no-such-profile' is not configured (see ~/.aws/config)\n"
    )


def test_a_bucket_of_another_account_is_refused() -> None:
    with stubbed("s3") as (aws, stubs):
        # HeadBucket with ExpectedBucketOwner answers a bare 403 for another account's bucket
        stubs["s3"].add_client_error("head_bucket", "403", "Forbidden", 403)
        with pytest.raises(DeployError) as caught:
            ensure_bucket(aws, "shared-name", "123456789012", create=True)
    assert str(caught.value) == (
        "template bucket 'shared-name' belongs to another AWS account or denies you access; "
        "choose another --bucket"
    )


def test_without_the_deploy_extra_the_command_says_what_to_install(tmp_path: Path) -> None:
    write_bundle(tmp_path)
    # a Python where boto3 is not installed: `import boto3` fails as it would there
    code = "import sys; sys.modules['boto3'] = None; from compiler.cli import main; main()"
    done = subprocess.run([sys.executable, "-c", code, "diff", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 1
    assert done.stderr == ("error: the AWS commands need boto3: pip install 'tinystack[deploy]'\n")
