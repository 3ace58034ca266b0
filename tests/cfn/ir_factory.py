"""Hand-built StackIR values for the runtime stack tests, plus a cfn-lint helper.

`make_ir` varies only what the runtime templates branch on (endpoint type, compute
type, egress, stage count, policy); everything else holds SPEC.md's defaults.
"""

from __future__ import annotations

import dataclasses
import json
from functools import cache
from typing import Any

from troposphere import Template

from compiler.cfn.render import render_template
from compiler.ir.model import (
    AlarmsIR,
    AppIR,
    AuthorizerIR,
    ComputeIR,
    CorsIR,
    DomainIR,
    EndpointIR,
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
)

SSM_ARN = "arn:aws:ssm:us-east-1:123456789012:parameter/crud/api-key"
SM_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"
CERT_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/1234abcd-12ab-34cd-56ef-1234567890ab"


def _network(egress: str, azs: int, nat: str) -> NetworkIR:
    subnets = tuple(
        SubnetIR(az_index=i, public_cidr=f"10.0.{i}.0/24", private_cidr=f"10.0.{10 + i}.0/24")
        for i in range(azs)
    )
    return NetworkIR(
        cidr="10.0.0.0/16",
        availability_zones=azs,
        egress=egress,  # type: ignore[arg-type]
        nat=nat,  # type: ignore[arg-type]
        subnets=subnets,
        nat_gateways=(azs if nat == "per-az" else 1) if egress == "nat-gateway" else 0,
        nat_instance_type="t4g.nano" if egress == "nat-instance" else None,
        tasks_in_public_subnets=egress == "public-ip",
    )


def _compute(kind: str) -> ComputeIR:
    if kind == "fargate":
        return ComputeIR("fargate", None, 0, 0, 0, None)
    return ComputeIR("ec2", "t3.micro", 1, 5, 70, 1)


def _endpoint(kind: str, extras: bool) -> EndpointIR:
    choice = ScaleChoiceIR(
        requested="standard" if kind == "api-gateway" else "hyperscale",
        endpoint=kind,  # type: ignore[arg-type]
        reason="requested",
        standard_monthly_usd=None,
        hyperscale_monthly_usd=None,
    )
    api = kind == "api-gateway" and extras
    return EndpointIR(
        type=kind,  # type: ignore[arg-type]
        choice=choice,
        throttling=ThrottlingIR(1000, 500) if api else None,
        cors=CorsIR(("https://example.com",), ("GET", "POST")) if api else None,
        authorizer=(
            AuthorizerIR("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC", ("cid",))
            if api
            else None
        ),
        domain=DomainIR("api.example.com", CERT_ARN, "Z123EXAMPLE") if extras else None,
        idle_timeout_seconds=60,
    )


def _stage(name: str, index: int, previous: str | None, **opts: Any) -> StageIR:
    secrets = (
        (SecretIR("API_KEY", SSM_ARN, "ssm"), SecretIR("DB_PASSWORD", SM_ARN, "secretsmanager"))
        if opts["secrets"]
        else ()
    )
    app = AppIR(
        port=8080,
        cpu=256,
        memory=512,
        health_check=HealthCheckIR("/ping", 30, 5, 2, 3, 60),
        command=(),
        environment=(("STAGE", name),),
        secrets=secrets,
        dockerfile="Dockerfile",
        build_context=".",
    )
    prefix = f"crud-api-{name}"
    return StageIR(
        name=name,
        index=index,
        approval=index > 0,
        previous_stage=previous,
        app=app,
        compute=_compute(opts["compute"]),
        scaling=ScalingIR(1, 1, 5, 75, 37, opts["policy"]),
        endpoint=_endpoint(opts["endpoint"], opts["extras"]),
        names=StageNamesIR(
            prefix=prefix,
            namespace=f"{prefix}.internal",
            service_discovery="app",
            load_balancer=prefix,
            target_group=prefix,
        ),
    )


def make_ir(
    *,
    endpoint: str = "api-gateway",
    compute: str = "ec2",
    egress: str = "nat-gateway",
    nat: str = "single",
    azs: int = 2,
    stages: tuple[str, ...] = ("dev",),
    policy: str = "step",
    extras: bool = False,
    secrets: bool = False,
    tags: tuple[tuple[str, str], ...] = (("team", "platform"),),
    emails: tuple[str, ...] = ("ops@example.com",),
) -> StackIR:
    """A StackIR of SPEC defaults with the given variations (extras: domain, CORS, JWT...)."""
    built = tuple(
        _stage(
            name,
            i,
            stages[i - 1] if i else None,
            compute=compute,
            endpoint=endpoint,
            policy=policy,
            extras=extras,
            secrets=secrets,
        )
        for i, name in enumerate(stages)
    )
    return StackIR(
        ir_version=1,
        name="crud-api",
        description="CRUD demo API",
        tags=tags,
        traffic=TrafficIR(100000, 8.0, 1.0, 60.0, ()),
        network=_network(egress, azs, nat),
        registry=RegistryIR(True, 25, ("latest", *stages)),
        source=SourceIR("github", "acme/crud-api", "main", None, None, None, None, True, False),
        pipeline=PipelineIR("repository", "small", "BUILD_GENERAL1_SMALL", "img", 30),
        alarms=AlarmsIR(emails),
        stages=built,
    )


def with_stage(ir: StackIR, **changes: Any) -> StackIR:
    """The IR with its first stage's fields replaced (e.g. scaling=ScalingIR(...))."""
    first = dataclasses.replace(ir.stages[0], **changes)
    return dataclasses.replace(ir, stages=(first, *ir.stages[1:]))


def resources(template: Template) -> dict[str, dict[str, Any]]:
    """The template's Resources section as plain data."""
    data: dict[str, dict[str, Any]] = json.loads(template.to_json())["Resources"]
    return data


def of_type(template: Template, kind: str) -> dict[str, dict[str, Any]]:
    """Resources of one CloudFormation type, by logical ID."""
    return {k: v for k, v in resources(template).items() if v["Type"] == kind}


@cache
def _lint_text(text: str) -> tuple[str, ...]:
    from cfnlint.api import lint

    matches = lint(text, regions=["us-east-1"])
    return tuple(f"{m.rule.id} {m.linenumber}: {m.message}" for m in matches)


def lint_problems(template: Template) -> tuple[str, ...]:
    """cfn-lint errors and warnings (not informational) on the rendered template."""
    found = _lint_text(render_template(template))
    return tuple(p for p in found if p[0] in "EW")
