"""build.yml run as CodeBuild runs it, with the real AWS CLI against the local account."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from buildspec_runner import codebuild_variables, run_buildspec
from local_account import LocalAccount

from compiler.buildspecs import BUILD_FILE, COMMIT_FILE


def _docker_calls(account: LocalAccount) -> list[list[str]]:
    lines = (account.docker_state / "calls.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_a_build_pushes_the_commit_and_latest_and_exports_their_digest(
    account: LocalAccount, source: Path
) -> None:
    # as the Build project's role: it may do exactly what the pipeline stack grants it
    with account.credentials(account.role_statements("BuildRole")) as keys:
        build = account.build(source, version="0123abc", **keys)
    assert build.status == "SUCCEEDED", build.stderr
    digest = build.exported["IMAGE_DIGEST"]
    assert digest.startswith("sha256:") and len(digest) == 71
    # both tags name the one image whose digest was exported
    assert account.tag_digest("0123abc") == account.tag_digest("latest") == digest
    calls = _docker_calls(account)
    assert [call[0] for call in calls] == ["login", "pull", "build", "push", "push"]
    assert calls[0][-1] == account.image_url.split("/")[0]
    build_call = calls[2]
    assert build_call[build_call.index("--cache-from") + 1] == f"{account.image_url}:latest"
    assert build_call[build_call.index("--file") + 1] == "Dockerfile"
    assert calls[3][-1] == f"{account.image_url}:0123abc"  # the commit first, then latest


def test_a_build_that_cannot_read_its_digest_fails_instead_of_passing_it_on(
    account: LocalAccount, source: Path
) -> None:
    denied = [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "ecr:DescribeImages", "Resource": "*"},
    ]
    with account.credentials(denied) as keys:
        build = account.build(source, **keys)
    assert build.status == "FAILED" and build.phases["build"] == "FAILED"
    assert account.tag_digest("0123abc") is not None  # the push itself worked
    assert not build.exported.get("IMAGE_DIGEST", "").startswith("sha256:")
    last = build.stderr_lines()[-1]
    assert last.startswith("build failed: no digest for") and "nothing to release" in last


@pytest.mark.parametrize(
    ("commit_file", "version", "tag"),
    [
        (None, "0123abc", "0123abc"),  # a connection source: the commit
        (None, "3HL4kq+tJl/cp", "3HL4kq_tJl_cp"),  # an S3 version id made a valid tag
        ("feedbeef\n", "3HL4kqtJlcp", "feedbeef"),  # the webhook's commit file wins
        (None, "", "build-uuid"),  # no source version: the build's id
    ],
)
def test_the_image_tag_is_the_commit(
    tmp_path: Path, account: LocalAccount, commit_file: str | None, version: str, tag: str
) -> None:
    if commit_file is not None:
        (tmp_path / COMMIT_FILE).write_text(commit_file)
    doc = yaml.safe_load(account.buildspecs[BUILD_FILE])
    commands = [c for c in doc["phases"]["pre_build"]["commands"] if "IMAGE_TAG=" in c]
    doc["phases"] = {"pre_build": {"commands": [*commands, 'echo "tag=$IMAGE_TAG"']}}
    codebuild = codebuild_variables("us-east-1", tmp_path, version, "p")
    codebuild["CODEBUILD_BUILD_ID"] = "p:build-uuid"
    build = run_buildspec(
        yaml.safe_dump(doc), source_dir=tmp_path, environment={}, codebuild=codebuild
    )
    assert build.stdout.strip() == f"tag={tag}"
