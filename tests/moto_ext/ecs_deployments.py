"""ECS service deployments as a rolling update runs them, which moto does not model.

moto keeps one deployment per service, always COMPLETED, and lacks the service
deployments API. Here a service's first deployment completes at once; every later one
(UpdateService with forceNewDeployment or a new task definition) starts IN_PROGRESS as
the PRIMARY deployment and, when next looked at `seconds` after it started, ends as
armed through `POST /moto-ext/ecs-rollouts {"outcomes": [...], "seconds": s}` (one
outcome per new deployment, in order; COMPLETED once the list is used up):
- COMPLETED: rolloutState COMPLETED, the older deployments drain away; the service
  deployment is SUCCESSFUL.
- FAILED: the deployment circuit breaker with rollback: the deployment is left ACTIVE
  with rolloutState FAILED, a rollback deployment to the previous revision becomes
  PRIMARY and completes; the service deployment is ROLLBACK_SUCCESSFUL.
- STUCK: it never settles (tasks that never become healthy, no circuit breaker verdict).
A deployment still IN_PROGRESS when a newer one starts is STOPPED.

Every deployment has a service revision whose containerImages record the digest each
container image's tag named in ECR (same account and region) when the deployment
started, as ECS does since it resolves tags to digests per deployment.
ListServiceDeployments, DescribeServiceDeployments, DescribeServiceRevisions and the
service's currentServiceDeployment answer from this model.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

_LOCK = threading.RLock()
_ARMED: dict[str, Any] = {"outcomes": [], "seconds": 0.0}
_COUNTER = itertools.count(1)
_REASONS = {
    "COMPLETED": "ECS deployment {id} completed.",
    "FAILED": "ECS deployment circuit breaker: tasks failed to start.",
}


@dataclass
class _Deployment:
    id: str
    arn: str
    revision: str
    source: str | None  # the revision the service ran before
    outcome: str
    settle_at: float
    task_definition: str
    desired: int
    created: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished: datetime | None = None
    status: str = "IN_PROGRESS"


def arm(outcomes: list[str], seconds: float) -> None:
    """How the next deployments end, and how long each takes."""
    with _LOCK:
        _ARMED["outcomes"] = list(outcomes)
        _ARMED["seconds"] = float(seconds)


def reset() -> None:
    arm([], 0.0)


def _next_outcome() -> tuple[str, float]:
    with _LOCK:
        outcomes = _ARMED["outcomes"]
        return (outcomes.pop(0) if outcomes else "COMPLETED"), _ARMED["seconds"]


def _ids(service: Any) -> tuple[str, str, str]:
    """A new deployment ID and the ARNs of its service deployment and revision."""
    number = next(_COUNTER)
    base = f"arn:aws:ecs:{service.region_name}:{service._account_id}"
    tail = f"{service.cluster_name}/{service.name}/{number:016d}"
    deployment_id = f"ecs-svc/{number:016d}"
    return deployment_id, f"{base}:service-deployment/{tail}", f"{base}:service-revision/{tail}"


def _images(service: Any) -> list[dict[str, str]]:
    """Each container's image and the digest its tag names in ECR now (if it exists)."""
    from moto.ecr.models import ecr_backends

    definition = service._backend.describe_task_definition(service.task_definition)
    registry = ecr_backends[service._account_id][service.region_name]
    images = []
    for container in definition.container_definitions:
        image = container["image"]
        found = {"containerName": container["name"], "image": image}
        name, _, tag = image.split("/", 1)[-1].partition(":")
        repository = registry.repositories.get(name)
        for candidate in repository.images if repository else []:
            if tag in candidate.image_tags:
                found["imageDigest"] = candidate.get_image_digest()
        images.append(found)
    return images


