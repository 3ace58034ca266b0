"""Day 2 against the local endpoint: push, status, approve, rollback, logs, exec, outputs.

One `tsc init` project (dev, then prod behind an approval) is deployed once for the
module; the tests then act on it in order, as a user would on the day after. What a
pipeline's builds and releases do is played by the test: the image goes to ECR through
its API, and each CodeBuild action is finished through tests/moto_ext (pipelines.py),
with the build's IMAGE_DIGEST as its output variable.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from click.testing import CliRunner, Result

from compiler.cli import main
from tests.deploy.conftest import point_environment_at
from tests.moto_ext.process import REGION, MotoServer

COMMENTED_PROD = "  # - name: prod\n  #   approval: true"
PROD = "  - name: prod\n    approval: true"
DEV = "  - name: dev"


@pytest.fixture(scope="module")
def project(moto_server: MotoServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A `tsc init` project in a git checkout, deployed by its next steps as printed."""
    moto_server.reset()
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        point_environment_at(patch, moto_server.url, home)
        folder = tmp_path_factory.mktemp("work") / "shop"
        created = tsc("init", str(folder), "--blueprint", "flask")
        assert created.exit_code == 0, created.output
        spec = folder / "tinystack.yaml"
        text = spec.read_text().replace(COMMENTED_PROD, PROD)
        text = text.replace(DEV, DEV + "\n    exec: true  # tsc exec needs ECS Exec on")
        spec.write_text(text)
        git(folder, "init", "-q", "-b", "main")
        git(folder, "add", "-A")
        git(folder, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "start")
        patch.chdir(folder)
        commands = next_steps(created.stdout)
        assert commands[-1] == ["deploy", "tinystack.yaml", "--create-bucket"]
        for command in commands:  # as written; the person answers the deploy's question
            done = CliRunner().invoke(main, command, input="y\n")
            assert done.exit_code == 0, (command, done.output)
        yield folder


def next_steps(printed: str) -> list[list[str]]:
    """The `tsc` commands of `tsc init`'s next steps, up to the deploy."""
    commands: list[list[str]] = []
    for line in printed.splitlines():
        step = re.match(r"^\s+\d+\. (.*)$", line)
        for part in step.group(1).split("#")[0].split("&&") if step else []:
            words = part.split()
            if words[:1] == ["tsc"] and (not commands or commands[-1][0] != "deploy"):
                commands.append(words[1:])
    return commands


def tsc(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def git(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(folder), *args], check=True, capture_output=True, text=True
    ).stdout


def outputs(stack: str = "shop") -> dict[str, str]:
    found = boto3.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in found.get("Outputs", [])}


def finish(server: MotoServer, action: str, status: str = "Succeeded", **variables: str) -> None:
    """Finish the running `<stage>/<action>` of the pipeline's newest execution."""
    doc = {"pipeline": outputs()["PipelineName"], "action": action, "status": status,
           "variables": variables, "region": REGION}  # fmt: skip
    assert "execution" in server.control("pipeline-action", doc)


def build_image(commit: str) -> str:
    """What build.yml pushes: an image tagged with the commit; its digest."""
    repository = outputs()["RepositoryUri"].split("/", 1)[1]
    config = {"digest": "sha256:" + hashlib.sha256(commit.encode()).hexdigest()}
    manifest = json.dumps(
        {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
         "config": config, "layers": []}
    )  # fmt: skip
    boto3.client("ecr").put_image(
        repositoryName=repository, imageManifest=manifest, imageTag=commit
    )
    return "sha256:" + hashlib.sha256(manifest.encode()).hexdigest()


def release_as_the_buildspec(stage: str, digest: str) -> None:
    """What release.yml does for a stage: tag the digest, roll the service."""
    repository = outputs()["RepositoryUri"].split("/", 1)[1]
    ecr = boto3.client("ecr")
    manifest = ecr.batch_get_image(repositoryName=repository, imageIds=[{"imageDigest": digest}])
    ecr.put_image(
        repositoryName=repository,
        imageManifest=manifest["images"][0]["imageManifest"],
        imageTag=stage,
    )
    cluster, service = stage_service(stage)
    boto3.client("ecs").update_service(
        cluster=cluster, service=service, desiredCount=1, forceNewDeployment=True
    )


