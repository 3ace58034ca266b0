"""Hand-built StackIRs for the delivery tests (registry, pipeline, root), varied by keyword."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from typing import Any

import yaml
from troposphere import Template

from compiler.cfn.render import render_template, template_data
from compiler.ir.model import (
    AlarmsIR,
    AppIR,
    ComputeIR,
    EndpointIR,
    HealthCheckIR,
    NetworkIR,
    PipelineIR,
    RegistryIR,
    ScaleChoiceIR,
    ScalingIR,
    SourceIR,
    SourceProvider,
    StackIR,
    StageIR,
    StageNamesIR,
    SubnetIR,
    TrafficIR,
    WebhookIR,
)

_SIZES = {"small": "BUILD_GENERAL1_SMALL", "medium": "BUILD_GENERAL1_MEDIUM"}


def source_ir(
    provider: SourceProvider = "github",
    *,
    webhook: bool = False,
    connection_arn: str | None = None,
    bucket: str | None = None,
) -> SourceIR:
    """A source of the given provider, with the IR's derived flags set as lower() sets them."""
    if provider == "s3":
        hook = WebhookIR(
            "github",
            "acme/legacy",
            "main",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:gh-AbCdEf",
        )
        return SourceIR(
            "s3",
            None,
            "main",
            None,
            bucket,
            "crud-api/source.zip",
            hook if webhook else None,
            False,
            bucket is None,
        )
    return SourceIR(
        provider,
        "acme/crud-api",
        "main",
        connection_arn,
        None,
        None,
        None,
        connection_arn is None,
        False,
    )


def stage_ir(
    name: str,
    index: int,
    previous: str | None,
    *,
    approval: bool = False,
    endpoint: str = "api-gateway",
    compute: str = "ec2",
) -> StageIR:
    """One stage with the spec's defaults."""
    health = HealthCheckIR("/ping", 30, 5, 2, 3, 60)
    app = AppIR(80, 256, 512, health, (), (("STAGE", name),), (), "Dockerfile", ".")
    ec2 = compute == "ec2"
    comp = ComputeIR(
        "ec2" if ec2 else "fargate",
        "t3.micro" if ec2 else None,
        1 if ec2 else 0,
        5 if ec2 else 0,
        70,
        1 if ec2 else None,
    )
    choice = ScaleChoiceIR("standard", endpoint, "scale: standard", None, None)  # type: ignore[arg-type]
    ep = EndpointIR(endpoint, choice, None, None, None, None, 60)  # type: ignore[arg-type]
    prefix = f"crud-api-{name}"
    names = StageNamesIR(prefix, f"{prefix}.local", "app")
    return StageIR(
        name, index, approval, previous, app, comp, ScalingIR(1, 1, 5, 75, 37, "step"), ep, names
    )


def stack_ir(
    *,
    stages: tuple[str, ...] = ("dev",),
    approvals: tuple[str, ...] = (),
    source: SourceIR | None = None,
    buildspecs: str = "repository",
    emails: tuple[str, ...] = (),
    endpoint: str = "api-gateway",
    compute: str = "ec2",
    egress: str = "nat-gateway",
) -> StackIR:
    """A whole stack; every keyword mirrors one spec choice."""
    built = tuple(
        stage_ir(
            s,
            i,
            stages[i - 1] if i else None,
            approval=s in approvals,
            endpoint=endpoint,
            compute=compute,
        )
        for i, s in enumerate(stages)
    )
    subnets = (
        SubnetIR(0, "10.0.0.0/20", "10.0.128.0/20"),
        SubnetIR(1, "10.0.16.0/20", "10.0.144.0/20"),
    )
    network = NetworkIR(
        "10.0.0.0/16",
        2,
        egress,
        "single",
        subnets,  # type: ignore[arg-type]
        1 if egress == "nat-gateway" else 0,
        "t4g.nano" if egress == "nat-instance" else None,
        egress == "public-ip",
    )
    return StackIR(
        ir_version=1,
        name="crud-api",
        description="CRUD demo API",
        tags=(("team", "platform"),),
        traffic=TrafficIR(100000, 8.0, 1.0, 60.0, ()),
        network=network,
        registry=RegistryIR(True, 25, ("latest", *sorted(stages))),
        source=source or source_ir(),
        pipeline=PipelineIR(
            buildspecs,
            "small",
            _SIZES["small"],  # type: ignore[arg-type]
            "aws/codebuild/standard:7.0",
            30,
        ),
        alarms=AlarmsIR(emails),
        stages=built,
    )


def with_source(ir: StackIR, source: SourceIR) -> StackIR:
    """The same stack fed from another source."""
    return replace(ir, source=source)


def template_dict(template: Template) -> dict[str, Any]:
    """The template as plain data, exactly as it is written out."""
    return template_data(template)


def of_type(template: Template, kind: str) -> dict[str, dict[str, Any]]:
    """The resources of one CloudFormation type, by logical ID."""
    found = template_dict(template)["Resources"].items()
    return {name: body for name, body in found if body["Type"] == kind}


@cache
def lint_text(text: str) -> tuple[str, ...]:
    """cfn-lint errors and warnings (informational matches ignored) on one template text."""
    from cfnlint.api import lint

    return tuple(
        f"{m.rule.id} {m.message}"
        for m in lint(text, regions=["us-east-1"])
        if m.rule.id[0] in "EW"
    )


def lint_problems(template: Template) -> tuple[str, ...]:
    """cfn-lint errors and warnings on the rendered template."""
    return lint_text(render_template(template))


# CodeBuild sets these in every build.
# https://docs.aws.amazon.com/codebuild/latest/userguide/build-env-ref-env-vars.html
CODEBUILD_ENV = frozenset(
    {"AWS_REGION", "CODEBUILD_RESOLVED_SOURCE_VERSION", "CODEBUILD_BUILD_ID", "CODEBUILD_SRC_DIR"}
)
_SHELL_VARIABLES = frozenset({"SECONDS", "PWD", "IFS"})  # bash sets these itself
_USE = re.compile(r"\$\{?([A-Z][A-Z0-9_]*)(:-)?")
_ASSIGN = re.compile(r"(?<![\w$])([A-Z][A-Z0-9_]*)=")


def commands(buildspec: str) -> list[str]:
    """Every command of a buildspec, phase after phase."""
    doc = yaml.safe_load(buildspec)
    return [c for phase in doc["phases"].values() for c in phase["commands"]]


def required_env(buildspec: str) -> set[str]:
    """Upper-case variables a buildspec reads without a default and sets neither in its
    commands nor in env.variables."""
    body = "\n".join(commands(buildspec))
    used = {m.group(1) for m in _USE.finditer(body) if not m.group(2)}
    declared = set((yaml.safe_load(buildspec).get("env") or {}).get("variables") or {})
    return used - set(_ASSIGN.findall(body)) - declared - _SHELL_VARIABLES