def _start(service: Any, outcome: str, seconds: float) -> None:
    deployment_id, arn, revision = _ids(service)
    backend = service._backend
    backend.ext_revisions[revision] = {
        "serviceRevisionArn": revision,
        "serviceArn": service.arn,
        "clusterArn": service.cluster_arn,
        "taskDefinition": service.task_definition,
        "containerImages": _images(service),
        "createdAt": datetime.now(UTC),
    }
    history: list[_Deployment] = service.ext_history
    for older in history:
        if older.status == "IN_PROGRESS":
            older.status = "STOPPED"
    source = next((d.revision for d in reversed(history) if d.status == "SUCCESSFUL"), None)
    settle_at = time.monotonic() + seconds
    definition, desired = service.task_definition, service.desired_count
    history.append(
        _Deployment(deployment_id, arn, revision, source, outcome, settle_at, definition, desired)
    )
    if service.deployments:  # the previous PRIMARY drains while this one rolls out
        service.deployments[-1]["status"] = "ACTIVE"
    service.deployments.append(_legacy(service, deployment_id, "IN_PROGRESS"))
    service.current_service_deployment = arn


def _legacy(service: Any, deployment_id: str, rollout: str, reason: str = "") -> dict[str, Any]:
    """A deployment as DescribeServices lists it."""
    now = datetime.now(UTC)
    return {
        "id": deployment_id,
        "status": "PRIMARY",
        "taskDefinition": service.task_definition,
        "desiredCount": service.desired_count,
        "pendingCount": 0,
        "runningCount": service.desired_count if rollout == "COMPLETED" else 0,
        "failedTasks": 0,
        "createdAt": now,
        "updatedAt": now,
        "launchType": service.launch_type,
        "rolloutState": rollout,
        "rolloutStateReason": reason or f"ECS deployment {deployment_id} in progress.",
    }


def _settle(service: Any) -> None:
    """End the deployments whose time has come, as armed."""
    for deployment in getattr(service, "ext_history", []):
        due = deployment.status == "IN_PROGRESS" and time.monotonic() >= deployment.settle_at
        if due and deployment.outcome != "STUCK":
            _end(service, deployment)


def _end(service: Any, deployment: _Deployment) -> None:
    deployment.finished = datetime.now(UTC)
    reason = _REASONS[deployment.outcome].format(id=deployment.id)
    entry = next(d for d in service.deployments if d["id"] == deployment.id)
    entry.update(rolloutState=deployment.outcome, rolloutStateReason=reason)
    if deployment.outcome == "COMPLETED":
        deployment.status = "SUCCESSFUL"
        entry.update(status="PRIMARY", runningCount=deployment.desired)
        service.deployments[:] = [entry]
        return
    deployment.status = "ROLLBACK_SUCCESSFUL"
    entry.update(status="ACTIVE", failedTasks=1)
    previous = service._backend.ext_revisions.get(deployment.source or "", {})
    service.task_definition = previous.get("taskDefinition", service.task_definition)
    rollback_id = _ids(service)[0]
    done = _REASONS["COMPLETED"].format(id=rollback_id)
    service.deployments[:] = [entry, _legacy(service, rollback_id, "COMPLETED", done)]


def _service_deployment(service: Any, deployment: _Deployment) -> dict[str, Any]:
    def revision(arn: str, count: int) -> dict[str, Any]:
        return {"arn": arn, "requestedTaskCount": count, "runningTaskCount": count,
                "pendingTaskCount": 0}  # fmt: skip

    found: dict[str, Any] = {
        "serviceDeploymentArn": deployment.arn,
        "serviceArn": service.arn,
        "clusterArn": service.cluster_arn,
        "createdAt": deployment.created,
        "startedAt": deployment.created,
        "updatedAt": deployment.finished or deployment.created,
        "targetServiceRevision": revision(deployment.revision, deployment.desired),
        "sourceServiceRevisions": [revision(deployment.source, 0)] if deployment.source else [],
        "status": deployment.status,
        "deploymentCircuitBreaker": {"status": "MONITORING", "failureCount": 0, "threshold": 3},
    }
    if deployment.finished is not None:
        found["finishedAt"] = deployment.finished
    if deployment.status == "ROLLBACK_SUCCESSFUL":
        found["deploymentCircuitBreaker"] = {"status": "TRIGGERED", "failureCount": 3,
                                             "threshold": 3}  # fmt: skip
        found["rollback"] = {
            "reason": "Service deployment rolled back because the circuit breaker threshold "
            "was exceeded.",
            "startedAt": deployment.finished,
            "serviceRevisionArn": deployment.source,
        }
        found["statusReason"] = found["rollback"]["reason"]
    return found