def stage_service(stage: str) -> tuple[str, str]:
    cfn = boto3.client("cloudformation")
    for resource in cfn.list_stack_resources(StackName="shop")["StackResourceSummaries"]:
        if resource["LogicalResourceId"] == f"Stage{stage.capitalize()}":
            found = cfn.describe_stacks(StackName=resource["PhysicalResourceId"])["Stacks"][0]
            outs = {o["OutputKey"]: o["OutputValue"] for o in found["Outputs"]}
            return outs["ClusterName"], outs["ServiceName"]
    raise AssertionError(f"no stage {stage}")


def running_digest(stage: str) -> str:
    """The digest of the stage's current service deployment, as the ECS API records it."""
    ecs = boto3.client("ecs")
    cluster, service = stage_service(stage)
    found = ecs.describe_services(cluster=cluster, services=[service])["services"][0]
    (deployment,) = ecs.describe_service_deployments(
        serviceDeploymentArns=[found["currentServiceDeployment"]]
    )["serviceDeployments"]
    assert deployment["status"] == "SUCCESSFUL"
    (revision,) = ecs.describe_service_revisions(
        serviceRevisionArns=[deployment["targetServiceRevision"]["arn"]]
    )["serviceRevisions"]
    return str(revision["containerImages"][0]["imageDigest"])


def tag_digest(stage: str) -> str:
    repository = outputs()["RepositoryUri"].split("/", 1)[1]
    images = boto3.client("ecr").describe_images(
        repositoryName=repository, imageIds=[{"imageTag": stage}]
    )
    return str(images["imageDetails"][0]["imageDigest"])


def test_settings_of_the_deploy_are_remembered_next_to_the_spec(project: Path) -> None:
    settings = json.loads((project / ".tinystack" / "deploy.json").read_text())
    assert settings["specs"]["tinystack.yaml"] == {
        "bucket": "tinystack-templates-123456789012-us-east-1",
        "prefix": "tinystack",
        "region": REGION,
        "stack_name": "shop",
    }
    assert ".tinystack/deploy.json" in (project / ".gitignore").read_text().splitlines()


def test_outputs_per_stage_without_flags(project: Path) -> None:
    shown = tsc("outputs", "--json")
    assert shown.exit_code == 0, shown.stderr
    doc = json.loads(shown.stdout)
    assert doc["outputs"] == outputs()
    assert set(doc["stages"]) == {"dev", "prod"}
    assert doc["stages"]["dev"]["ServiceName"] == stage_service("dev")[1]


def test_push_uploads_the_working_tree_with_its_commit(project: Path) -> None:
    (project / "notes.txt").write_text("not committed, not ignored: it ships\n")
    (project / "out" / "stale").mkdir(parents=True)
    (project / "out" / "stale" / "x.yaml").write_text("ignored\n")
    pushed = tsc("push", "--no-wait", "--json")
    assert pushed.exit_code == 0, pushed.stderr
    doc = json.loads(pushed.stdout)
    head = git(project, "rev-parse", "HEAD").strip()
    assert doc["commit"] == f"{head}-dirty"
    source = boto3.client("s3").get_object(
        Bucket=outputs()["SourceBucketName"], Key="shop/source.zip"
    )
    with zipfile.ZipFile(io.BytesIO(source["Body"].read())) as archive:
        names = set(archive.namelist())
        assert archive.read(".tinystack-commit").decode() == f"{head}-dirty\n"
        assert archive.read("app.py") == (project / "app.py").read_bytes()
    tracked = set(git(project, "ls-files").split())
    assert names == tracked | {"notes.txt", ".tinystack-commit"}
    assert source["VersionId"] == doc["version_id"]
    # the upload started the pipeline: its execution carries the object's version
    executions = boto3.client("codepipeline").list_pipeline_executions(
        pipelineName=outputs()["PipelineName"]
    )["pipelineExecutionSummaries"]
    assert executions[0]["pipelineExecutionId"] == doc["execution_id"]
    assert executions[0]["sourceRevisions"][0]["revisionId"] == doc["version_id"]
    (project / "notes.txt").unlink()


