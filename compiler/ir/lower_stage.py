"""Lowering of one stage: its container, compute, scaling, endpoint and names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from compiler.data.capacity import capacity_of, default_instances_max, tasks_per_instance
from compiler.data.tables import instance_table, instance_types
from compiler.ir.lower_data import lower_data
from compiler.ir.lower_traffic import lower_traffic
from compiler.ir.model import (
    AppIR,
    AuthorizerIR,
    ComputeIR,
    CorsIR,
    DomainIR,
    EndpointIR,
    EndpointType,
    HealthCheckIR,
    ScaleChoiceIR,
    ScalingIR,
    SecretIR,
    StageIR,
    StageNamesIR,
    ThrottlingIR,
)
from compiler.spec.resolve import ResolvedStage

SCALE_ENDPOINT: dict[str, EndpointType] = {"standard": "api-gateway", "hyperscale": "alb"}


def lower_stage(stack: str, stage: ResolvedStage, previous: str | None) -> StageIR:
    v = stage.values
    app = _app(v["app"])
    scaling = _scaling(v["scaling"])
    prefix = f"{stack}-{stage.name}"
    return StageIR(
        name=stage.name,
        index=stage.index,
        approval=stage.approval,
        previous_stage=previous,
        app=app,
        compute=_compute(v["compute"], app, scaling),
        scaling=scaling,
        endpoint=_endpoint(v["scale"], v["endpoint"]),
        names=StageNamesIR(
            prefix=prefix,
            namespace=f"{prefix}.internal",
            service_discovery="app",
        ),
        traffic=lower_traffic(v["traffic"]) if stage.overrides("traffic") else None,
        data=lower_data(v["data"]),
    )


def _app(a: Mapping[str, Any]) -> AppIR:
    hc = a["health_check"]
    return AppIR(
        port=int(a["port"]),
        cpu=int(a["cpu"]),
        memory=int(a["memory"]),
        health_check=HealthCheckIR(
            path=hc["path"],
            interval_seconds=int(hc["interval_seconds"]),
            timeout_seconds=int(hc["timeout_seconds"]),
            healthy_threshold=int(hc["healthy_threshold"]),
            unhealthy_threshold=int(hc["unhealthy_threshold"]),
            grace_period_seconds=int(hc["grace_period_seconds"]),
            command=tuple(str(c) for c in hc["command"]) if "command" in hc else None,
        ),
        command=tuple(str(c) for c in a["command"]),
        environment=tuple(sorted((str(k), str(v)) for k, v in a["environment"].items())),
        secrets=tuple(
            SecretIR(
                name=str(k), arn=str(v), store="ssm" if ":ssm:" in str(v) else "secretsmanager"
            )
            for k, v in sorted(a["secrets"].items())
        ),
        dockerfile=str(a["dockerfile"]),
        build_context=str(a["build_context"]),
        exec=bool(a["exec"]),
    )


def _compute(c: Mapping[str, Any], app: AppIR, scaling: ScalingIR) -> ComputeIR:
    if c["type"] == "fargate":
        return ComputeIR(
            type="fargate",
            instance_type=None,
            instances_min=0,
            instances_max=0,
            target_capacity_percent=int(c["target_capacity_percent"]),
            tasks_per_instance=None,
        )
    instance_type = str(c["instance_type"])
    per_instance = _tasks_per_instance(instance_type, app)
    low = int(c["instances"]["min"])
    high = c["instances"].get("max")
    return ComputeIR(
        type="ec2",
        instance_type=instance_type,
        instances_min=low,
        instances_max=int(high)
        if high is not None
        else default_instances_max(scaling.max, per_instance or 0, low),
        target_capacity_percent=int(c["target_capacity_percent"]),
        tasks_per_instance=per_instance,
        ecs_reserved_memory_mib=int(instance_table()["ecs_memory_reserve"]["agent_mib"]),
    )


def _tasks_per_instance(instance_type: str, app: AppIR) -> int | None:
    info = instance_types().get(instance_type)
    if info is None:
        return None
    return tasks_per_instance(capacity_of(info), app.cpu, app.memory)


def _scaling(s: Mapping[str, Any]) -> ScalingIR:
    minimum = int(s["min"])
    cpu = int(s["cpu_percent"])
    return ScalingIR(
        desired=int(s.get("desired", minimum)),
        min=minimum,
        max=int(s["max"]),
        cpu_percent=cpu,
        scale_in_cpu_percent=max(cpu // 2, 1),
        policy=s["policy"],
    )


def _endpoint(scale: str, e: Mapping[str, Any]) -> EndpointIR:
    explicit = e.get("type")
    if explicit is not None:
        choice = ScaleChoiceIR(
            requested=cast(Any, scale),
            endpoint=explicit,
            reason="endpoint.type set explicitly",
            standard_monthly_usd=None,
            hyperscale_monthly_usd=None,
        )
    else:
        # `auto` starts as api-gateway, open: the cost pass after lowering settles it.
        choice = ScaleChoiceIR(
            requested=cast(Any, scale),
            endpoint=SCALE_ENDPOINT.get(scale, "api-gateway"),
            reason=f"scale: {scale}",
            standard_monthly_usd=None,
            hyperscale_monthly_usd=None,
            open=scale == "auto",
        )
    return _endpoint_of_type(choice, e)


def _endpoint_of_type(choice: ScaleChoiceIR, e: Mapping[str, Any]) -> EndpointIR:
    """The endpoint for the chosen type; keys of the other type are dropped (checks warned)."""
    apigw = choice.endpoint == "api-gateway"
    throttling, cors, authorizer = e.get("throttling"), e.get("cors"), e.get("authorizer")
    domain = e.get("domain")
    return EndpointIR(
        type=choice.endpoint,
        choice=choice,
        throttling=ThrottlingIR(int(throttling["rate_limit"]), int(throttling["burst_limit"]))
        if apigw and throttling
        else None,
        cors=CorsIR(
            allow_origins=tuple(cors["allow_origins"]),
            allow_methods=tuple(cors.get("allow_methods", ("GET", "PUT", "POST", "DELETE"))),
        )
        if apigw and cors
        else None,
        authorizer=AuthorizerIR(issuer=authorizer["issuer"], audience=tuple(authorizer["audience"]))
        if apigw and authorizer
        else None,
        domain=DomainIR(
            name=domain["name"],
            certificate_arn=domain["certificate_arn"],
            hosted_zone_id=domain.get("hosted_zone_id"),
        )
        if domain
        else None,
        idle_timeout_seconds=int(e["idle_timeout_seconds"]),
    )
