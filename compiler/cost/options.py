"""Cheaper configurations the spec could take, each priced as a whole stack.

Every option is a changed copy of the IR run through the same estimator, so the
saving counts everything the change touches (NAT addresses, alarms, free tiers).
Only changes the spec language can express are offered, and only valid ones: an EC2
stage moves to Fargate only at a Fargate size, Fargate moves to the cheapest instance
type that places its tasks, public-ip egress only when every stage is on Fargate, and a
store size only when it is at least as large (data_options.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from compiler.cost.data_options import data_variants
from compiler.cost.estimate import estimate_cost, with_endpoint
from compiler.cost.prices import PriceTable
from compiler.data.capacity import (
    capacity_of,
    default_instances_max,
    instances_needed,
    tasks_per_instance,
)
from compiler.ir.model import ComputeIR, EndpointType, StackIR, StageIR, TrafficIR

MIN_SAVING_USD = 0.01


@dataclass(frozen=True)
class Option:
    change: str  # what to write in the spec, e.g. "network.egress: nat-instance"
    monthly_usd: float  # the whole stack's monthly price with the change
    saving_usd: float  # against the spec as written


def cheaper_options(ir: StackIR, prices: PriceTable, traffic: TrafficIR) -> list[Option]:
    """Changes that lower the monthly total, largest saving first."""
    current = estimate_cost(ir, prices, traffic).monthly_usd
    options = []
    for change, variant in _variants(ir, prices):
        total = estimate_cost(variant, prices, traffic).monthly_usd
        if current - total >= MIN_SAVING_USD:
            options.append(Option(change, total, current - total))
    return sorted(options, key=lambda o: (-o.saving_usd, o.change))


def _variants(ir: StackIR, prices: PriceTable) -> Iterator[tuple[str, StackIR]]:
    yield from _network_variants(ir)
    for stage in ir.stages:
        yield from _stage_variants(ir, stage, prices)


def _network_variants(ir: StackIR) -> Iterator[tuple[str, StackIR]]:
    from compiler.ir.lower import NAT_INSTANCE_TYPE  # the type lowering gives a NAT instance

    net = ir.network
    if net.egress == "nat-gateway":
        nat_instance = replace(
            net, egress="nat-instance", nat_gateways=0, nat_instance_type=NAT_INSTANCE_TYPE
        )
        yield "network.egress: nat-instance", replace(ir, network=nat_instance)
        if net.nat == "per-az":
            yield (
                "network.nat: single",
                replace(ir, network=replace(net, nat="single", nat_gateways=1)),
            )
    if net.egress != "public-ip" and all(s.compute.type == "fargate" for s in ir.stages):
        public = replace(
            net,
            egress="public-ip",
            nat_gateways=0,
            nat_instance_type=None,
            tasks_in_public_subnets=True,
        )
        yield "network.egress: public-ip", replace(ir, network=public)


def _stage_variants(
    ir: StackIR, stage: StageIR, prices: PriceTable
) -> Iterator[tuple[str, StackIR]]:
    where = f"stages.{stage.name}"
    other: EndpointType = "alb" if stage.endpoint.type == "api-gateway" else "api-gateway"
    scale = "hyperscale" if other == "alb" else "standard"
    yield f"{where}.scale: {scale}", _with_stage(ir, with_endpoint(stage, other))
    if stage.compute.type == "ec2" and _is_fargate_size(stage.app.cpu, stage.app.memory):
        yield f"{where}.compute.type: fargate", _with_stage(ir, _on_fargate(stage))
    if stage.compute.type == "ec2" or not ir.network.tasks_in_public_subnets:
        cheapest = _cheapest_instance_type(stage, prices)
        if cheapest is not None and cheapest.instance_type != stage.compute.instance_type:
            change = f"{where}.compute: {{type: ec2, instance_type: {cheapest.instance_type}}}"
            if stage.compute.type == "ec2":
                change = f"{where}.compute.instance_type: {cheapest.instance_type}"
            yield change, _with_stage(ir, replace(stage, compute=cheapest))
    for change, varied in data_variants(stage, prices):
        yield change, _with_stage(ir, varied)


def _with_stage(ir: StackIR, stage: StageIR) -> StackIR:
    return replace(ir, stages=tuple(stage if s.index == stage.index else s for s in ir.stages))


def _is_fargate_size(cpu: int, memory: int) -> bool:
    from compiler.data.tables import fargate_sizes

    size = fargate_sizes().get(cpu)
    return size is not None and memory in size.memory_mib


def _on_fargate(stage: StageIR) -> StageIR:
    compute = ComputeIR(
        type="fargate",
        instance_type=None,
        instances_min=0,
        instances_max=0,
        target_capacity_percent=stage.compute.target_capacity_percent,
        tasks_per_instance=None,
    )
    return replace(stage, compute=compute)


def _cheapest_instance_type(stage: StageIR, prices: PriceTable) -> ComputeIR | None:
    """The current-generation type placing the stage's tasks for the least per month."""
    from compiler.data.tables import instance_types

    root_volume = prices.price("ebs_gp3_gb_month").charge(prices.assume("ecs_root_volume_gib"))
    best: tuple[float, str, ComputeIR] | None = None
    for name, info in sorted(instance_types().items()):
        rate = prices.ec2_hourly.get(name)
        if rate is None or not info.current_generation:
            continue
        per = tasks_per_instance(capacity_of(info), stage.app.cpu, stage.app.memory)
        if per < 1:
            continue
        floor = stage.compute.instances_min if stage.compute.type == "ec2" else 1
        instances = max(floor, instances_needed(stage.scaling.desired, per) or 0)
        compute = ComputeIR(
            type="ec2",
            instance_type=name,
            instances_min=instances,
            instances_max=default_instances_max(stage.scaling.max, per, instances),
            target_capacity_percent=stage.compute.target_capacity_percent,
            tasks_per_instance=per,
        )
        # Each instance carries its root volume, so a pricier type can still win on count.
        monthly = instances * (rate * prices.hours_per_month + root_volume)
        candidate = (monthly, name, compute)
        if best is None or candidate[:2] < best[:2]:
            best = candidate
    return None if best is None else best[2]