def release_to_dev(server: MotoServer, project: Path, digest: str) -> None:
    """`tsc push`, while the pipeline builds `digest` and dev's Release releases it."""
    earlier = execution_ids()
    process = spawn(project, "push")
    wait_for_action("Build/Build", earlier)
    finish(server, "Build/Build", IMAGE_DIGEST=digest)
    wait_for_action("Release-dev/Release", earlier)
    release_as_the_buildspec("dev", digest)
    finish(server, "Release-dev/Release")
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert "Build/Build: Succeeded" in err and err.rstrip().endswith("released to stage dev")


def test_push_status_approve_and_rollback(project: Path, moto_server: MotoServer) -> None:
    first, second = build_image("c1"), build_image("c2")
    release_to_dev(moto_server, project, first)
    rejected = tsc("approve", "--stage", "prod", "--reject", "not today")
    assert rejected.exit_code == 0, rejected.stderr
    assert f"stage prod waits to release {first}" in rejected.stderr
    assert rejected.stdout == f"rejected: not today; stage prod will not release {first}\n"
    assert tsc("approve", "--stage", "prod", "--yes").exit_code == 1  # nothing waits now

    release_to_dev(moto_server, project, second)
    approved = tsc("approve", "--stage", "prod", "--yes")
    assert approved.exit_code == 0, approved.stderr
    assert approved.stdout == f"approved; stage prod releases {second}\n"
    runs = boto3.client("codepipeline").list_action_executions(
        pipelineName=outputs()["PipelineName"]
    )["actionExecutionDetails"]
    assert (runs[0]["stageName"], runs[0]["actionName"], runs[0]["status"]) == (
        "Release-prod",
        "Release",
        "InProgress",
    )

    firing = alarm_of_stage("dev")
    boto3.client("cloudwatch").set_alarm_state(
        AlarmName=firing, StateValue="ALARM", StateReason="test: 5xx above threshold"
    )
    shown = tsc("status", "--stage", "dev")
    assert shown.exit_code == 0, shown.stderr
    assert f"alarms in ALARM: {firing}" in shown.stdout
    assert f"runs {second} (tag :dev)" in shown.stdout
    assert "1/1 tasks running" in shown.stdout
    doc = json.loads(tsc("status", "--json").stdout)
    dev = next(s for s in doc["stages"] if s["name"] == "dev")
    assert dev["tag_digest"] == second and dev["running_digest"] == second
    assert running_digest("dev") == second

    rolled = tsc("rollback", "--stage", "dev")
    assert rolled.exit_code == 0, rolled.stderr
    assert rolled.stdout == f"stage dev runs {first} again (was {second})\n"
    assert tag_digest("dev") == first  # the ECR API
    assert running_digest("dev") == first  # the ECS API: the service rolled to it

    # a rollback whose deployment the circuit breaker rolls back puts the tag back
    moto_server.rollouts("FAILED")
    failed = tsc("rollback", "--stage", "dev", "--to", second)
    assert failed.exit_code == 1
    error = failed.stderr.splitlines()[-1]
    assert error.startswith(f"error: release of {second} to stage dev failed: deployment ")
    assert "failed and was rolled back" in error and error.endswith(
        f"tag dev moved back to {first}"
    )
    assert tag_digest("dev") == first


def alarm_of_stage(stage: str) -> str:
    """The name of one alarm a stage's monitoring stack declares."""
    cfn = boto3.client("cloudformation")
    for stack in cfn.describe_stacks()["Stacks"]:
        if (
            stack["StackName"].startswith("shop-Stage" + stage.capitalize())
            and "Monitoring" in (stack["StackName"])
        ):
            resources = cfn.list_stack_resources(StackName=stack["StackId"])
            for resource in resources["StackResourceSummaries"]:
                if resource["ResourceType"] == "AWS::CloudWatch::Alarm":
                    return str(resource["PhysicalResourceId"])
    raise AssertionError(f"no alarm in stage {stage}")


