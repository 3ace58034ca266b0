"""release.yml and build.yml run in bash against a stand-in `aws` command.

The stand-in keeps ECR tags and the ECS service in a JSON file, answers with the AWS API's
response shapes, and applies `--query` with jmespath and `--output text` as the AWS CLI
does. Commands run in one shell and stop at the first failure, as CodeBuild runs a phase.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent / "cfn"))
from delivery_irs import commands, stack_ir

from compiler.buildspecs import BUILD_FILE, COMMIT_FILE, RELEASE_FILE, render_buildspecs

FAKE_AWS = r"""#!/usr/bin/env python3
import json, os, sys
import jmespath

state_file = os.environ["FAKE_AWS_STATE"]
state = json.load(open(state_file))
args = sys.argv[1:]
state["calls"].append(args)

def opt(name, default=None):
    return args[args.index(name) + 1] if name in args else default

def fail(code, message):
    json.dump(state, open(state_file, "w"))
    sys.stderr.write(f"An error occurred ({code}) when calling the API: {message}\n")
    sys.exit(254)

def reply(response):
    json.dump(state, open(state_file, "w"))
    result = jmespath.search(opt("--query"), response) if opt("--query") else response
    if opt("--output") != "text":
        print(json.dumps(result))
    elif isinstance(result, list):
        print("\t".join(str(x) for x in result))
    else:
        print("None" if result is None else result)
    sys.exit(0)

service, command = args[0], args[1]
tags, images = state["tags"], state["images"]
if command == "describe-images":
    tag = opt("--image-ids").split("=", 1)[1]
    if tag not in tags:
        fail("ImageNotFoundException", f"tag {tag} not found")
    reply({"imageDetails": [{"imageDigest": tags[tag]}]})
if command == "batch-get-image":
    digest = opt("--image-ids").split("=", 1)[1]
    reply({"images": [{"imageId": {"imageDigest": digest}, "imageManifest": images[digest],
                       "imageManifestMediaType": "application/vnd.oci.image.manifest.v1+json"}]})
if command == "put-image":
    digest = next(d for d, m in images.items() if m == opt("--image-manifest"))
    if tags.get(opt("--image-tag")) == digest:
        fail("ImageAlreadyExistsException", "tag already on this image")
    tags[opt("--image-tag")] = digest
    reply({"image": {"imageId": {"imageDigest": digest}}})
if command == "batch-delete-image":
    tags.pop(opt("--image-ids").split("=", 1)[1], None)
    reply({"imageIds": [], "failures": []})
svc = state["service"]
if command == "describe-services":
    reply({"services": [{"desiredCount": svc["desiredCount"], "deployments": svc["deployments"]}]})
if command == "update-service":
    if state["outcome"] == "UPDATE_DENIED":
        fail("AccessDeniedException", "not allowed")
    if "--desired-count" in args:
        svc["desiredCount"] = int(opt("--desired-count"))
    new = {"id": "ecs-svc/new", "status": "PRIMARY", "rolloutState": "IN_PROGRESS"}
    svc["deployments"] = [new]
    reply({"service": {"deployments": svc["deployments"]}})
if command == "register-scalable-target":
    state["floor"] = {"resource": opt("--resource-id"), "min": int(opt("--min-capacity"))}
    reply({"ScalableTargetARN": "arn:aws:application-autoscaling:::scalable-target/x"})
if command == "wait":
    if state["outcome"] == "COMPLETED":
        done = {"id": "ecs-svc/new", "status": "PRIMARY", "rolloutState": "COMPLETED"}
        svc["deployments"] = [done]
    else:  # the circuit breaker rolled back to the previous task set
        svc["deployments"] = [
            {"id": "ecs-svc/rollback", "status": "PRIMARY", "rolloutState": "COMPLETED"},
            {"id": "ecs-svc/new", "status": "ACTIVE", "rolloutState": "FAILED"},
        ]
    reply({})
fail("UnknownOperation", " ".join(args))
"""

NEW, OLD = "sha256:" + "a" * 64, "sha256:" + "b" * 64


def run_phase(cmds: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run buildspec commands in one bash, stopping at the first failing one."""
    lines = []
    for cmd in cmds:
        lines += [cmd, 'rc=$?; [ "$rc" -eq 0 ] || exit "$rc"']
    return subprocess.run(
        ["bash", "-c", "\n".join(lines)], env=env, cwd=cwd, capture_output=True, text=True
    )


