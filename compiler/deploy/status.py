"""`tsc status`: what each stage runs now, read from the services themselves.

Per stage: running/desired tasks (ECS) and the autoscaling range (Application Auto
Scaling); the digest the stage tag names (ECR) and the digest the service runs: ECS
resolves the tag when a deployment starts and records it in the service revision, so
the service's last completed deployment names what runs (and one in progress what is
rolling out); the endpoint URL and whether it answers the health path; the stage's last
release; the alarms in ALARM. For the stack: the pipeline's last execution with each
action's state. Gathered into data here, printed by `render_status` / `status_json`.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from typing import Any

from rich.console import Console
from rich.markup import escape

from compiler.deploy import pipeline
from compiler.deploy.aws import Aws
from compiler.deploy.release import deployment_digests, tagged_digest
from compiler.deploy.stack_view import StackView, StageView, stack_resources

PROBE_SECONDS = 5.0
_ALARM = "AWS::CloudWatch::Alarm"


@dataclass(frozen=True)
class Health:
    url: str
    answers: bool
    detail: str  # 'HTTP 200', or why it did not answer


@dataclass(frozen=True)
class StageStatus:
    name: str
    running: int
    desired: int
    minimum: int | None
    maximum: int | None
    tag: str
    tag_digest: str | None
    running_digest: str | None  # the image of the last completed deployment
    rolling_digest: str | None  # the image of a deployment in progress
    endpoint: Health | None
    last_release: str  # 'Succeeded', 'InProgress', ... or '' when never released
    open_alarms: tuple[str, ...]


@dataclass(frozen=True)
class ActionState:
    stage: str
    action: str
    status: str
    summary: str


@dataclass(frozen=True)
class StackStatus:
    stack: str
    region: str
    status: str
    pipeline: str
    execution_id: str
    execution_status: str
    actions: tuple[ActionState, ...]
    stages: tuple[StageStatus, ...]


def probe(url: str, path: str) -> Health:
    """GET url+path; answering is any status below 400."""
    target = url.rstrip("/") + (path if path.startswith("/") else f"/{path}")
    try:
        with urllib.request.urlopen(target, timeout=PROBE_SECONDS) as response:
            return Health(target, response.status < 400, f"HTTP {response.status}")
    except urllib.error.HTTPError as exc:
        return Health(target, False, f"HTTP {exc.code}")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return Health(target, False, f"no answer: {reason}")


def _open_alarms(aws: Aws, stage: StageView, firing: list[str]) -> tuple[str, ...]:
    # the alarms the stage's stacks declare, nested ones included
    own = {r.physical_id for r in stack_resources(aws, stage.stack_id) if r.resource_type == _ALARM}
    # target tracking creates its own alarms, named after the service's resource ID
    resource = f"service/{stage.cluster}/{stage.service}"
    return tuple(sorted(a for a in firing if a in own or resource in a))


def _digests(aws: Aws, service: dict[str, Any]) -> tuple[str | None, ...]:
    current = service.get("currentServiceDeployment")
    return deployment_digests(aws, current) if current else (None, None)


def _stage(
    aws: Aws, view: StackView, stage: StageView, firing: list[str], releases: dict[str, str]
) -> StageStatus:
    described = aws.call(
        "ecs", "describe_services", cluster=stage.cluster, services=[stage.service]
    )
    found = (described.get("services") or [{}])[0]
    running, rolling = _digests(aws, found)
    targets = aws.call(
        "application-autoscaling", "describe_scalable_targets", ServiceNamespace="ecs",
        ResourceIds=[f"service/{stage.cluster}/{stage.service}"],
    ).get("ScalableTargets") or [{}]  # fmt: skip
    url = stage.outputs.get("EndpointUrl", "")
    path = stage.outputs.get("HealthCheckPath", "/")
    return StageStatus(
        name=stage.name,
        running=int(found.get("runningCount", 0)),
        desired=int(found.get("desiredCount", 0)),
        minimum=targets[0].get("MinCapacity"),
        maximum=targets[0].get("MaxCapacity"),
        tag=stage.name,
        tag_digest=tagged_digest(aws, view.repository, stage.name),
        running_digest=running,
        rolling_digest=rolling,
        endpoint=probe(url, path) if url else None,
        last_release=releases.get(stage.name, ""),
        open_alarms=_open_alarms(aws, stage, firing),
    )


def _firing(aws: Aws) -> list[str]:
    return [
        a["AlarmName"]
        for page in aws.pages("cloudwatch", "describe_alarms", StateValue="ALARM")
        for a in page.get("MetricAlarms") or []
    ]


def stack_status(aws: Aws, view: StackView, stage: str | None) -> StackStatus:
    """Everything `tsc status` shows, for every stage or the one named."""
    name = view.output("PipelineName")
    latest = pipeline.executions(aws, name, limit=1)
    runs = pipeline.action_runs(aws, name, latest[0].execution_id) if latest else []
    releases = {
        s["stageName"].removeprefix(pipeline.RELEASE_STAGE_PREFIX): (
            s.get("latestExecution") or {}
        ).get("status", "")
        for s in pipeline.stage_states(aws, name)
        if s["stageName"].startswith(pipeline.RELEASE_STAGE_PREFIX)
    }
    firing = _firing(aws)
    chosen = [view.stage(stage)] if stage else list(view.stages)
    return StackStatus(
        stack=view.name,
        region=view.region,
        status=view.status,
        pipeline=name,
        execution_id=latest[0].execution_id if latest else "",
        execution_status=latest[0].status if latest else "",
        actions=tuple(ActionState(r.stage, r.action, r.status, r.summary) for r in reversed(runs)),
        stages=tuple(_stage(aws, view, s, firing, releases) for s in chosen),
    )


def status_json(status: StackStatus) -> str:
    return json.dumps(asdict(status), indent=2, sort_keys=True) + "\n"


def _image_line(stage: StageStatus) -> str:
    line = f"runs {stage.running_digest or 'no image yet'} (tag :{stage.tag}"
    if stage.tag_digest != stage.running_digest:
        line += f" names {stage.tag_digest or 'no image'}"
    line += ")"
    if stage.rolling_digest:
        line += f"; rolling out {stage.rolling_digest}"
    return line


def render_status(out: Console, status: StackStatus) -> None:
    """The status, one block per stage."""
    out.print(f"stack [bold]{escape(status.stack)}[/] ({status.region}): {status.status}")
    if status.execution_id:
        steps = ", ".join(f"{a.stage}/{a.action} {a.status}" for a in status.actions)
        out.print(f"pipeline {status.pipeline}: last run {status.execution_status} ({steps})")
    else:
        out.print(f"pipeline {status.pipeline}: never run (ship code with `tsc push`)")
    for stage in status.stages:
        scale = (
            f"min {stage.minimum}, max {stage.maximum}"
            if stage.maximum is not None
            else "no autoscaling"
        )
        tasks = f"{stage.running}/{stage.desired} tasks running"
        out.print(f"[bold]{escape(stage.name)}[/]: {tasks} ({scale})")
        out.print(f"  {_image_line(stage)}")
        if stage.endpoint:
            state = "answers" if stage.endpoint.answers else "does not answer"
            out.print(f"  {escape(stage.endpoint.url)} {state} ({escape(stage.endpoint.detail)})")
        out.print(f"  last release: {stage.last_release or 'none yet'}")
        alarms = ", ".join(stage.open_alarms) if stage.open_alarms else "none"
        out.print(f"  alarms in ALARM: {escape(alarms)}")