def test_logs_of_the_last_build(project: Path) -> None:
    runs = boto3.client("codepipeline").list_action_executions(
        pipelineName=outputs()["PipelineName"]
    )["actionExecutionDetails"]
    build_id = next(
        r["output"]["executionResult"]["externalExecutionId"]
        for r in runs
        if r["stageName"] == "Build"
    )
    (build,) = boto3.client("codebuild").batch_get_builds(ids=[build_id])["builds"]
    group, stream = build["logs"]["groupName"], build["logs"]["streamName"]
    logs = boto3.client("logs")
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    now = int(time.time() * 1000)
    logs.put_log_events(
        logGroupName=group, logStreamName=stream,
        logEvents=[{"timestamp": now, "message": "Step 1/9 : FROM python:3.12-slim"}],
    )  # fmt: skip
    shown = tsc("logs", "--build")
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout.rstrip().endswith("Step 1/9 : FROM python:3.12-slim")
    assert shown.stderr.startswith(f"{group}: build {build_id}")


def spawn(folder: Path, *args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-c", "from compiler.cli import main; main()", *args]
    return subprocess.Popen(
        command, cwd=folder, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def execution_ids() -> set[str]:
    found = boto3.client("codepipeline").list_pipeline_executions(
        pipelineName=outputs()["PipelineName"]
    )["pipelineExecutionSummaries"]
    return {e["pipelineExecutionId"] for e in found}


def wait_for_action(action: str, earlier: set[str], seconds: float = 60) -> None:
    """Until an execution started after `earlier` runs `<stage>/<action>`."""
    client = boto3.client("codepipeline")
    name = outputs()["PipelineName"]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        runs = client.list_action_executions(pipelineName=name)["actionExecutionDetails"]
        if any(
            r["pipelineExecutionId"] not in earlier
            and f"{r['stageName']}/{r['actionName']}" == action
            and r["status"] == "InProgress"
            for r in runs
        ):
            return
        time.sleep(0.05)
    raise AssertionError(f"{action} never ran")


def test_logs_follow_prints_new_lines_and_stops_on_ctrl_c(project: Path) -> None:
    logs = boto3.client("logs")
    service, group = stage_service("dev")[1], None
    for resource in boto3.client("cloudformation").describe_stacks()["Stacks"]:
        outs = {o["OutputKey"]: o["OutputValue"] for o in resource.get("Outputs", [])}
        if outs.get("ServiceName") == service and "LogGroupName" in outs:
            group = outs["LogGroupName"]
    assert group is not None
    logs.create_log_stream(logGroupName=group, logStreamName="app/app/task1")
    process = spawn(project, "logs", "--stage", "dev", "--follow")
    try:
        for number in range(3):
            line = f"request {number} served"
            now = int(time.time() * 1000)
            logs.put_log_events(
                logGroupName=group, logStreamName="app/app/task1",
                logEvents=[{"timestamp": now, "message": line}],
            )  # fmt: skip
            assert process.stdout is not None
            printed = process.stdout.readline()
            assert printed.rstrip().endswith(f"[task1] {line}"), printed
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    assert process.returncode == 130


def test_exec_builds_the_plugin_call_and_says_when_the_plugin_is_missing(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no session-manager-plugin anywhere
    missing = tsc("exec", "--stage", "dev")
    assert missing.exit_code == 1
    assert missing.stderr.startswith("error: session-manager-plugin is not installed")
    recorded = tmp_path / "argv.json"
    plugin = tmp_path / "session-manager-plugin"
    plugin.write_text(
        f"#!{sys.executable}\nimport json, sys\n"
        f"open({str(recorded)!r}, 'w').write(json.dumps(sys.argv[1:]))\n"
    )
    plugin.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}/usr/bin:/bin")
    ran = tsc("exec", "--stage", "dev", "--", "python", "manage.py", "check")
    assert ran.exit_code == 0, ran.stderr
    session, region, verb, profile, target, endpoint = json.loads(recorded.read_text())
    cluster, service = stage_service("dev")
    ecs = boto3.client("ecs")
    (task,) = ecs.describe_tasks(
        cluster=cluster, tasks=ecs.list_tasks(cluster=cluster, serviceName=service)["taskArns"]
    )["tasks"]
    runtime = task["containers"][0]["runtimeId"]
    assert (region, verb, profile) == (REGION, "StartSession", "")
    assert json.loads(target) == {
        "Target": f"ecs:{cluster}_{task['taskArn'].split('/')[-1]}_{runtime}"
    }
    assert set(json.loads(session)) == {"sessionId", "streamUrl", "tokenValue"}
    assert endpoint == os.environ["AWS_ENDPOINT_URL"]


def test_aws_region_is_honoured_like_aws_default_region(
    moto_server: MotoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    point_environment_at(monkeypatch, moto_server.url, tmp_path)
    monkeypatch.setenv("AWS_REGION", "eu-west-1")  # AWS_DEFAULT_REGION stays us-east-1
    spec = tmp_path / "hello.yaml"
    spec.write_text("version: 1\nname: hello\n")
    shown = tsc("diff", str(spec), "--create-bucket", "--out", str(tmp_path / "out"))
    assert shown.exit_code == 0, shown.stderr
    assert "templates: s3://tinystack-templates-123456789012-eu-west-1/" in shown.stderr
    location = boto3.client("s3").get_bucket_location(
        Bucket="tinystack-templates-123456789012-eu-west-1"
    )
    assert location["LocationConstraint"] == "eu-west-1"


def test_deploy_json_failure_is_an_object_on_stdout(project: Path) -> None:
    failed = tsc("deploy", "--json", "--bucket", "no-such-bucket", "--yes")
    assert failed.exit_code == 1
    doc = json.loads(failed.stdout)
    assert doc["status"] == "failed"
    assert doc["error"].startswith("template bucket 'no-such-bucket' does not exist")


def test_destroy_takes_the_name_once_and_purge_asks_twice(project: Path) -> None:
    both = tsc("destroy", "shop", "--stack-name", "other")
    assert (both.exit_code, both.stderr) == (
        1, "error: two stack names, 'shop' and 'other'; give one\n"
    )  # fmt: skip
    outputs_before = outputs()
    repository = outputs_before["RepositoryUri"].split("/", 1)[1]
    wrong = CliRunner().invoke(main, ["destroy", "--purge"], input="shop\nshp\n")
    assert (
        wrong.exit_code == 1 and "'shp' does not match 'shop'; nothing was deleted" in wrong.stderr
    )
    assert outputs()  # still there

    gone = CliRunner().invoke(main, ["destroy", "--purge", "--json"], input="shop\nshop\n")
    assert gone.exit_code == 0, gone.stderr
    doc = json.loads(gone.stdout)  # the questions went to stderr
    assert doc["status"] == "DELETE_COMPLETE"
    # the source bucket holds the uploaded code, and the blueprint declares an items table
    # per stage: data stores, kept without --purge-data
    retained = [(r["type"], r["data_store"]) for r in doc["retained"]]
    assert retained == [("AWS::DynamoDB::Table", True)] * 2 + [("AWS::S3::Bucket", True)]
    assert doc["retained"][-1]["id"] == outputs_before["SourceBucketName"]
    assert {"type": "AWS::ECR::Repository", "id": repository} in doc["purged"]
    purged_groups = {p["id"] for p in doc["purged"] if p["type"] == "AWS::Logs::LogGroup"}
    remaining = {g["logGroupName"] for g in boto3.client("logs").describe_log_groups()["logGroups"]}
    assert purged_groups and not purged_groups & remaining
    with pytest.raises(boto3.client("ecr").exceptions.RepositoryNotFoundException):
        boto3.client("ecr").describe_repositories(repositoryNames=[repository])
