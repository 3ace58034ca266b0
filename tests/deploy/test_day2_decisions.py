"""The day-2 decisions that need no endpoint: values, settings, zips, order, names.

AWS answers come from botocore's Stubber (tests/deploy/stubbed_aws.py); the rest are
plain data and files.
"""

from __future__ import annotations

import http.server
import io
import threading
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from stubbed_aws import stubbed

from compiler.buildspecs import _MEDIA_TYPES as BUILDSPEC_MEDIA_TYPES
from compiler.buildspecs import COMMIT_FILE
from compiler.deploy import pipeline, push, release, report, settings, status, values
from compiler.deploy.changes import PropertyChange
from compiler.deploy.errors import DeployError
from compiler.deploy.rollback import previous_release
from compiler.deploy.watch import Event, Progress, watch

ROOT = "arn:aws:cloudformation:eu-west-1:123456789012:stack/app/1"
STACK = "AWS::CloudFormation::Stack"
NESTED = "arn:aws:cloudformation:eu-west-1:123456789012:stack/app-StageDev/2"


def test_values_are_leaves_with_paths() -> None:
    old = {"MaxCapacity": 5, "Tags": [{"Key": "a", "Value": "1"}], "Policy": {"Min": 1}}
    new = {"MaxCapacity": 8, "Tags": [{"Key": "a", "Value": "2"}], "Policy": {"Min": 1, "X": 2}}
    changes = values.property_changes(old, new, ("MaxCapacity", "Tags", "Policy"))
    assert changes == [
        PropertyChange("MaxCapacity", 5, 8),
        PropertyChange("Tags[0].Value", "1", "2"),
        PropertyChange("Policy.X", None, 2),
    ]
    assert values.value_lines(tuple(changes)) == [
        "MaxCapacity: 5 -> 8", "Tags[0].Value: 1 -> 2", "Policy.X: (none) -> 2"
    ]  # fmt: skip
    long = values.shown("x" * 200)
    assert len(long) == 70 and long.endswith("...")


def test_the_fingerprint_is_a_reason_not_a_change() -> None:
    reason = values.bookkeeping_reason("Custom::DesiredCount", ("Fingerprint",))
    assert reason.startswith("asks again for the service's running task count")
    assert values.bookkeeping_reason("AWS::ECS::Service", ("DesiredCount",)) == ""


def test_the_live_table_shows_done_of_total_and_the_elapsed_time() -> None:
    progress = Progress(
        {"root": ("UPDATE_IN_PROGRESS", 1, 2), "stage-dev": ("waiting", 0, 0)}, 83.4
    )
    out = io.StringIO()
    Console(file=out, width=100, color_system=None).print(report._table(progress))
    lines = [line.rstrip() for line in out.getvalue().splitlines()]
    assert lines[0].strip() == "elapsed 1m23s"
    assert lines[1].split() == ["root", "UPDATE_IN_PROGRESS", "1/2", "done"]
    assert lines[2].split() == ["stage-dev", "waiting", "0", "done"]


def _event(
    stack: str, logical_id: str, status: str, second: int, physical: str = ""
) -> dict[str, Any]:
    return {
        "StackId": stack, "EventId": f"{logical_id}-{status}-{second}", "StackName": "app",
        "LogicalResourceId": logical_id, "PhysicalResourceId": physical,
        "ResourceType": STACK if physical.startswith("arn:") else "AWS::SNS::Topic",
        "Timestamp": datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=second),
        "ResourceStatus": status,
    }  # fmt: skip


def test_events_of_every_stack_are_shown_in_time_order() -> None:
    root_events = [  # newest first, as DescribeStackEvents answers
        _event(ROOT, "app", "UPDATE_COMPLETE", 10, ROOT),
        _event(ROOT, "StageDev", "UPDATE_COMPLETE", 9, NESTED),
        _event(ROOT, "StageDev", "UPDATE_IN_PROGRESS", 2, NESTED),
        _event(ROOT, "app", "UPDATE_IN_PROGRESS", 1, ROOT),
    ]
    nested_events = [
        _event(NESTED, "Topic", "UPDATE_COMPLETE", 5),
        _event(NESTED, "Topic", "UPDATE_IN_PROGRESS", 3),
    ]
    shown: list[tuple[int, str]] = []
    with stubbed("cloudformation") as (aws, stubs):
        stubs["cloudformation"].add_response(
            "describe_stack_events", {"StackEvents": root_events}, {"StackName": ROOT}
        )
        stubs["cloudformation"].add_response(
            "describe_stack_events", {"StackEvents": nested_events}, {"StackName": NESTED}
        )

        def render(event: Event | None, progress: Progress) -> None:
            if event is not None:
                shown.append((event.timestamp.second, f"{event.stack_label} {event.logical_id}"))

        labels = {("root", "StageDev"): "stage-dev"}
        outcome = watch(aws, "app", ROOT, None, labels, render, "root", {"stage-dev": 1})
    assert outcome.succeeded
    assert [second for second, _ in shown] == [1, 2, 3, 5, 9, 10]
    assert shown[2] == (3, "stage-dev Topic")