@pytest.fixture()
def aws(tmp_path: Path) -> dict[str, Any]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "aws"
    fake.write_text(FAKE_AWS.replace("/usr/bin/env python3", sys.executable, 1))
    fake.chmod(0o755)
    state = tmp_path / "state.json"
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "FAKE_AWS_STATE": str(state),
        "ECR_ENDPOINT": "123456789012.dkr.ecr.us-east-1.amazonaws.com",
        "ECR_IMAGE_URL": "123456789012.dkr.ecr.us-east-1.amazonaws.com/crud-api-repo",
        "STAGE_NAME": "prod",
        "PREVIOUS_STAGE_NAME": "dev",
        "CLUSTER_ARN": "arn:aws:ecs:us-east-1:123456789012:cluster/c",
        "SERVICE_NAME": "svc",
        "DESIRED_COUNT": "2",
        "MIN_COUNT": "1",
        "IMAGE_DIGEST": NEW,
    }
    return {"env": env, "state": state, "dir": tmp_path}


def release(aws: dict[str, Any], tags: dict[str, str], desired: int, outcome: str) -> Any:
    images = {NEW: '{"layers": ["new"]}', OLD: '{"layers": ["old"]}'}
    service = {"desiredCount": desired, "deployments": []}
    start = {"tags": tags, "images": images, "service": service, "outcome": outcome, "calls": []}
    aws["state"].write_text(json.dumps(start))
    spec = render_buildspecs(stack_ir(stages=("dev", "prod")))[RELEASE_FILE]
    done = run_phase(commands(spec), aws["env"], aws["dir"])
    return done, json.loads(aws["state"].read_text())


def test_a_first_release_tags_the_digest_and_starts_desired_tasks(aws: dict[str, Any]) -> None:
    done, state = release(aws, {"latest": NEW}, desired=0, outcome="COMPLETED")
    assert done.returncode == 0, done.stderr
    assert state["tags"]["prod"] == NEW
    (update,) = [c for c in state["calls"] if c[1] == "update-service"]
    assert update[update.index("--desired-count") + 1] == "2"
    assert "--force-new-deployment" in update
    # the autoscaling floor follows, or a scale-in would take the stage back to 0
    assert state["floor"] == {"resource": "service/c/svc", "min": 1}
    assert f"now runs {aws['env']['ECR_IMAGE_URL']}@{NEW}" in done.stdout


def test_a_running_service_keeps_its_count(aws: dict[str, Any]) -> None:
    done, state = release(aws, {"prod": OLD}, desired=4, outcome="COMPLETED")
    assert done.returncode == 0, done.stderr
    (update,) = [c for c in state["calls"] if c[1] == "update-service"]
    assert "--desired-count" not in update
    assert "floor" not in state
    assert state["service"]["desiredCount"] == 4


def test_an_unchanged_tag_is_not_an_error(aws: dict[str, Any]) -> None:
    done, state = release(aws, {"prod": NEW}, desired=1, outcome="COMPLETED")
    assert done.returncode == 0, done.stderr
    assert state["tags"]["prod"] == NEW


def test_a_failed_rollout_moves_the_tag_back_and_fails(aws: dict[str, Any]) -> None:
    done, state = release(aws, {"prod": OLD}, desired=1, outcome="FAILED")
    assert done.returncode != 0
    assert state["tags"]["prod"] == OLD  # the next stage can never promote the rejected image
    assert "release of" in done.stderr and "failed" in done.stderr and OLD in done.stderr


def test_a_failed_first_rollout_leaves_no_stage_tag(aws: dict[str, Any]) -> None:
    done, state = release(aws, {"latest": NEW}, desired=0, outcome="FAILED")
    assert done.returncode != 0
    assert "prod" not in state["tags"]


@pytest.mark.parametrize(
    ("commit_file", "version", "tag"),
    [
        (None, "0123abc", "0123abc"),  # a connection source: the commit
        (None, "3HL4kq+tJl/cp", "3HL4kq_tJl_cp"),  # an S3 version id made a valid tag
        ("feedbeef\n", "3HL4kqtJlcp", "feedbeef"),  # the webhook's commit file wins
    ],
)
def test_build_tags_images_with_the_commit(
    tmp_path: Path, commit_file: str | None, version: str, tag: str
) -> None:
    if commit_file is not None:
        (tmp_path / COMMIT_FILE).write_text(commit_file)
    spec = render_buildspecs(stack_ir())[BUILD_FILE]
    lines = [c for c in commands(spec) if c.startswith("commit=")] + ['echo "tag=$commit"']
    env = {**os.environ, "CODEBUILD_RESOLVED_SOURCE_VERSION": version}
    done = run_phase(lines, env, tmp_path)
    assert done.stdout.strip() == f"tag={tag}"


def test_any_later_failure_also_moves_the_tag_back(aws: dict[str, Any]) -> None:
    done, state = release(aws, {"prod": OLD}, desired=1, outcome="UPDATE_DENIED")
    assert done.returncode != 0
    assert state["tags"]["prod"] == OLD
    assert "cannot update service svc" in done.stderr
