"""build.yml and release.yml as text: valid buildspecs that read only what the pipeline sets.

What they do is shown by running them (tests/pipeline); these checks stay on the text.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parent / "cfn"))
from delivery_irs import CODEBUILD_ENV, commands, required_env
from stack_irs import lowered

from compiler.buildspecs import (
    BUILD_ENV,
    BUILD_FILE,
    RELEASE_ACTION_ENV,
    RELEASE_FILE,
    render_buildspecs,
)

SPEC: dict[str, Any] = {
    "version": 1,
    "name": "crud-api",
    "stages": [{"name": "dev"}, {"name": "prod"}],
}


@pytest.fixture(scope="module")
def specs() -> dict[str, str]:
    return render_buildspecs(lowered(SPEC))


def test_both_are_buildspecs_version_0_2_in_bash(specs: dict[str, str]) -> None:
    assert set(specs) == {BUILD_FILE, RELEASE_FILE}
    for text in specs.values():
        doc: dict[str, Any] = yaml.safe_load(text)
        assert doc["version"] == 0.2 and doc["env"]["shell"] == "bash"
        assert all(phase["commands"] for phase in doc["phases"].values())


def test_build_reads_only_what_the_build_project_and_codebuild_provide(
    specs: dict[str, str],
) -> None:
    assert required_env(specs[BUILD_FILE]) <= set(BUILD_ENV) | CODEBUILD_ENV
    assert {"ECR_ENDPOINT", "ECR_IMAGE_URL"} <= required_env(specs[BUILD_FILE])
    assert yaml.safe_load(specs[BUILD_FILE])["env"]["exported-variables"] == ["IMAGE_DIGEST"]


def test_release_reads_only_what_the_project_and_its_action_provide(
    specs: dict[str, str],
) -> None:
    provided = set(BUILD_ENV) | set(RELEASE_ACTION_ENV) | CODEBUILD_ENV
    needed = required_env(specs[RELEASE_FILE])
    assert needed <= provided
    assert {"STAGE_NAME", "CLUSTER_ARN", "SERVICE_NAME", "DESIRED_COUNT", "IMAGE_DIGEST"} <= needed


def test_build_uses_the_specs_dockerfile_and_context() -> None:
    app = {"dockerfile": "docker/Api.Dockerfile", "build_context": "api"}
    build = render_buildspecs(lowered(SPEC | {"app": app}))[BUILD_FILE]
    (docker_build,) = [c for c in commands(build) if "docker build" in c]
    assert "--file 'docker/Api.Dockerfile'" in docker_build and docker_build.endswith(" 'api'")


def test_release_moves_tags_through_the_ecr_api_only(specs: dict[str, str]) -> None:
    body = "\n".join(commands(specs[RELEASE_FILE]))
    assert re.search(r"\bdocker (pull|push|tag|login)\b", body) is None  # the API moves the tag
