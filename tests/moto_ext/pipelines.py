"""CodePipeline executions, which moto lacks: starting, state, history and approvals.

- StartPipelineExecution starts an execution; so does an upload to the bucket and key of
  a pipeline's S3 source (in AWS the EventBridge rule the pipeline stack creates does it;
  moto routes no event to CodePipeline). The Source action succeeds at once with the
  revision: the object's version id, or a generated commit id for a connection. A newer
  execution supersedes the older ones still running (ExecutionMode SUPERSEDED; AWS does
  so when the newer one reaches the older one's stage).
- Actions run in order (stages, then runOrder). A CodeBuild action starts a build of its
  project in moto's CodeBuild (logs named as CodeBuild names them: the project's log
  group, stream `<project>/<build uuid>`) and stays InProgress until a test finishes it
  (`POST /moto-ext/pipeline-action`, control.py) with a status and output variables, as
  the buildspec would. A manual approval waits for PutApprovalResult with its token.
- GetPipelineState, ListPipelineExecutions, GetPipelineExecution, ListActionExecutions
  (each action's configuration resolved against the output variables of the namespaces
  run before it, as `resolvedConfiguration`) and PutApprovalResult answer from that.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from moto.codebuild.models import codebuild_backends
from moto.codepipeline import models, responses
from moto.core.common_models import BaseModel
from moto.s3 import models as s3_models

_LOCK = threading.RLock()
_VARIABLE = re.compile(r"#\{([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)\}")
# (account, region, pipeline) -> executions, oldest first
_EXECUTIONS: dict[tuple[str, str, str], list[Execution]] = {}


class PipelineError(Exception):
    """An error answered as the JSON API does: its __type and message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class ActionRun:
    stage: str
    action: dict[str, Any]
    status: str = "InProgress"
    started: float = field(default_factory=time.time)
    updated: float = field(default_factory=time.time)
    run_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    external_id: str = ""
    token: str = ""
    summary: str = ""
    variables: dict[str, str] = field(default_factory=dict)
    resolved: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.action["name"])

    def finish(
        self, status: str, summary: str = "", variables: dict[str, str] | None = None
    ) -> None:
        self.status, self.summary, self.updated = status, summary, time.time()
        self.variables = dict(variables or {})


@dataclass
class Execution:
    pipeline: dict[str, Any]
    trigger: dict[str, str]
    revision: str
    execution_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    status: str = "InProgress"
    started: float = field(default_factory=time.time)
    updated: float = field(default_factory=time.time)
    runs: list[ActionRun] = field(default_factory=list)

    def namespaces(self) -> dict[str, dict[str, str]]:
        return {
            run.action["namespace"]: run.variables
            for run in self.runs
            if run.action.get("namespace") and run.status == "Succeeded"
        }


def _actions(pipeline: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (stage["name"], action)
        for stage in pipeline["stages"]
        for action in sorted(stage["actions"], key=lambda a: int(a.get("runOrder", 1)))
    ]


def _resolve(
    configuration: dict[str, Any], namespaces: dict[str, dict[str, str]]
) -> dict[str, str]:
    def fill(match: re.Match[str]) -> str:
        return namespaces.get(match.group(1), {}).get(match.group(2), match.group(0))

    return {k: _VARIABLE.sub(fill, str(v)) for k, v in configuration.items()}


def _start_build(account: str, region: str, run: ActionRun) -> None:
    backend = codebuild_backends[account][region]
    project = run.resolved.get("ProjectName", "")
    if project not in backend.codebuild_projects:
        run.finish("Failed", f"no CodeBuild project {project}")
        return
    build = backend.start_build(project)
    logs = backend.codebuild_projects[project].project_metadata.get("logsConfig") or {}
    group = (logs.get("cloudWatchLogs") or {}).get("groupName", f"/aws/codebuild/{project}")
    stream = f"{project}/{build['id'].split(':', 1)[1]}"
    build["logs"] = {**build["logs"], "groupName": group, "streamName": stream}
    run.external_id = build["id"]


def _advance(account: str, region: str, execution: Execution) -> None:
    """Start actions until one waits (a build, an approval), fails, or none is left."""
    while execution.status == "InProgress":
        if execution.runs and execution.runs[-1].status == "InProgress":
            return
        if execution.runs and execution.runs[-1].status != "Succeeded":
            execution.status, execution.updated = "Failed", time.time()
            return
        todo = _actions(execution.pipeline)[len(execution.runs) :]
        if not todo:
            execution.status, execution.updated = "Succeeded", time.time()
            return
        stage, action = todo[0]
        run = ActionRun(stage, action)
        run.resolved = _resolve(action.get("configuration") or {}, execution.namespaces())
        execution.runs.append(run)
        kind = action["actionTypeId"]
        if kind["category"] == "Source":
            run.finish("Succeeded", variables={"CommitId": execution.revision})
        elif kind["provider"] == "CodeBuild":
            _start_build(account, region, run)
        elif kind["category"] == "Approval":
            run.token = str(uuid.uuid4())
        else:
            run.finish("Succeeded")


