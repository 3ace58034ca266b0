"""What a user sees when AWS is not there, not theirs, or the stack is broken.

Each failure is one `error:` line and exit status 1, never a traceback; a rerun after
the cause is gone succeeds.
"""

from __future__ import annotations

import os
import platform
import pty
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import boto3
import pytest

from compiler.deploy.upload import default_bucket

REPO = Path(__file__).resolve().parents[2]
# Waits end on a condition (a line printed, a status reached); this only stops a test that
# would never end, generous for a loaded machine.
PATIENCE = 300.0
# the root's stage stack: held, a deploy is surely under way past the network stack
STAGE = "StageDev"


@pytest.fixture()
def hello(compile_example, tmp_path) -> Path:
    """The minimal example (one dev stage) compiled."""
    return compile_example("minimal", tmp_path)


def one_error_line(stderr: str) -> str:
    """The single error line of a failed run (and proof that there is no traceback)."""
    assert "Traceback" not in stderr
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, stderr
    return errors[0]


def status(name: str) -> str:
    stack = boto3.client("cloudformation").describe_stacks(StackName=name)["Stacks"][0]
    return str(stack["StackStatus"])


def test_no_credentials(aws, tsc, hello, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    result = tsc("deploy", str(hello), "--yes", "--create-bucket")
    assert result.exit_code == 1
    assert one_error_line(result.stderr).startswith("error: no AWS credentials found")


def test_unknown_region_is_named_with_a_suggestion(aws, tsc, hello):
    result = tsc("diff", str(hello), "--region", "eu-westt-1")
    assert result.exit_code == 1
    assert one_error_line(result.stderr) == (
        "error: unknown AWS region 'eu-westt-1'; did you mean 'eu-west-1'?"
    )


def test_missing_template_bucket_says_how_to_create_it(aws, tsc, hello):
    result = tsc("deploy", str(hello), "--yes")
    assert result.exit_code == 1
    bucket = default_bucket("123456789012", "us-east-1")
    assert one_error_line(result.stderr) == (
        f"error: template bucket '{bucket}' does not exist; pass --create-bucket to create "
        "it (encrypted, versioned, public access blocked) or name one with --bucket"
    )


def test_created_template_bucket_is_private_encrypted_versioned(aws, tsc, hello):
    result = tsc("diff", str(hello), "--create-bucket", "--bucket", "my-templates")
    assert result.exit_code == 0, result.stderr
    s3 = boto3.client("s3")
    block = s3.get_public_access_block(Bucket="my-templates")["PublicAccessBlockConfiguration"]
    assert all(block.values())
    assert s3.get_bucket_versioning(Bucket="my-templates")["Status"] == "Enabled"
    rules = s3.get_bucket_encryption(Bucket="my-templates")["ServerSideEncryptionConfiguration"]
    assert rules["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    # diff leaves no stack behind (a CREATE change set would leave one in REVIEW_IN_PROGRESS)
    assert "hello" not in {
        s["StackName"] for s in boto3.client("cloudformation").describe_stacks()["Stacks"]
    }


def test_endpoint_stopped_before_deploy_then_rerun(own_server, tsc, hello, monkeypatch):
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")  # fail fast instead of backing off
    own_server.stop()
    result = tsc("deploy", str(hello), "--yes", "--create-bucket")
    assert result.exit_code == 1
    assert one_error_line(result.stderr).startswith(
        f"error: cannot reach the AWS endpoint {own_server.url}"
    )
    own_server.start()
    rerun = tsc("deploy", str(hello), "--yes", "--create-bucket")
    assert rerun.exit_code == 0, rerun.stderr
    assert status("hello") == "CREATE_COMPLETE"


class _Reader(threading.Thread):
    """Collects a pipe's text as it arrives (a prompt has no newline to wait for)."""

    def __init__(self, pipe: Any) -> None:
        super().__init__(daemon=True)
        self.pipe, self.text = pipe, ""

    def run(self) -> None:
        while chunk := os.read(self.pipe.fileno(), 4096):
            self.text += chunk.decode()

    def wait_for(self, pattern: str, seconds: float = PATIENCE) -> None:
        deadline = time.monotonic() + seconds
        while not re.search(pattern, self.text):
            assert time.monotonic() < deadline, self.text
            time.sleep(0.02)


def spawn(*args: str, stdin: Any = subprocess.PIPE) -> tuple[subprocess.Popen[bytes], _Reader]:
    """`tsc` in a process of its own (so it can be interrupted), its stderr being read."""
    command = [sys.executable, "-c", "from compiler.cli import main; main()", *args]
    process = subprocess.Popen(
        command, cwd=REPO, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    reader = _Reader(process.stderr)
    reader.start()
    return process, reader


# an event line of a nested stack: the deploy is under way and waiting (on STAGE, held)
WAITING = r"\d\d:\d\d:\d\d network \w+ CREATE_COMPLETE"


# the number of the read system call, as /proc/PID/syscall shows it
_READ_SYSCALL = {"x86_64": "0", "aarch64": "63"}


def wait_until_reading_stdin(pid: int, seconds: float = PATIENCE) -> None:
    """Until the process is blocked reading fd 0. A Ctrl-C that lands after the prompt is
    written but before the read starts is noted and the read then waits for ever (CPython
    checks signals only when the read is interrupted), which a loaded machine makes likely."""
    number = _READ_SYSCALL.get(platform.machine())
    deadline = time.monotonic() + seconds
    while number is not None:
        fields = Path(f"/proc/{pid}/syscall").read_text().split()
        if fields[:2] == [number, "0x0"]:
            return
        assert time.monotonic() < deadline, f"not reading stdin: {fields}"
        time.sleep(0.02)


def ended(process: subprocess.Popen[bytes], stderr: _Reader) -> int:
    """The exit status once `process` ends; one that never ends fails with what it printed."""
    try:
        process.wait(timeout=PATIENCE)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        stderr.join(timeout=PATIENCE)
        pytest.fail(f"tsc did not end within {PATIENCE:.0f} s; it printed:\n{stderr.text}")
    stderr.join(timeout=PATIENCE)
    return process.returncode


def wait_until_created(name: str, seconds: float = PATIENCE) -> None:
    deadline = time.monotonic() + seconds
    while status(name) != "CREATE_COMPLETE":
        assert time.monotonic() < deadline, status(name)
        time.sleep(0.1)


def test_endpoint_stopped_during_deploy_then_rerun(own_server, tsc, hello, monkeypatch):
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    own_server.pace(0.05)
    own_server.hold_resource(STAGE)  # the deploy cannot finish before the endpoint stops
    process, stderr = spawn("deploy", str(hello), "--yes", "--create-bucket")
    stderr.wait_for(WAITING)
    own_server.stop()
    assert ended(process, stderr) == 1
    assert one_error_line(stderr.text).startswith(
        f"error: cannot reach the AWS endpoint {own_server.url}"
    )
    own_server.start()  # a new, empty endpoint: the rerun starts from scratch
    rerun = tsc("deploy", str(hello), "--yes", "--create-bucket")
    assert rerun.exit_code == 0, rerun.stderr
    assert status("hello") == "CREATE_COMPLETE"


def test_ctrl_c_while_waiting_leaves_the_stack_deploying(aws, hello):
    aws.pace(0.05)
    aws.hold_resource(STAGE)
    process, stderr = spawn("deploy", str(hello), "--yes", "--create-bucket")
    stderr.wait_for(WAITING)
    process.send_signal(signal.SIGINT)
    assert ended(process, stderr) == 130
    assert stderr.text.splitlines()[-1] == (
        "interrupted: stack 'hello' goes on in CloudFormation; follow it with `aws "
        "cloudformation describe-stack-events --stack-name hello --region us-east-1` or in "
        "the console"
    )
    assert status("hello") == "CREATE_IN_PROGRESS"
    aws.release_resource(STAGE)
    wait_until_created("hello")


def test_deploy_while_another_runs_is_refused(aws, tsc, hello):
    aws.pace(0.05)
    aws.hold_resource(STAGE)
    process, stderr = spawn("deploy", str(hello), "--yes", "--create-bucket")
    stderr.wait_for(WAITING)
    busy = tsc("deploy", str(hello), "--yes")
    assert busy.exit_code == 1
    assert one_error_line(busy.stderr) == (
        "error: stack 'hello' is busy (CREATE_IN_PROGRESS); wait for it to finish (follow it: "
        "aws cloudformation describe-stack-events --stack-name hello --region us-east-1) and "
        "rerun"
    )
    aws.release_resource(STAGE)
    assert ended(process, stderr) == 0, stderr.text
    assert status("hello") == "CREATE_COMPLETE"


def test_failed_create_names_the_resource_then_rollback_complete_is_explained(aws, tsc, hello):
    aws.fail_resource("Service", "injected: the tasks could not be placed")
    failed = tsc("deploy", str(hello), "--yes", "--create-bucket")
    assert failed.exit_code == 1
    assert one_error_line(failed.stderr) == (
        "error: deploy failed (ROLLBACK_COMPLETE): Service (AWS::ECS::Service) in stack "
        "'service-dev' failed (CREATE_FAILED): injected: the tasks could not be placed; "
        "delete it with `tsc destroy hello --region us-east-1` before deploying again"
    )
    assert status("hello") == "ROLLBACK_COMPLETE"

    again = tsc("deploy", str(hello), "--yes")
    assert again.exit_code == 1
    assert one_error_line(again.stderr) == (
        "error: stack 'hello' is in ROLLBACK_COMPLETE (its first create failed) and cannot be "
        "updated; delete it with `tsc destroy hello --region us-east-1` and deploy again"
    )
    cleared = tsc("destroy", "hello", "--yes")
    assert cleared.exit_code == 0, cleared.stderr


def bucket_of(logical_id: str) -> str:
    """Physical name of a bucket of the deployed stack 'hello', by its logical ID."""
    cfn = boto3.client("cloudformation")
    for stack in cfn.describe_stacks()["Stacks"]:
        for r in cfn.list_stack_resources(StackName=stack["StackId"])["StackResourceSummaries"]:
            if r["LogicalResourceId"] == logical_id and r["ResourceType"] == "AWS::S3::Bucket":
                return str(r["PhysicalResourceId"])
    raise AssertionError(f"no bucket {logical_id}")


def test_destroy_needs_the_name_typed_and_empties_the_stacks_buckets(aws, tsc, hello):
    assert tsc("deploy", str(hello), "--yes", "--create-bucket").exit_code == 0
    refused = tsc("destroy", "hello", input="helo\n")
    assert refused.exit_code == 1
    assert one_error_line(refused.stderr) == (
        "error: 'helo' does not match 'hello'; nothing was deleted"
    )
    assert status("hello") == "CREATE_COMPLETE"

    s3 = boto3.client("s3")
    artifacts, source = bucket_of("ArtifactBucket"), bucket_of("SourceBucket")
    s3.put_bucket_versioning(Bucket=artifacts, VersioningConfiguration={"Status": "Enabled"})
    for body in (b"build 1", b"build 2"):  # two versions, then a delete marker
        s3.put_object(Bucket=artifacts, Key="hello/BuildArtif/out.zip", Body=body)
    s3.delete_object(Bucket=artifacts, Key="hello/BuildArtif/out.zip")
    s3.put_object(Bucket=source, Key="hello/source.zip", Body=b"source")

    confirmed = tsc("destroy", "hello", input="hello\n")
    assert confirmed.exit_code == 0, confirmed.stderr
    assert f"emptied bucket {artifacts} (3 object versions)" in confirmed.stderr
    assert "deleted stack hello" in confirmed.stdout
    assert artifacts not in {b["Name"] for b in s3.list_buckets()["Buckets"]}
    # the source bucket is retained by design, with what it holds, and named with its remedy
    assert s3.get_object(Bucket=source, Key="hello/source.zip")["Body"].read() == b"source"
    # versioned: `rb --force` would leave the old versions, so the bucket is emptied first
    assert f"AWS::S3::Bucket {source}  remove: empty it (S3 console: Empty removes every " in (
        confirmed.stdout
    )


def test_declined_deploy_changes_nothing(aws, tsc, hello):
    declined = tsc("deploy", str(hello), "--create-bucket", input="n\n")
    assert declined.exit_code == 1
    assert "deploy cancelled; nothing was changed" in declined.stderr
    assert boto3.client("cloudformation").describe_stacks()["Stacks"] == []


def no_stack_or_change_set_left() -> None:
    cfn = boto3.client("cloudformation")
    assert cfn.describe_stacks()["Stacks"] == []
    assert cfn.list_stacks(StackStatusFilter=["REVIEW_IN_PROGRESS"])["StackSummaries"] == []


def test_closed_stdin_at_the_prompt_declines_and_says_to_pass_yes(aws, tsc, hello):
    unanswered = tsc("deploy", str(hello), "--create-bucket", input="")
    assert unanswered.exit_code == 1
    assert "Aborted" not in unanswered.stderr
    assert unanswered.stderr.splitlines()[-1] == (
        "stdin is not a terminal: pass --yes to deploy without asking; nothing was changed"
    )
    no_stack_or_change_set_left()


def test_closed_stdin_at_the_prompt_of_an_update_leaves_no_change_set(
    aws, tsc, hello, compile_example, tmp_path
):
    assert tsc("deploy", str(hello), "--yes", "--create-bucket").exit_code == 0
    changed = compile_example(
        "minimal", tmp_path / "v2", {"name: hello": "name: hello\nscaling:\n  max: 7"}
    )
    unanswered = tsc("deploy", str(changed), input="")
    assert unanswered.exit_code == 1, unanswered.stderr
    assert unanswered.stderr.splitlines()[-1].endswith("; nothing was changed")
    assert "~ ScalableTarget" in unanswered.stdout
    assert status("hello") == "CREATE_COMPLETE"
    cfn = boto3.client("cloudformation")
    root = cfn.describe_stacks(StackName="hello")["Stacks"][0]["StackId"]
    # (moto lists every stack's change sets, executed ones too; AWS drops those)
    waiting = cfn.list_change_sets(StackName=root)["Summaries"]
    assert [c for c in waiting if (c["StackId"], c["ExecutionStatus"]) == (root, "AVAILABLE")] == []


def test_ctrl_c_at_the_prompt_declines_and_cleans_up(aws, hello):
    # a terminal on stdin, as when a person runs tsc deploy and presses Ctrl-C at the question
    terminal, tty = pty.openpty()
    try:
        process, stderr = spawn("deploy", str(hello), "--create-bucket", stdin=tty)
        stderr.wait_for(re.escape("Deploy these changes? [y/N]: "))
        wait_until_reading_stdin(process.pid)
        process.send_signal(signal.SIGINT)
        ended(process, stderr)
    finally:
        os.close(terminal)
        os.close(tty)
    assert process.returncode == 1, stderr.text
    assert "Aborted" not in stderr.text
    assert stderr.text.splitlines()[-1] == "deploy cancelled; nothing was changed"
    no_stack_or_change_set_left()
