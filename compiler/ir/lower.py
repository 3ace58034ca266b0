"""Lowering: a resolved spec becomes the StackIR, every decision made.

Applies the derived defaults (the schema holds the plain ones), resolves `scale`
to an endpoint type (`auto` is left open for the cost pass, compiler.cost.choice),
carves the VPC range into subnets, names what AWS makes us name and does the
capacity math. Lowering never imports the cost model.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Mapping
from typing import Any

from compiler.ir.lower_stage import lower_stage
from compiler.ir.lower_traffic import lower_traffic
from compiler.ir.model import (
    IR_VERSION,
    AlarmsIR,
    BudgetIR,
    NetworkIR,
    PipelineIR,
    RegistryIR,
    SourceIR,
    StackIR,
    SubnetIR,
    WebhookIR,
)
from compiler.spec.resolve import ResolvedSpec

NAT_INSTANCE_TYPE = "t3.nano"  # smallest current-generation x86 type: NAT needs little
KEEP_UNTAGGED_IMAGES = 25
# With a budget, every resource carries this tag (the stack's name): the budget's filter.
BUDGET_TAG = "tinystack-stack"
CODEBUILD_COMPUTE = {
    "small": "BUILD_GENERAL1_SMALL",
    "medium": "BUILD_GENERAL1_MEDIUM",
    "large": "BUILD_GENERAL1_LARGE",
}


def lower(spec: ResolvedSpec) -> StackIR:
    """The StackIR of a resolved, checked spec."""
    data = spec.data
    name = str(data["name"])
    stage_names = tuple(stage.name for stage in spec.stages)
    alarms = data["alarms"]
    tags, budget = _tags_and_budget(data["tags"], alarms.get("monthly_budget"), name)
    return StackIR(
        ir_version=IR_VERSION,
        name=name,
        description=str(data.get("description") or f"tinystack stack {name}"),
        tags=tags,
        traffic=lower_traffic(data["traffic"]),
        network=_network(data["network"]),
        registry=RegistryIR(
            scan_on_push=True,
            keep_untagged_images=KEEP_UNTAGGED_IMAGES,
            protected_tags=("latest", *stage_names),
        ),
        source=_source(name, data.get("source")),
        pipeline=_pipeline(data["pipeline"]),
        alarms=AlarmsIR(emails=tuple(alarms["emails"]), monthly_budget=budget),
        stages=tuple(
            lower_stage(name, stage, spec.stages[i - 1].name if i else None)
            for i, stage in enumerate(spec.stages)
        ),
    )


def _tags_and_budget(
    written: Mapping[str, Any], budget: Any, name: str
) -> tuple[tuple[tuple[str, str], ...], BudgetIR | None]:
    """The stack's tags and `alarms.monthly_budget`; a budget adds the tag it filters on
    (a `tinystack-stack` the spec writes itself is kept). `auto` stays open for the cost
    pass (compiler.cost.budget)."""
    tags = {str(k): str(v) for k, v in written.items()}
    if budget is None:
        return tuple(sorted(tags.items())), None
    tag = (BUDGET_TAG, tags.setdefault(BUDGET_TAG, name))
    if budget == "auto":
        result = BudgetIR("auto", 0.0, "auto: the estimate x 1.25", tag)
    else:
        result = BudgetIR(float(budget), float(budget), "alarms.monthly_budget", tag)
    return tuple(sorted(tags.items())), result


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