def start(
    account: str, region: str, name: str, trigger: dict[str, str], revision: str
) -> Execution:
    """Start an execution of pipeline `name` (superseding any still running)."""
    pipeline = models.codepipeline_backends[account][region].get_pipeline(name)[0]
    with _LOCK:
        history = _EXECUTIONS.setdefault((account, region, name), [])
        for older in history:
            if older.status == "InProgress":
                older.status, older.updated = "Superseded", time.time()
        execution = Execution(json.loads(json.dumps(pipeline)), trigger, revision)
        history.append(execution)
        _advance(account, region, execution)
    return execution


def finish_action(
    account: str, region: str, name: str, action: str, status: str, variables: dict[str, str]
) -> str:
    """Finish the running `<stage>/<action>` of the newest execution (a test's build)."""
    with _LOCK:
        for execution in reversed(_EXECUTIONS.get((account, region, name), [])):
            run = execution.runs[-1] if execution.runs else None
            if run and f"{run.stage}/{run.name}" == action and run.status == "InProgress":
                run.finish(status, f"{action} {status.lower()}", variables)
                _advance(account, region, execution)
                return execution.execution_id
    raise PipelineError("ActionNotFoundException", f"{action} of {name} is not running")


def reset() -> None:
    with _LOCK:
        _EXECUTIONS.clear()


def _history(account: str, region: str, name: str) -> list[Execution]:
    models.codepipeline_backends[account][region].get_pipeline(name)  # raises when unknown
    with _LOCK:
        return list(_EXECUTIONS.get((account, region, name), []))


def _action_detail(execution: Execution, run: ActionRun) -> dict[str, Any]:
    return {
        "pipelineExecutionId": execution.execution_id,
        "actionExecutionId": run.run_id,
        "pipelineVersion": execution.pipeline.get("version", 1),
        "stageName": run.stage,
        "actionName": run.name,
        "startTime": run.started,
        "lastUpdateTime": run.updated,
        "status": run.status,
        "input": {
            "actionTypeId": run.action["actionTypeId"],
            "configuration": run.action.get("configuration") or {},
            "resolvedConfiguration": run.resolved,
            **({"namespace": run.action["namespace"]} if run.action.get("namespace") else {}),
        },
        "output": {
            "executionResult": {
                "externalExecutionId": run.external_id,
                "externalExecutionSummary": run.summary,
            },
            "outputVariables": run.variables,
        },
    }


def _summary(execution: Execution) -> dict[str, Any]:
    return {
        "pipelineExecutionId": execution.execution_id,
        "status": execution.status,
        "startTime": execution.started,
        "lastUpdateTime": execution.updated,
        "sourceRevisions": [
            {"actionName": execution.runs[0].name, "revisionId": execution.revision}
        ],
        "trigger": execution.trigger,
        "executionMode": "SUPERSEDED",
    }


def _stage_state(stage: dict[str, Any], history: list[Execution]) -> dict[str, Any]:
    reached = [e for e in history if any(r.stage == stage["name"] for r in e.runs)]
    state: dict[str, Any] = {
        "stageName": stage["name"],
        "inboundTransitionState": {"enabled": True},
        "actionStates": [],
    }
    if not reached:
        return state
    latest = reached[-1]
    runs = {r.name: r for r in latest.runs if r.stage == stage["name"]}
    statuses = {r.status for r in runs.values()}
    status = next((s for s in ("Failed", "InProgress") if s in statuses), "Succeeded")
    state["latestExecution"] = {"pipelineExecutionId": latest.execution_id, "status": status}
    for action in stage["actions"]:
        entry: dict[str, Any] = {"actionName": action["name"]}
        run = runs.get(action["name"])
        if run:
            entry["latestExecution"] = {
                "actionExecutionId": run.run_id,
                "status": run.status,
                "summary": run.summary,
                "lastStatusChange": run.updated,
                **({"token": run.token} if run.token and run.status == "InProgress" else {}),
                **({"externalExecutionId": run.external_id} if run.external_id else {}),
            }
        state["actionStates"].append(entry)
    return state


