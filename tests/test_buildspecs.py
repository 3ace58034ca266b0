"""build.yml and release.yml: valid buildspecs doing the steps of SPEC.md "Stages and images"."""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parent / "cfn"))
from delivery_irs import CODEBUILD_ENV, commands, required_env, stack_ir

from compiler.buildspecs import (
    BUILD_ENV,
    BUILD_FILE,
    COMMIT_FILE,
    RELEASE_ACTION_ENV,
    RELEASE_FILE,
    render_buildspecs,
)


@pytest.fixture(scope="module")
def specs() -> dict[str, str]:
    return render_buildspecs(stack_ir(stages=("dev", "prod")))


def test_both_are_buildspecs_version_0_2(specs: dict[str, str]) -> None:
    assert set(specs) == {BUILD_FILE, RELEASE_FILE}
    for text in specs.values():
        doc: dict[str, Any] = yaml.safe_load(text)
        assert doc["version"] == 0.2
        assert all(phase["commands"] for phase in doc["phases"].values())


def test_build_reads_only_what_the_build_project_and_codebuild_provide(
    specs: dict[str, str],
) -> None:
    assert required_env(specs[BUILD_FILE]) <= set(BUILD_ENV) | CODEBUILD_ENV
    assert {"ECR_ENDPOINT", "ECR_IMAGE_URL"} <= required_env(specs[BUILD_FILE])


def test_release_reads_only_what_the_project_and_its_action_provide(
    specs: dict[str, str],
) -> None:
    provided = set(BUILD_ENV) | set(RELEASE_ACTION_ENV) | CODEBUILD_ENV
    needed = required_env(specs[RELEASE_FILE])
    assert needed <= provided
    assert {"STAGE_NAME", "CLUSTER_ARN", "SERVICE_NAME", "DESIRED_COUNT", "IMAGE_DIGEST"} <= needed


def test_build_caches_from_latest_tags_latest_and_commit_and_exports_the_digest(
    specs: dict[str, str],
) -> None:
    doc = yaml.safe_load(specs[BUILD_FILE])
    assert doc["env"]["exported-variables"] == ["IMAGE_DIGEST"]
    body = "\n".join(commands(specs[BUILD_FILE]))
    assert "docker login" in body and "get-login-password" in body
    assert 'docker pull "$ECR_IMAGE_URL:latest" ||' in body  # a first build has no cache
    assert '--cache-from "$ECR_IMAGE_URL:latest"' in body
    assert '--tag "$ECR_IMAGE_URL:latest"' in body and '--tag "$ECR_IMAGE_URL:$commit"' in body
    assert "CODEBUILD_RESOLVED_SOURCE_VERSION" in body and COMMIT_FILE in body
    assert ".git" not in body.replace(COMMIT_FILE, "")
    assert body.index("docker push") < body.index("export IMAGE_DIGEST=")


def test_build_uses_the_specs_dockerfile_and_context() -> None:
    ir = stack_ir()
    app = replace(ir.stages[0].app, dockerfile="docker/Api.Dockerfile", build_context="api")
    custom = replace(ir, stages=(replace(ir.stages[0], app=app),))
    build = [c for c in commands(render_buildspecs(custom)[BUILD_FILE]) if "docker build" in c]
    assert len(build) == 1
    assert '--file "docker/Api.Dockerfile"' in build[0] and build[0].endswith(' "api"')


def test_release_promotes_the_digest_through_the_ecr_api(specs: dict[str, str]) -> None:
    body = "\n".join(commands(specs[RELEASE_FILE]))
    assert re.search(r"\bdocker (pull|push|tag)\b", body) is None  # the API moves the tag
    assert 'imageDigest="$1"' in body and "batch-get-image" in body and "put-image" in body
    assert "ImageAlreadyExistsException" in body  # an unchanged tag is not an error
    # the previous digest is read before the tag moves
    assert body.index("previous_digest=") < body.index('tag_digest "$IMAGE_DIGEST"')


def test_release_scales_from_zero_rolls_waits_and_checks(specs: dict[str, str]) -> None:
    steps = commands(specs[RELEASE_FILE])
    body = "\n".join(steps)
    order = [
        'tag_digest "$IMAGE_DIGEST"',
        "--desired-count $DESIRED_COUNT",
        "--force-new-deployment",
        "aws ecs wait services-stable",
        "rolloutState",
    ]
    positions = [body.index(step) for step in order]
    assert positions == sorted(positions)
    assert 'if [ "$running" = "0" ]' in body


def test_release_failure_moves_the_tag_back_and_fails_loudly(specs: dict[str, str]) -> None:
    last_check = next(c for c in commands(specs[RELEASE_FILE]) if "COMPLETED" in c)
    assert 'tag_digest "$previous_digest"' in last_check
    assert "batch-delete-image" in last_check  # a first release leaves no stage tag behind
    assert "failed" in last_check and "exit 1" in last_check
