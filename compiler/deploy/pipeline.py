"""The stack's pipeline through CodePipeline's API: executions, approvals, releases.

The pipeline is found by the root output PipelineName. Its stages and actions carry the
names pipeline.yaml gives them (`Source`, `Build`, `Release-<stage>` with `Approve` and
`Release`; a test holds them equal); the build's digest is the Build action's output
variable IMAGE_DIGEST, and each Release action's resolved configuration carries the
digest it promoted, so what a stage released is read from the action history.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from compiler.deploy.aws import Aws
from compiler.deploy.errors import DeployError

BUILD_STAGE = "Build"
RELEASE_STAGE_PREFIX = "Release-"
APPROVAL_ACTION = "Approve"
RELEASE_ACTION = "Release"
DIGEST_VARIABLE = "IMAGE_DIGEST"


def release_stage(stage: str) -> str:
    """The pipeline stage that releases `stage`: 'Release-dev'."""
    return f"{RELEASE_STAGE_PREFIX}{stage}"


@dataclass(frozen=True)
class ActionRun:
    """One action of one execution, as ListActionExecutions reports it."""

    stage: str
    action: str
    status: str
    started: datetime | None
    summary: str
    external_id: str  # the CodeBuild build id of a build action
    variables: dict[str, str]  # output variables
    configuration: dict[str, str]  # resolved: variables filled in


@dataclass(frozen=True)
class Execution:
    execution_id: str
    status: str
    started: datetime | None
    revision: str  # the source revision: an S3 version id or a commit
    trigger: str


@dataclass(frozen=True)
class Approval:
    """A manual approval waiting in a stage, and the image it would let through."""

    stage: str
    token: str
    execution_id: str
    digest: str | None


def definition(aws: Aws, name: str) -> dict[str, Any]:
    """The pipeline's structure (stages, actions, their configuration)."""
    found: dict[str, Any] = aws.call("codepipeline", "get_pipeline", name=name)["pipeline"]
    return found


def release_order(pipeline: dict[str, Any]) -> list[str]:
    """The stage names, in the order the pipeline releases them."""
    return [
        s["name"].removeprefix(RELEASE_STAGE_PREFIX)
        for s in pipeline.get("stages", [])
        if s["name"].startswith(RELEASE_STAGE_PREFIX)
    ]


def release_environment(pipeline: dict[str, Any], stage: str) -> dict[str, str]:
    """The Release action's environment for `stage` (cluster, service, counts)."""
    for candidate in pipeline.get("stages", []):
        if candidate["name"] != release_stage(stage):
            continue
        for action in candidate.get("actions", []):
            if action["name"] == RELEASE_ACTION:
                raw = (action.get("configuration") or {}).get("EnvironmentVariables", "[]")
                return {v["name"]: v["value"] for v in json.loads(raw)}
    raise DeployError(f"the pipeline has no release of stage '{stage}'")


def executions(aws: Aws, name: str, limit: int = 20) -> list[Execution]:
    """The newest executions first."""
    page = aws.call("codepipeline", "list_pipeline_executions", pipelineName=name, maxResults=limit)
    return [
        Execution(
            e["pipelineExecutionId"],
            e.get("status", ""),
            e.get("startTime"),
            next((r.get("revisionId", "") for r in e.get("sourceRevisions") or []), ""),
            (e.get("trigger") or {}).get("triggerType", ""),
        )
        for e in page.get("pipelineExecutionSummaries") or []
    ]


def _run(raw: dict[str, Any]) -> ActionRun:
    given, output = raw.get("input") or {}, raw.get("output") or {}
    result = output.get("executionResult") or {}
    return ActionRun(
        stage=raw.get("stageName", ""),
        action=raw.get("actionName", ""),
        status=raw.get("status", ""),
        started=raw.get("startTime"),
        summary=result.get("externalExecutionSummary") or "",
        external_id=result.get("externalExecutionId") or "",
        variables=dict(output.get("outputVariables") or {}),
        configuration={k: str(v) for k, v in (given.get("resolvedConfiguration") or {}).items()},
    )


def action_runs(aws: Aws, name: str, execution_id: str | None = None) -> list[ActionRun]:
    """Action executions, newest first (of one pipeline execution, when given)."""
    extra = {"filter": {"pipelineExecutionId": execution_id}} if execution_id else {}
    runs = [
        _run(raw)
        for page in aws.pages("codepipeline", "list_action_executions", pipelineName=name, **extra)
        for raw in page.get("actionExecutionDetails") or []
    ]
    return sorted(runs, key=lambda r: r.started or datetime.min, reverse=True)


def built_digest(runs: list[ActionRun]) -> str | None:
    """The digest the execution's Build action exported."""
    return next(
        (
            r.variables[DIGEST_VARIABLE]
            for r in runs
            if r.stage == BUILD_STAGE and DIGEST_VARIABLE in r.variables
        ),
        None,
    )


def released_digest(run: ActionRun) -> str | None:
    """The digest a Release action promoted (its resolved environment's IMAGE_DIGEST)."""
    try:
        variables = json.loads(run.configuration.get("EnvironmentVariables", "[]"))
    except ValueError:
        return None
    value = next((v.get("value") for v in variables if v.get("name") == DIGEST_VARIABLE), None)
    return value if isinstance(value, str) and value.startswith("sha256:") else None


def released_digests(aws: Aws, name: str, stage: str) -> list[str]:
    """Digests `stage` released successfully, newest first, consecutive repeats folded."""
    digests: list[str] = []
    for run in action_runs(aws, name):
        if (run.stage, run.action, run.status) != (
            release_stage(stage),
            RELEASE_ACTION,
            "Succeeded",
        ):
            continue
        digest = released_digest(run)
        if digest and (not digests or digests[-1] != digest):
            digests.append(digest)
    return digests


def stage_states(aws: Aws, name: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (
        aws.call("codepipeline", "get_pipeline_state", name=name).get("stageStates") or []
    )
    return found


def pending_approval(aws: Aws, name: str, stage: str) -> Approval:
    """The approval waiting before `stage`; a DeployError naming why there is none."""
    state = next(
        (s for s in stage_states(aws, name) if s["stageName"] == release_stage(stage)), None
    )
    if state is None:
        raise DeployError(f"the pipeline {name} has no stage {release_stage(stage)}")
    action = next(
        (a for a in state.get("actionStates") or [] if a["actionName"] == APPROVAL_ACTION), None
    )
    if action is None:
        raise DeployError(f"stage '{stage}' releases without approval (set approval: true to ask)")
    latest = action.get("latestExecution") or {}
    if latest.get("status") != "InProgress" or not latest.get("token"):
        raise DeployError(
            f"no approval is waiting for stage '{stage}' (last: {latest.get('status', 'none')})"
        )
    execution_id = (state.get("latestExecution") or {}).get("pipelineExecutionId", "")
    digest = built_digest(action_runs(aws, name, execution_id)) if execution_id else None
    return Approval(stage, latest["token"], execution_id, digest)


def decide(aws: Aws, name: str, approval: Approval, approve: bool, reason: str) -> None:
    """Approve or reject `approval` with `reason` as its summary."""
    aws.call(
        "codepipeline",
        "put_approval_result",
        pipelineName=name,
        stageName=release_stage(approval.stage),
        actionName=APPROVAL_ACTION,
        result={"summary": reason, "status": "Approved" if approve else "Rejected"},
        token=approval.token,
    )
