"""The monthly estimate of a whole stack: line items per stage, shared items, total.

Steady state: each stage runs its `desired` tasks on as many instances as placing them
takes (never fewer than `instances.min`). `scaled_out` prices a stage at `scaling.max`,
the ceiling autoscaling can reach.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from compiler.cost.counts import alarms_created, instances_for, placeable_tasks, steady_tasks
from compiler.cost.lines import LineItem
from compiler.cost.prices import PriceTable
from compiler.cost.shared_items import shared_items
from compiler.cost.stage_items import stage_items
from compiler.ir.model import EndpointType, StackIR, StageIR, TrafficIR


@dataclass(frozen=True)
class StageEstimate:
    name: str
    endpoint: EndpointType
    compute: str
    tasks: int
    instances: int
    alarms: int
    traffic: TrafficIR
    items: tuple[LineItem, ...]

    @property
    def monthly_usd(self) -> float:
        return sum(item.monthly_usd for item in self.items)


@dataclass(frozen=True)
class Estimate:
    stack: str
    traffic: TrafficIR
    stages: tuple[StageEstimate, ...]
    shared: tuple[LineItem, ...]

    @property
    def shared_usd(self) -> float:
        return sum(item.monthly_usd for item in self.shared)

    @property
    def monthly_usd(self) -> float:
        return sum(stage.monthly_usd for stage in self.stages) + self.shared_usd


def estimate_stage(
    ir: StackIR,
    stage: StageIR,
    prices: PriceTable,
    traffic: TrafficIR,
    tasks: int | None = None,
) -> StageEstimate:
    """One stage's line items at its own traffic (else `traffic`, the stack's profile),
    with `tasks` tasks (default: steady state)."""
    count = steady_tasks(stage) if tasks is None else tasks
    load = stage_traffic(stage, traffic)
    return StageEstimate(
        name=stage.name,
        endpoint=stage.endpoint.type,
        compute=stage.compute.instance_type or "fargate",
        tasks=count,
        instances=instances_for(stage, count),
        alarms=alarms_created(stage).billed,
        traffic=load,
        items=tuple(stage_items(stage, ir.network, load, prices, count)),
    )


def stage_traffic(stage: StageIR, traffic: TrafficIR) -> TrafficIR:
    """The load a stage is priced at: its own `traffic`, else the stack's profile."""
    return traffic if stage.traffic is None else stage.traffic


def estimate_cost(ir: StackIR, prices: PriceTable, traffic: TrafficIR | None = None) -> Estimate:
    """The monthly estimate of everything `tsc compile` emits for `ir`."""
    load = ir.traffic if traffic is None else traffic
    stages = tuple(estimate_stage(ir, stage, prices, load) for stage in ir.stages)
    credited: dict[str, float] = {}
    for item in (item for stage in stages for item in stage.items if item.credited):
        credited[item.credited] = credited.get(item.credited, 0.0) + item.quantity
    return Estimate(
        stack=ir.name,
        traffic=load,
        stages=stages,
        shared=tuple(shared_items(ir, prices, credited)),
    )


def scaled_out(
    ir: StackIR, stage: StageIR, prices: PriceTable, traffic: TrafficIR
) -> StageEstimate:
    """The stage at its autoscaling ceiling: `scaling.max` tasks all month, as many as
    `instances.max` instances place."""
    tasks = placeable_tasks(stage, stage.scaling.max)
    return estimate_stage(ir, stage, prices, traffic, tasks=tasks)


def with_endpoint(stage: StageIR, endpoint: EndpointType) -> StageIR:
    """The stage with another front door (for comparing the two scales)."""
    return replace(stage, endpoint=replace(stage.endpoint, type=endpoint))


def with_endpoint_everywhere(ir: StackIR, endpoint: EndpointType) -> StackIR:
    """The whole stack at one scale: every stage behind `endpoint`."""
    return replace(ir, stages=tuple(with_endpoint(s, endpoint) for s in ir.stages))