def _services(backend: Any) -> list[Any]:
    return list(backend.services.values())


def _patch_backend() -> None:
    from moto.ecs.models import EC2ContainerServiceBackend, Service

    original_init = Service.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        self.ext_history = []
        self.deployments = []
        self.current_service_deployment = None
        if not hasattr(self._backend, "ext_revisions"):
            self._backend.ext_revisions = {}
        if self.task_definition and self.deployment_controller["type"] == "ECS":
            _start(self, "COMPLETED", 0.0)
            _settle(self)

    Service.__init__ = init

    original_update = EC2ContainerServiceBackend.update_service

    def update(self: Any, props: dict[str, Any]) -> Any:
        # moto's own forced deployment renames the oldest deployment: this module starts one
        force = bool(props.pop("force_new_deployment", False))
        with _LOCK:
            before = self._get_service(props.get("cluster", "default"), props["service"])
            definition = before.task_definition
            service = original_update(self, props)
            _settle(service)
            if force or service.task_definition != definition:
                _start(service, *_next_outcome())
            return service

    EC2ContainerServiceBackend.update_service = update

    original_describe = EC2ContainerServiceBackend.describe_services

    def describe(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            services, failures = original_describe(self, *args, **kwargs)
            for service in services:
                _settle(service)
            return services, failures

    EC2ContainerServiceBackend.describe_services = describe


def _patch_responses() -> None:
    from moto.core.responses import ActionResult
    from moto.ecs.responses import EC2ContainerServiceResponse

    def every(backend: Any) -> list[tuple[Any, _Deployment]]:
        with _LOCK:
            pairs = []
            for service in _services(backend):
                _settle(service)
                pairs += [(service, d) for d in getattr(service, "ext_history", [])]
            return pairs

    def list_service_deployments(self: Any) -> ActionResult:
        name = self._get_param("service").split("/")[-1]
        cluster = self._get_param("cluster", "default").split("/")[-1]
        statuses = self._get_param("status") or []
        found = [
            {k: v for k, v in _service_deployment(s, d).items() if k in _BRIEF}
            | {"targetServiceRevisionArn": d.revision}
            for s, d in every(self.ecs_backend)
            if (s.name, s.cluster_name) == (name, cluster)
            and (not statuses or d.status in statuses)
        ]
        return ActionResult({"serviceDeployments": found[::-1]})  # newest first

    def describe_service_deployments(self: Any) -> ActionResult:
        arns = self._get_param("serviceDeploymentArns") or []
        known = {d.arn: _service_deployment(s, d) for s, d in every(self.ecs_backend)}
        return ActionResult(_described("serviceDeployments", arns, known))

    def describe_service_revisions(self: Any) -> ActionResult:
        arns = self._get_param("serviceRevisionArns") or []
        every(self.ecs_backend)
        known = getattr(self.ecs_backend, "ext_revisions", {})
        return ActionResult(_described("serviceRevisions", arns, known))

    for method in (list_service_deployments, describe_service_deployments,
                   describe_service_revisions):  # fmt: skip
        setattr(EC2ContainerServiceResponse, method.__name__, method)


_BRIEF = {"serviceDeploymentArn", "serviceArn", "clusterArn", "startedAt", "createdAt",
          "finishedAt", "status", "statusReason"}  # fmt: skip


def _described(key: str, arns: list[str], known: dict[str, Any]) -> dict[str, Any]:
    return {
        key: [known[arn] for arn in arns if arn in known],
        "failures": [{"arn": arn, "reason": "MISSING"} for arn in arns if arn not in known],
    }


def install() -> None:
    _patch_backend()
    _patch_responses()
