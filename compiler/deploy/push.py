"""`tsc push`: ship the project's working tree to the stack's pipeline, and follow it.

S3 source: the project folder (the spec's) is zipped as git sees it in a checkout (tracked
files and untracked ones .gitignore does not exclude; outside git, its .gitignore is read
with pathspec; `.git/` never goes in), with `.tinystack-commit` holding the commit id
(`HEAD`, plus `-dirty` when the folder differs from it), which build.yml tags the image
with. .dockerignore is not applied to the zip: it is the build context, and docker
applies .dockerignore to the image while build.yml and the Dockerfile, which
.dockerignore lists, must reach the build. The zip goes to the source action's bucket and
key, which starts the pipeline (its EventBridge rule). A connection source builds from
the repository's branch: the command starts an execution and says so. Then it follows
that execution until the first stage is released, waits for approval, or fails.
"""

from __future__ import annotations

import io
import subprocess
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compiler.deploy import pipeline
from compiler.deploy.aws import Aws, poll_seconds
from compiler.deploy.errors import DeployError

COMMIT_FILE = ".tinystack-commit"  # what build.yml reads (compiler.buildspecs.COMMIT_FILE)
START_TIMEOUT_SECONDS = 120  # EventBridge starts the pipeline within seconds of the upload
_FINISHED = {"Failed", "Stopped", "Superseded", "Cancelled"}

Say = Callable[[str], None]


@dataclass(frozen=True)
class Source:
    """The pipeline's source: an S3 object, or a repository branch through a connection."""

    provider: str
    bucket: str = ""
    key: str = ""
    repository: str = ""
    branch: str = ""


@dataclass(frozen=True)
class Shipped:
    """What a push sent and which execution it started."""

    source: Source
    execution_id: str
    files: tuple[str, ...] = ()  # the zip's entries (S3 source)
    commit: str = ""
    version_id: str = ""


def pipeline_source(definition: dict[str, Any]) -> Source:
    """The source action of a pipeline definition."""
    action = definition["stages"][0]["actions"][0]
    provider = action["actionTypeId"]["provider"]
    config = action.get("configuration") or {}
    if provider == "S3":
        return Source("S3", bucket=config["S3Bucket"], key=config["S3ObjectKey"])
    return Source(
        provider, repository=config.get("FullRepositoryId", ""), branch=config.get("BranchName", "")
    )


def _git(folder: Path, *args: str) -> str | None:
    """`git -C folder ARGS` output, or None outside a checkout (or without git)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


def _ignored_by_gitignore(folder: Path) -> Callable[[str], bool]:
    import pathspec

    rules = folder / ".gitignore"
    lines = rules.read_text(encoding="utf-8").splitlines() if rules.is_file() else []
    spec = pathspec.GitIgnoreSpec.from_lines(lines)
    return lambda path: spec.match_file(path)


def _walk(folder: Path) -> Iterator[str]:
    ignored = _ignored_by_gitignore(folder)
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if ".git" in path.relative_to(folder).parts or not path.is_file():
            continue
        if not ignored(relative):
            yield relative


def project_files(folder: Path) -> list[str]:
    """The files a push ships, relative to `folder` (see the module docstring)."""
    listed = _git(folder, "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", ".")
    if listed is None:
        return list(_walk(folder))
    names = {name for name in listed.split("\0") if name}
    return sorted(name for name in names if (folder / name).is_file())


def commit_id(folder: Path) -> str:
    """HEAD's id (with `-dirty` when the folder has uncommitted changes), or ''."""
    head = (_git(folder, "rev-parse", "HEAD") or "").strip()
    if not head:
        return ""
    changed = _git(folder, "status", "--porcelain", "--", ".")
    return f"{head}-dirty" if changed else head


def zip_project(folder: Path) -> tuple[bytes, tuple[str, ...], str]:
    """The zip of the project, its entries and the commit id it records."""
    files = [f for f in project_files(folder) if f != COMMIT_FILE]
    commit = commit_id(folder)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in files:
            archive.write(folder / name, name)
        if commit:
            archive.writestr(COMMIT_FILE, commit + "\n")
    entries = (*files, COMMIT_FILE) if commit else tuple(files)
    return buffer.getvalue(), entries, commit


def _execution_of(aws: Aws, name: str, version_id: str, since: float) -> str:
    """The execution the upload started: by its source revision (or the first after it)."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        for execution in pipeline.executions(aws, name, limit=10):
            started = execution.started.timestamp() if execution.started else 0.0
            if (version_id and execution.revision == version_id) or (
                not version_id and started >= since
            ):
                return execution.execution_id
        time.sleep(poll_seconds())
    raise DeployError(
        f"pipeline {name} did not start within {START_TIMEOUT_SECONDS} s of the upload; "
        "check that the source bucket sends events to EventBridge"
    )


def ship(aws: Aws, name: str, folder: Path, say: Say) -> Shipped:
    """Upload the project (S3 source) or start an execution (connection source)."""
    source = pipeline_source(pipeline.definition(aws, name))
    if source.provider != "S3":
        started = aws.call("codepipeline", "start_pipeline_execution", name=name)
        say(
            f"started pipeline {name}: it builds {source.repository}@{source.branch} (the "
            "repository's branch, not this folder: push your commits there first)"
        )
        return Shipped(source, started["pipelineExecutionId"])
    body, files, commit = zip_project(folder)
    since = time.time() - 5  # clocks of this machine and AWS differ a little
    put = aws.call(
        "s3", "put_object", Bucket=source.bucket, Key=source.key, Body=body,
        ContentType="application/zip", Metadata={"commit": commit} if commit else {},
    )  # fmt: skip
    version = str(put.get("VersionId") or "")
    say(
        f"uploaded {len(files)} files ({len(body) / 1024:.1f} KiB, commit "
        f"{commit or 'none: not a git checkout'}) to s3://{source.bucket}/{source.key}"
    )
    execution_id = _execution_of(aws, name, version, since)
    return Shipped(source, execution_id, files, commit, version)


def follow(aws: Aws, name: str, execution_id: str, first_stage: str, say: Say) -> str:
    """Print each action as it changes until `first_stage` is released; how it ended."""
    seen: dict[tuple[str, str], str] = {}
    while True:
        runs = pipeline.action_runs(aws, name, execution_id)
        for run in reversed(runs):
            if seen.get((run.stage, run.action)) != run.status:
                seen[(run.stage, run.action)] = run.status
                detail = f" ({run.summary})" if run.summary else ""
                say(f"{run.stage}/{run.action}: {run.status}{detail}")
        outcome = _outcome(runs, first_stage)
        if outcome:
            return outcome
        status = next(
            (e.status for e in pipeline.executions(aws, name) if e.execution_id == execution_id), ""
        )
        if status in _FINISHED:
            failed = next((r for r in runs if r.status == "Failed"), None)
            where = f" at {failed.stage}/{failed.action}: {failed.summary}" if failed else ""
            raise DeployError(f"pipeline execution {execution_id} {status.lower()}{where}")
        time.sleep(poll_seconds())


def _outcome(runs: list[pipeline.ActionRun], first_stage: str) -> str:
    stage = pipeline.release_stage(first_stage)
    for run in runs:
        if run.stage != stage:
            continue
        if run.action == pipeline.RELEASE_ACTION and run.status == "Succeeded":
            return f"released to stage {first_stage}"
        if run.action == pipeline.APPROVAL_ACTION and run.status == "InProgress":
            return f"waiting for approval: tsc approve --stage {first_stage}"
    return ""