def test_previous_release_is_the_one_before_what_runs() -> None:
    history = ["sha256:c", "sha256:b", "sha256:a"]  # newest first
    assert previous_release(history, "sha256:c", "dev") == "sha256:b"
    assert previous_release(history, "sha256:b", "dev") == "sha256:a"
    assert previous_release(history, "sha256:x", "dev") == "sha256:c"  # a tag moved by hand
    with pytest.raises(DeployError, match="released nothing before sha256:a; name one with --to"):
        previous_release(history, "sha256:a", "dev")
    with pytest.raises(DeployError, match="no release in the pipeline's history"):
        previous_release([], None, "dev")


def test_release_digest_is_read_from_the_resolved_environment() -> None:
    def run(environment: str) -> pipeline.ActionRun:
        configuration = {"EnvironmentVariables": environment}
        return pipeline.ActionRun(
            "Release-dev", "Release", "Succeeded", None, "", "", {}, configuration
        )

    resolved = '[{"name":"IMAGE_DIGEST","value":"sha256:ab","type":"PLAINTEXT"}]'
    assert pipeline.released_digest(run(resolved)) == "sha256:ab"
    unresolved = '[{"name":"IMAGE_DIGEST","value":"#{BuildVariables.IMAGE_DIGEST}"}]'
    assert pipeline.released_digest(run(unresolved)) is None


def test_names_shared_with_the_compiler_agree() -> None:
    """deploy/ imports no backend, so the names it reads are checked equal here."""
    from compiler.cfn.pipeline.stack import BUILD_NAMESPACE

    assert push.COMMIT_FILE == COMMIT_FILE
    assert release.MEDIA_TYPES == BUILDSPEC_MEDIA_TYPES
    assert pipeline.DIGEST_VARIABLE == "IMAGE_DIGEST" and BUILD_NAMESPACE == "BuildVariables"


def test_settings_are_remembered_per_spec_file(tmp_path: Path) -> None:
    spec, other = tmp_path / "tinystack.yaml", tmp_path / "staging.yaml"
    assert settings.read_settings(spec) is None
    settings.remember(spec, settings.Remembered("eu-west-1", "b1", "tinystack", "shop"))
    settings.remember(other, settings.Remembered("us-east-1", "b2", "p", "shop-staging"))
    assert settings.read_settings(spec) == settings.Remembered(
        "eu-west-1", "b1", "tinystack", "shop"
    )
    assert settings.read_settings(other) == settings.Remembered(
        "us-east-1", "b2", "p", "shop-staging"
    )
    (tmp_path / ".tinystack" / "deploy.json").write_text("{not json")
    with pytest.raises(DeployError, match=r"deploy\.json .*delete it, or fix it by hand"):
        settings.read_settings(spec)


def test_outside_git_the_zip_follows_gitignore(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("out/\n*.pyc\n!keep.pyc\n")
    for name in ("app.py", "x.pyc", "keep.pyc", "out/root.yaml", "pkg/mod.py", ".git/HEAD"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
    data, entries, commit = push.zip_project(tmp_path)
    assert commit == ""  # not a checkout: no commit file
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == sorted(entries)
    assert sorted(entries) == [".gitignore", "app.py", "keep.pyc", "pkg/mod.py"]


@pytest.fixture()
def health_server() -> Iterator[str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/ping" else 503)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_the_health_probe_asks_the_health_path(health_server: str) -> None:
    assert status.probe(health_server, "/ping") == status.Health(
        f"{health_server}/ping", True, "HTTP 200"
    )
    assert status.probe(health_server + "/", "/other").detail == "HTTP 503"
    gone = status.probe("http://127.0.0.1:9", "/ping")
    assert not gone.answers and gone.detail.startswith("no answer")


def test_push_with_a_repository_source_starts_the_pipeline(tmp_path: Path) -> None:
    source = {
        "name": "Source",
        "actionTypeId": {"category": "Source", "owner": "AWS", "version": "1",
                         "provider": "CodeStarSourceConnection"},
        "configuration": {"FullRepositoryId": "acme/shop", "BranchName": "main",
                          "ConnectionArn": "arn:aws:codeconnections:eu-west-1:1:connection/x"},
    }  # fmt: skip
    definition = {
        "name": "shop-pipeline", "roleArn": "arn:aws:iam::123456789012:role/p",
        "stages": [{"name": "Source", "actions": [source]}],
    }  # fmt: skip
    said: list[str] = []
    with stubbed("codepipeline") as (aws, stubs):
        stubs["codepipeline"].add_response(
            "get_pipeline", {"pipeline": definition}, {"name": "shop-pipeline"}
        )
        stubs["codepipeline"].add_response(
            "start_pipeline_execution", {"pipelineExecutionId": "e1"}, {"name": "shop-pipeline"}
        )
        shipped = push.ship(aws, "shop-pipeline", tmp_path, said.append)
    assert (shipped.execution_id, shipped.files) == ("e1", ())
    assert said == [
        "started pipeline shop-pipeline: it builds acme/shop@main (the repository's branch, "
        "not this folder: push your commits there first)"
    ]