class _Api(BaseModel):
    """The operations, as methods added to moto's CodePipelineResponse."""

    def start_pipeline_execution(self: Any) -> str:
        name = self._get_param("name")
        revision = f"manual-{uuid.uuid4().hex[:12]}"
        trigger = {"triggerType": "StartPipelineExecution", "triggerDetail": "tsc"}
        execution = start(self.current_account, self.region, name, trigger, revision)
        return json.dumps({"pipelineExecutionId": execution.execution_id})

    def list_pipeline_executions(self: Any) -> str:
        history = _history(self.current_account, self.region, self._get_param("pipelineName"))
        return json.dumps({"pipelineExecutionSummaries": [_summary(e) for e in reversed(history)]})

    def get_pipeline_execution(self: Any) -> str:
        name = self._get_param("pipelineName")
        wanted = self._get_param("pipelineExecutionId")
        found = [
            e for e in _history(self.current_account, self.region, name) if e.execution_id == wanted
        ]
        if not found:
            raise PipelineError("PipelineExecutionNotFoundException", f"no execution {wanted}")
        execution = found[0]
        return json.dumps(
            {
                "pipelineExecution": {
                    "pipelineName": name,
                    "pipelineVersion": execution.pipeline.get("version", 1),
                    "pipelineExecutionId": execution.execution_id,
                    "status": execution.status,
                    "trigger": execution.trigger,
                    "executionMode": "SUPERSEDED",
                    "artifactRevisions": [
                        {"name": "SourceOutput", "revisionId": execution.revision}
                    ],
                }
            }
        )

    def get_pipeline_state(self: Any) -> str:
        name = self._get_param("name")
        history = _history(self.current_account, self.region, name)
        pipeline = models.codepipeline_backends[self.current_account][self.region].get_pipeline(
            name
        )[0]
        stages = [_stage_state(stage, history) for stage in pipeline["stages"]]
        return json.dumps(
            {
                "pipelineName": name,
                "pipelineVersion": pipeline.get("version", 1),
                "stageStates": stages,
            }
        )

    def list_action_executions(self: Any) -> str:
        name = self._get_param("pipelineName")
        wanted = (self._get_param("filter") or {}).get("pipelineExecutionId")
        details = [
            _action_detail(e, r)
            for e in _history(self.current_account, self.region, name)
            if wanted in (None, e.execution_id)
            for r in e.runs
        ]
        details.sort(key=lambda d: d["startTime"], reverse=True)
        return json.dumps({"actionExecutionDetails": details})

    def put_approval_result(self: Any) -> str:
        name, stage = self._get_param("pipelineName"), self._get_param("stageName")
        action, token = self._get_param("actionName"), self._get_param("token")
        result = self._get_param("result") or {}
        with _LOCK:
            for execution in reversed(_history(self.current_account, self.region, name)):
                run = execution.runs[-1] if execution.runs else None
                if run and (run.stage, run.name) == (stage, action) and run.status == "InProgress":
                    if run.token != token:
                        raise PipelineError(
                            "InvalidApprovalTokenException", f"token {token} is not valid"
                        )
                    approved = result.get("status") == "Approved"
                    run.finish(
                        "Succeeded" if approved else "Failed", str(result.get("summary", ""))
                    )
                    _advance(self.current_account, self.region, execution)
                    return json.dumps({"approvedAt": time.time()})
        raise PipelineError(
            "ApprovalAlreadyCompletedException", f"no approval of {stage}/{action} is pending"
        )


def _answering_errors(method: Any) -> Any:
    def call(self: Any) -> Any:
        try:
            return method(self)
        except PipelineError as exc:
            return 400, {}, json.dumps({"__type": exc.code, "message": str(exc)})

    return call


def _s3_source(pipeline: dict[str, Any]) -> tuple[str, str] | None:
    action = pipeline["stages"][0]["actions"][0]
    if action["actionTypeId"].get("provider") != "S3":
        return None
    config = action.get("configuration") or {}
    return config.get("S3Bucket", ""), config.get("S3ObjectKey", "")


def _patch_upload_trigger() -> None:
    """An upload to a pipeline's S3 source starts it (the EventBridge rule, in AWS)."""
    original = s3_models.S3Backend.put_object

    def put_object(self: Any, bucket_name: str, key_name: str, *args: Any, **kwargs: Any) -> Any:
        key = original(self, bucket_name, key_name, *args, **kwargs)
        region = self.get_bucket(bucket_name).region_name
        backend = models.codepipeline_backends[self.account_id][region]
        for name, pipeline in list(backend.pipelines.items()):
            if _s3_source(pipeline.pipeline) == (bucket_name, key_name):
                trigger = {
                    "triggerType": "CloudWatchEvent",
                    "triggerDetail": f"s3://{bucket_name}/{key_name}",
                }
                start(self.account_id, region, name, trigger, str(key.version_id or key.etag))
        return key

    s3_models.S3Backend.put_object = put_object


def install() -> None:
    """Add the operations to moto's CodePipeline and the upload trigger to its S3."""
    for name in (
        "start_pipeline_execution",
        "list_pipeline_executions",
        "get_pipeline_execution",
        "get_pipeline_state",
        "list_action_executions",
        "put_approval_result",
    ):
        setattr(responses.CodePipelineResponse, name, _answering_errors(getattr(_Api, name)))
    _patch_upload_trigger()
