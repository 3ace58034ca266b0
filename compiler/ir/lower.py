"""Lowering: a resolved spec becomes the StackIR, every decision made.

Applies the derived defaults (the schema holds the plain ones), resolves `scale`
to an endpoint type (`auto` through the cost model), carves the VPC range into
subnets, names what AWS makes us name and does the capacity math.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, cast

from compiler.ir.capacity import instance_capacity, tasks_per_instance
from compiler.ir.model import (
    IR_VERSION,
    AlarmsIR,
    AppIR,
    AuthorizerIR,
    ComputeIR,
    CorsIR,
    DomainIR,
    EndpointIR,
    EndpointType,
    HealthCheckIR,
    NetworkIR,
    PipelineIR,
    RegistryIR,
    ScaleChoiceIR,
    ScalingIR,
    SecretIR,
    SourceIR,
    StackIR,
    StageIR,
    StageNamesIR,
    SubnetIR,
    ThrottlingIR,
    TrafficIR,
    WebhookIR,
)
from compiler.ir.names import ELB_NAME_LIMIT, physical_name
from compiler.spec.resolve import ResolvedSpec, ResolvedStage, resolve_spec

SECONDS_PER_MONTH = 730 * 3600  # AWS prices a month as 730 hours
NAT_INSTANCE_TYPE = "t3.nano"  # smallest current-generation x86 type: NAT needs little
KEEP_UNTAGGED_IMAGES = 25
CODEBUILD_COMPUTE = {
    "small": "BUILD_GENERAL1_SMALL",
    "medium": "BUILD_GENERAL1_MEDIUM",
    "large": "BUILD_GENERAL1_LARGE",
}
SCALE_ENDPOINT: dict[str, EndpointType] = {"standard": "api-gateway", "hyperscale": "alb"}


def lower_data(data: Mapping[str, Any]) -> StackIR:
    """Lower a schema-valid spec mapping (resolving it first)."""
    return lower(resolve_spec(data))


def lower(spec: ResolvedSpec) -> StackIR:
    """The StackIR of a resolved, checked spec."""
    data = spec.data
    name = str(data["name"])
    stage_names = tuple(stage.name for stage in spec.stages)
    ir = StackIR(
        ir_version=IR_VERSION,
        name=name,
        description=str(data.get("description") or f"tinystack stack {name}"),
        tags=tuple(sorted((str(k), str(v)) for k, v in data["tags"].items())),
        traffic=_traffic(data["traffic"]),
        network=_network(data["network"]),
        registry=RegistryIR(
            scan_on_push=True,
            keep_untagged_images=KEEP_UNTAGGED_IMAGES,
            protected_tags=("latest", *stage_names),
        ),
        source=_source(name, data.get("source")),
        pipeline=_pipeline(data["pipeline"]),
        alarms=AlarmsIR(emails=tuple(data["alarms"]["emails"])),
        stages=tuple(
            _stage(name, stage, spec.stages[i - 1].name if i else None)
            for i, stage in enumerate(spec.stages)
        ),
    )
    open_auto = {
        stage.index
        for stage in spec.stages
        if stage.values["scale"] == "auto" and "type" not in stage.values["endpoint"]
    }
    return _choose_auto_endpoints(ir, open_auto)


def _traffic(t: Mapping[str, Any]) -> TrafficIR:
    # Unset peaks assume one connection per request, spread over the month, each
    # living under a minute; stated as derived so `tsc cost` can say so.
    requests = int(t["requests_per_month"])
    derived: list[str] = []
    new_per_second = t.get("peak_new_connections_per_second")
    if new_per_second is None:
        new_per_second = requests / SECONDS_PER_MONTH
        derived.append("peak_new_connections_per_second")
    active_per_minute = t.get("peak_active_connections_per_minute")
    if active_per_minute is None:
        active_per_minute = float(new_per_second) * 60
        derived.append("peak_active_connections_per_minute")
    return TrafficIR(
        requests_per_month=requests,
        avg_response_kb=float(t["avg_response_kb"]),
        peak_new_connections_per_second=float(new_per_second),
        peak_active_connections_per_minute=float(active_per_minute),
        derived=tuple(derived),
    )


def _network(n: Mapping[str, Any]) -> NetworkIR:
    azs = int(n["availability_zones"])
    vpc = ipaddress.ip_network(str(n["cidr"]), strict=False)
    extra_bits = math.ceil(math.log2(2 * azs))  # a public and a private subnet per AZ
    blocks = list(vpc.subnets(prefixlen_diff=extra_bits))
    subnets = tuple(
        SubnetIR(az_index=i, public_cidr=str(blocks[i]), private_cidr=str(blocks[azs + i]))
        for i in range(azs)
    )
    egress = n["egress"]
    nat_gateways = 0
    if egress == "nat-gateway":
        nat_gateways = azs if n["nat"] == "per-az" else 1
    return NetworkIR(
        cidr=str(vpc),
        availability_zones=azs,
        egress=egress,
        nat=n["nat"],
        subnets=subnets,
        nat_gateways=nat_gateways,
        nat_instance_type=NAT_INSTANCE_TYPE if egress == "nat-instance" else None,
        tasks_in_public_subnets=egress == "public-ip",
    )


def _source(name: str, s: Mapping[str, Any] | None) -> SourceIR:
    default_key = f"{name}/source.zip"
    if s is None:  # no source: a created bucket the user uploads <name>/source.zip to
        return SourceIR(
            provider="s3",
            repository=None,
            branch="main",
            connection_arn=None,
            bucket=None,
            key=default_key,
            webhook=None,
            creates_connection=False,
            creates_bucket=True,
        )
    provider = s.get("provider", "github")
    is_s3 = provider == "s3"
    hook = s.get("webhook")
    webhook = None
    if is_s3 and hook is not None:
        webhook = WebhookIR(
            provider=hook["provider"],
            repository=hook["repository"],
            branch=hook.get("branch", "main"),
            token_secret_arn=hook["token_secret_arn"],
        )
    return SourceIR(
        provider=provider,
        repository=None if is_s3 else s.get("repository"),
        branch=s.get("branch", "main"),
        connection_arn=None if is_s3 else s.get("connection_arn"),
        bucket=s.get("bucket") if is_s3 else None,
        key=s.get("key", default_key) if is_s3 else None,
        webhook=webhook,
        creates_connection=not is_s3 and s.get("connection_arn") is None,
        creates_bucket=is_s3 and s.get("bucket") is None,
    )


def _pipeline(p: Mapping[str, Any]) -> PipelineIR:
    return PipelineIR(
        buildspecs=p["buildspecs"],
        compute_type=p["compute_type"],
        codebuild_compute_type=CODEBUILD_COMPUTE[p["compute_type"]],
        image=str(p["image"]),
        timeout_minutes=int(p["timeout_minutes"]),
    )


def _stage(stack: str, stage: ResolvedStage, previous: str | None) -> StageIR:
    v = stage.values
    app = _app(v["app"])
    prefix = f"{stack}-{stage.name}"
    return StageIR(
        name=stage.name,
        index=stage.index,
        approval=stage.approval,
        previous_stage=previous,
        app=app,
        compute=_compute(v["compute"], app),
        scaling=_scaling(v["scaling"]),
        endpoint=_endpoint(v["scale"], v["endpoint"]),
        names=StageNamesIR(
            prefix=prefix,
            namespace=f"{prefix}.internal",
            service_discovery="app",
            load_balancer=physical_name(stack, stage.name, "alb", ELB_NAME_LIMIT),
            target_group=physical_name(stack, stage.name, "tg", ELB_NAME_LIMIT),
        ),
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
    )


def _compute(c: Mapping[str, Any], app: AppIR) -> ComputeIR:
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
    return ComputeIR(
        type="ec2",
        instance_type=instance_type,
        instances_min=int(c["instances"]["min"]),
        instances_max=int(c["instances"]["max"]),
        target_capacity_percent=int(c["target_capacity_percent"]),
        tasks_per_instance=_tasks_per_instance(instance_type, app),
    )


def _tasks_per_instance(instance_type: str, app: AppIR) -> int | None:
    from compiler.data.tables import instance_types

    info = instance_types().get(instance_type)
    if info is None:
        return None
    capacity = instance_capacity(
        info.vcpu, info.memory_mib, info.max_enis, info.reserved_memory_mib
    )
    return tasks_per_instance(capacity, app.cpu, app.memory)


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
        # `auto` starts as api-gateway and is settled by the cost model after lowering.
        choice = ScaleChoiceIR(
            requested=cast(Any, scale),
            endpoint=SCALE_ENDPOINT.get(scale, "api-gateway"),
            reason=f"scale: {scale}",
            standard_monthly_usd=None,
            hyperscale_monthly_usd=None,
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


def _choose_auto_endpoints(ir: StackIR, open_auto: set[int]) -> StackIR:
    """Settle `scale: auto` stages on the endpoint the cost model finds cheaper."""
    if not open_auto:
        return ir
    from compiler.cost.choice import choose_endpoint  # the cost model reads the IR

    stages = []
    for stage in ir.stages:
        if stage.index in open_auto:
            choice = choose_endpoint(ir, stage)
            endpoint = replace(stage.endpoint, type=choice.endpoint, choice=choice)
            if choice.endpoint == "alb":  # API Gateway-only settings do not apply
                endpoint = replace(endpoint, throttling=None, cors=None, authorizer=None)
            stage = replace(stage, endpoint=endpoint)
        stages.append(stage)
    return replace(ir, stages=tuple(stages))
