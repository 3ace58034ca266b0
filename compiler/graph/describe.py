"""IR -> ArchitectureGraph: the whole stack, or one stage of it, with labels carrying the
decisions and the monthly estimate of `compiler.cost` per stage and for the shared part."""

from __future__ import annotations

from compiler.cost.estimate import estimate_cost
from compiler.cost.prices import load_prices
from compiler.graph.delivery import pipeline_parts, source_parts
from compiler.graph.model import ArchitectureGraph, Component, Flow, Group
from compiler.graph.network import network_group
from compiler.graph.runtime import STAGE_PARTS
from compiler.ir.model import StackIR, StageIR


class UnknownStage(ValueError):
    """`--stage` names no stage of the stack; the message is one line for the user."""


def describe_stack(ir: StackIR, stage: str | None = None) -> ArchitectureGraph:
    """The picture of `ir`: every stage, or only `stage` (with the shared parts)."""
    stages = _chosen(ir, stage)
    estimate = estimate_cost(ir, load_prices(None))
    monthly = {s.name: s.monthly_usd for s in estimate.stages}
    outside, (source, source_flows) = source_parts(ir.source)
    delivery, delivery_flows = pipeline_parts(ir, stages)
    network, network_flows = network_group(ir.network, stages)
    groups, flows = [], [*source_flows, *delivery_flows]
    for s in stages:
        group, stage_flows = _stage_group(ir, s, monthly[s.name])
        groups.append(group)
        flows += stage_flows
    total = estimate.shared_usd + sum(monthly[s.name] for s in stages)
    shared = f"delivery (shared: ${estimate.shared_usd:,.2f}/month)"
    return ArchitectureGraph(
        title=f"{ir.name}: {_stages_line(stages)}, ${total:,.2f}/month",
        components=(Component("clients", "clients", ("clients",)), *outside),
        groups=(Group("delivery", shared, (*source, *delivery)), *groups, network),
        flows=(*flows, *network_flows),
    )


def _chosen(ir: StackIR, stage: str | None) -> tuple[StageIR, ...]:
    if stage is None:
        return ir.stages
    chosen = tuple(s for s in ir.stages if s.name == stage)
    if not chosen:
        names = ", ".join(f"'{s.name}'" for s in ir.stages)
        raise UnknownStage(f"--stage: '{stage}' is not a stage of '{ir.name}'; stages: {names}")
    return chosen


def _stages_line(stages: tuple[StageIR, ...]) -> str:
    return f"stage {stages[0].name}" if len(stages) == 1 else f"{len(stages)} stages"


def _stage_group(ir: StackIR, stage: StageIR, monthly_usd: float) -> tuple[Group, list[Flow]]:
    components: list[Component] = []
    flows: list[Flow] = []
    for part in STAGE_PARTS:
        more, more_flows = part(ir, stage)
        components += more
        flows += more_flows
    approval = ", after approval" if stage.approval else ""
    label = f"stage {stage.name}{approval}: ${monthly_usd:,.2f}/month"
    return Group(f"stage_{stage.name}", label, tuple(components)), flows
