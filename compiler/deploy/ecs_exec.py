"""`tsc exec`: a shell, or one command, in a running task of a stage (ECS Exec).

What `aws ecs execute-command --interactive` does (the AWS CLI's ecs customization),
with the names resolved from the stack: check that session-manager-plugin is installed
before any call, check that the stage's service has ECS Exec on (`exec` in the spec),
pick a RUNNING task and its container, call ECS ExecuteCommand, then run in the
foreground

    session-manager-plugin <session JSON> <region> StartSession <profile>
        {"Target": "ecs:<cluster>_<task id>_<container runtime id>"} <ECS endpoint URL>
"""

from __future__ import annotations

import json
import shlex
import shutil
import signal
import subprocess
from dataclasses import dataclass
from typing import Any

from compiler.deploy.aws import Aws
from compiler.deploy.errors import DeployError
from compiler.deploy.stack_view import StageView

PLUGIN = "session-manager-plugin"
INSTALL_URL = (
    "https://docs.aws.amazon.com/systems-manager/latest/userguide/"
    "session-manager-working-with-install-plugin.html"
)
DEFAULT_COMMAND = "/bin/sh"


@dataclass(frozen=True)
class ExecCall:
    """The ExecuteCommand call for one container of one running task."""

    cluster: str
    task_arn: str
    container: str
    runtime_id: str
    command: str


def plugin_path() -> str:
    """Where session-manager-plugin is; a DeployError saying how to get it otherwise."""
    found = shutil.which(PLUGIN)
    if not found:
        raise DeployError(
            f"{PLUGIN} is not installed (on PATH); `tsc exec` needs it for ECS Exec, as "
            f"`aws ecs execute-command` does: install it ({INSTALL_URL}) and rerun"
        )
    return found


def _exec_enabled(aws: Aws, stage: StageView) -> None:
    found = aws.call("ecs", "describe_services", cluster=stage.cluster, services=[stage.service])
    service = (found.get("services") or [{}])[0]
    if not service.get("enableExecuteCommand"):
        raise DeployError(
            f"ECS Exec is off for stage '{stage.name}': set `exec: true` for the stage (or "
            "`app.exec: true`) in tinystack.yaml and deploy; tasks started before keep "
            "running without it until the next release replaces them"
        )


def plan(aws: Aws, stage: StageView, command: tuple[str, ...]) -> ExecCall:
    """The call to make for `stage` (a DeployError when exec is off or no task runs)."""
    _exec_enabled(aws, stage)
    arns = (
        aws.call(
            "ecs",
            "list_tasks",
            cluster=stage.cluster,
            serviceName=stage.service,
            desiredStatus="RUNNING",
        ).get("taskArns")
        or []
    )
    tasks = (
        aws.call("ecs", "describe_tasks", cluster=stage.cluster, tasks=arns).get("tasks")
        if arns
        else []
    )
    running = [
        t for t in tasks or [] if t.get("lastStatus") == "RUNNING" and t.get("enableExecuteCommand")
    ]
    if not running:
        raise DeployError(
            f"stage '{stage.name}' has no running task with ECS Exec on; ship code with "
            "`tsc push`, or wait for the release to finish (`tsc status`)"
        )
    task = sorted(running, key=lambda t: str(t.get("taskArn")))[0]
    container = (task.get("containers") or [{}])[0]
    return ExecCall(
        cluster=stage.cluster,
        task_arn=str(task["taskArn"]),
        container=str(container.get("name", "")),
        runtime_id=str(container.get("runtimeId", "")),
        command=shlex.join(command) if command else DEFAULT_COMMAND,
    )


def plugin_arguments(aws: Aws, call: ExecCall, response: dict[str, Any]) -> list[str]:
    """The session-manager-plugin argument list, as the AWS CLI builds it."""
    cluster = str(response.get("clusterArn", call.cluster)).rsplit("/", 1)[-1]
    task_id = str(response.get("taskArn", call.task_arn)).rsplit("/", 1)[-1]
    target = {"Target": f"ecs:{cluster}_{task_id}_{call.runtime_id}"}
    return [
        json.dumps(response["session"]),
        aws.region,
        "StartSession",
        aws.profile or "",
        json.dumps(target),
        str(aws.client("ecs").meta.endpoint_url),
    ]


def run(aws: Aws, call: ExecCall, plugin: str) -> int:
    """ExecuteCommand, then the plugin in the foreground; the plugin's exit status."""
    response = aws.call(
        "ecs", "execute_command", cluster=call.cluster, task=call.task_arn,
        container=call.container, command=call.command, interactive=True,
    )  # fmt: skip
    argv = [plugin, *plugin_arguments(aws, call, response)]
    # Ctrl-C belongs to the remote shell: the plugin forwards it, so tsc must not die of it
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        return subprocess.call(argv)
    finally:
        signal.signal(signal.SIGINT, previous)
