"""ECS services that run tasks, and ECS Exec: what moto's ECS does not do.

- A service runs `desiredCount` tasks once its image tag exists in ECR (in AWS a task
  whose image cannot be pulled never starts), started afresh on every change of its
  deployment (created, a new desired count, a forced new deployment, a new task
  definition); each container has a runtime id. How deployments roll out and which
  digest each one runs is ecs_deployments.py's.
- ListTasks filters by serviceName (moto ignored the filter).
- A service keeps EnableExecuteCommand from its template (moto dropped it), and its tasks
  carry it; ExecuteCommand answers a session for a running task of such a service, and
  AWS's InvalidParameterException otherwise.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from moto.ecr.models import ecr_backends
from moto.ecs import models, responses
from moto.ecs.exceptions import InvalidParameterException

_EXEC_OFF = (
    "The execute command failed because execute command was not enabled when the task "
    "was run or the execute command agent isn't running. Wait and try again or run a new "
    "task with execute command enabled and try again."
)


def _image_exists(service: Any, image: str) -> bool:
    name, _, tag = image.split("/", 1)[-1].partition(":")
    repository = ecr_backends[service._account_id][service.region_name].repositories.get(name)
    return any(
        tag in candidate.image_tags for candidate in (repository.images if repository else [])
    )


def _network(props: dict[str, Any]) -> dict[str, Any] | None:
    """A template's NetworkConfiguration as the API takes it (Subnets may be joined)."""
    config = (props.get("NetworkConfiguration") or {}).get("AwsvpcConfiguration")
    if not config:
        return None
    subnets = config.get("Subnets") or []
    subnets = subnets.split(",") if isinstance(subnets, str) else list(subnets)
    groups = config.get("SecurityGroups") or []
    return {"awsvpcConfiguration": {"subnets": subnets, "securityGroups": list(groups)}}


def _service_tasks(backend: Any, service: Any) -> list[Any]:
    tasks = backend.tasks.get(service.cluster_name, {})
    return [t for t in tasks.values() if t.group == f"service:{service.name}"]


def place_tasks(backend: Any, service: Any) -> None:
    """Replace the service's tasks with `desired_count` new ones (see the docstring)."""
    for task in _service_tasks(backend, service):
        del backend.tasks[service.cluster_name][task.task_arn]
    definition = backend.describe_task_definition(service.task_definition)
    if not _image_exists(service, definition.container_definitions[0].get("image", "")):
        return
    cluster = backend._get_cluster(service.cluster_name)
    started_by = service.deployments[-1]["id"] if service.deployments else ""
    for _ in range(int(service.desired_count or 0)):
        task = models.Task(
            cluster, definition, None, None, backend, f"service:{service.name}",
            launch_type=service.launch_type or "", started_by=started_by,
            networking_configuration=getattr(service, "ext_network", None),
        )  # fmt: skip
        task._transitions = []  # a service's task runs until a deployment replaces it
        task.enable_execute_command = bool(getattr(service, "enable_execute_command", False))
        for container in task.containers:
            container.runtime_id = f"{task.id}-{uuid.uuid4().hex[:10]}"
            container.last_status = "RUNNING"
        backend.tasks.setdefault(service.cluster_name, {})[task.task_arn] = task


def _patch_services() -> None:
    backend_cls = models.EC2ContainerServiceBackend
    original_update = backend_cls.update_service
    original_list = backend_cls.list_tasks

    def update_service(self: Any, properties: dict[str, Any]) -> Any:
        changes = {k for k, v in properties.items() if v not in (None, False)}
        service = original_update(self, properties)
        if changes & {"desired_count", "force_new_deployment", "task_definition"}:
            place_tasks(self, service)
        return service

    def list_tasks(self: Any, *args: Any, **kwargs: Any) -> list[Any]:
        found = original_list(self, *args, **kwargs)
        name = kwargs.get("service_name") or (args[4] if len(args) > 4 else None)
        return [t for t in found if t.group == f"service:{name}"] if name else found

    backend_cls.update_service = update_service
    backend_cls.list_tasks = list_tasks


def _patch_cloudformation() -> None:
    """Keep EnableExecuteCommand and the network, and place tasks, for template services."""
    original_create = models.Service.create_from_cloudformation_json.__func__
    original_update = models.Service.update_from_cloudformation_json.__func__

    def remember(service: Any, cfn: dict[str, Any], account: str, region: str) -> Any:
        props = cfn.get("Properties") or {}
        service.enable_execute_command = props.get("EnableExecuteCommand") in (True, "true", "True")
        service.ext_network = _network(props)
        place_tasks(models.ecs_backends[account][region], service)
        return service

    def create(
        cls: Any, name: str, cfn: dict[str, Any], account: str, region: str, **kw: Any
    ) -> Any:
        return remember(
            original_create(cls, name, cfn, account, region, **kw), cfn, account, region
        )

    def update(
        cls: Any, original: Any, name: str, cfn: dict[str, Any], account: str, region: str
    ) -> Any:
        made = original_update(cls, original, name, cfn, account, region)
        return remember(made, cfn, account, region)

    models.Service.create_from_cloudformation_json = classmethod(create)
    models.Service.update_from_cloudformation_json = classmethod(update)


def _execute_command(self: Any) -> str:
    cluster = self._get_param("cluster", "default")
    task_id, container = self._get_param("task"), self._get_param("container")
    found = self.ecs_backend.describe_tasks(cluster, [task_id])
    if not found:
        raise InvalidParameterException("The task provided in the request was not found.")
    task = found[0]
    if not getattr(task, "enable_execute_command", False):
        raise InvalidParameterException(_EXEC_OFF)
    names = [c.name for c in task.containers]
    name = container or names[0]
    if name not in names:
        raise InvalidParameterException(f"The container {name} does not exist in the task.")
    session = uuid.uuid4().hex
    return json.dumps(
        {
            "clusterArn": task.cluster_arn,
            "taskArn": task.task_arn,
            "containerName": name,
            "containerArn": task.containers[names.index(name)].container_arn,
            "interactive": bool(self._get_param("interactive")),
            "session": {
                "sessionId": f"ecs-execute-command-{session}",
                "streamUrl": f"wss://ssmmessages.{self.region}.amazonaws.com/v1/data-channel/{session}",
                "tokenValue": uuid.uuid4().hex,
            },
        }
    )


def install() -> None:
    """Apply every patch of this module."""
    _patch_services()
    _patch_cloudformation()
    responses.EC2ContainerServiceResponse.execute_command = _execute_command
