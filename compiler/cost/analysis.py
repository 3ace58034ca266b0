"""Everything `tsc cost` reports, computed once as data: the estimate as specified, the
stack at each scale, the crossover per stage, the autoscaling ceiling, cheaper options
and the one-line recommendation. Rendering lives in `report`."""

from __future__ import annotations

from dataclasses import dataclass, replace

from compiler.cost.choice import choose_endpoint, settle_endpoint
from compiler.cost.crossover import Crossover, solve_crossover, solve_stack_crossover
from compiler.cost.estimate import (
    Estimate,
    StageEstimate,
    estimate_cost,
    scaled_out,
    with_endpoint_everywhere,
)
from compiler.cost.options import Option, cheaper_options
from compiler.cost.prices import PriceTable
from compiler.cost.traffic import LcuUsage, lcu_usage
from compiler.ir.model import StackIR, TrafficIR


@dataclass(frozen=True)
class CostReport:
    ir: StackIR  # as priced (open `scale: auto` choices made for its traffic)
    prices: PriceTable
    estimate: Estimate  # as specified
    standard: Estimate  # every stage behind an HTTP API
    hyperscale: Estimate  # every stage behind an ALB
    lcu: LcuUsage
    crossovers: tuple[Crossover, ...]  # per stage
    stack_crossover: Crossover  # every stage switched together
    ceilings: tuple[StageEstimate, ...]  # each stage at scaling.max
    options: tuple[Option, ...]
    recommendation: str


def retarget(ir: StackIR, traffic: TrafficIR, prices: PriceTable) -> StackIR:
    """The IR at another traffic profile or price table: open `scale: auto` choices are
    made again (an explicit endpoint type never changes)."""
    stages = []
    for stage in ir.stages:
        if stage.endpoint.choice.open:
            stage = settle_endpoint(
                stage, choose_endpoint(ir, stage, prices=prices, traffic=traffic)
            )
        stages.append(stage)
    return replace(ir, traffic=traffic, stages=tuple(stages))


def analyze(ir: StackIR, prices: PriceTable) -> CostReport:
    """The full cost report of an IR at its own traffic profile."""
    traffic = ir.traffic
    estimate = estimate_cost(ir, prices, traffic)
    standard = estimate_cost(with_endpoint_everywhere(ir, "api-gateway"), prices, traffic)
    hyperscale = estimate_cost(with_endpoint_everywhere(ir, "alb"), prices, traffic)
    crossovers = tuple(solve_crossover(ir, stage, prices, traffic) for stage in ir.stages)
    stack_crossover = solve_stack_crossover(ir, prices, traffic)
    options = tuple(cheaper_options(ir, prices, traffic))
    return CostReport(
        ir=ir,
        prices=prices,
        estimate=estimate,
        standard=standard,
        hyperscale=hyperscale,
        lcu=lcu_usage(traffic, prices),
        crossovers=crossovers,
        stack_crossover=stack_crossover,
        ceilings=tuple(scaled_out(ir, stage, prices, traffic) for stage in ir.stages),
        options=options,
        recommendation=recommend(estimate, standard, hyperscale, stack_crossover, options),
    )


def recommend(
    estimate: Estimate,
    standard: Estimate,
    hyperscale: Estimate,
    crossover: Crossover,
    options: tuple[Option, ...],
) -> str:
    """One line: which scale to run at this traffic, and the biggest saving on offer."""
    requests = f"{estimate.traffic.requests_per_month:,} requests/month"
    cheaper, dearer = (standard, hyperscale)
    names = ("standard", "hyperscale")
    if hyperscale.monthly_usd < standard.monthly_usd:
        cheaper, dearer = hyperscale, standard
        names = ("hyperscale", "standard")
    line = (
        f"at {requests}, {names[0]} costs ${cheaper.monthly_usd:,.2f}/month against "
        f"${dearer.monthly_usd:,.2f} for {names[1]}"
    )
    if crossover.requests_per_month is not None:
        line += f"; the scales cross at {crossover.requests_per_month:,} requests/month"
    else:
        line += f"; {crossover.cheaper_below} stays cheaper at every volume of this shape"
    if options:
        best = options[0]
        line += f"; biggest saving: {best.change} (-${best.saving_usd:,.2f}/month)"
    return line[0].upper() + line[1:] + "."
