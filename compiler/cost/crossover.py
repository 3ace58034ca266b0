"""The crossover: the request volume where a stage costs the same behind either front door.

Solved, not looked up: the traffic's shape (every peak in proportion to requests) is
scaled along the request axis and the gap between the two stage prices is bisected
to the request. Both prices are piecewise linear in requests, so the gap changes sign
at most where a tier or dimension changes; none within 10^13 requests means one front
door stays cheaper at every volume of this shape.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from compiler.cost.estimate import (
    estimate_cost,
    estimate_stage,
    stage_traffic,
    with_endpoint,
    with_endpoint_everywhere,
)
from compiler.cost.prices import PriceTable
from compiler.cost.traffic import scaled_shape
from compiler.ir.model import EndpointType, StackIR, StageIR, TrafficIR

SEARCH_START = 1_000_000
SEARCH_LIMIT = 10**13


@dataclass(frozen=True)
class Crossover:
    """Where the cheaper front door changes for a stage or the stack (None: it never does)."""

    stage: str  # the stage's name, or the stack's for the whole-stack crossover
    requests_per_month: int | None
    cheaper_below: EndpointType
    cheaper_above: EndpointType | None


def price_gap(
    ir: StackIR, stage: StageIR, prices: PriceTable, traffic: TrafficIR, requests: int
) -> float:
    """Standard minus hyperscale monthly price of the stage at `requests` of its shape."""
    load = scaled_shape(stage_traffic(stage, traffic), requests, prices.hours_per_month)
    scaled = replace(stage, traffic=load)
    standard = estimate_stage(ir, with_endpoint(scaled, "api-gateway"), prices, load)
    hyper = estimate_stage(ir, with_endpoint(scaled, "alb"), prices, load)
    return standard.monthly_usd - hyper.monthly_usd


def stack_price_gap(ir: StackIR, prices: PriceTable, traffic: TrafficIR, requests: int) -> float:
    """Standard minus hyperscale monthly total of the whole stack (every stage switched)
    at `requests` of the stack's profile (stages with their own traffic keep it)."""
    load = scaled_shape(traffic, requests, prices.hours_per_month)
    standard = estimate_cost(with_endpoint_everywhere(ir, "api-gateway"), prices, load)
    hyper = estimate_cost(with_endpoint_everywhere(ir, "alb"), prices, load)
    return standard.monthly_usd - hyper.monthly_usd


def solve_crossover(
    ir: StackIR, stage: StageIR, prices: PriceTable, traffic: TrafficIR
) -> Crossover:
    """The smallest request count at which the other front door is cheaper for a stage."""
    return _solve(stage.name, lambda r: price_gap(ir, stage, prices, traffic, r))


def solve_stack_crossover(ir: StackIR, prices: PriceTable, traffic: TrafficIR) -> Crossover:
    """The same for the whole stack, every stage behind one front door, along the stack's
    `traffic` (what `--requests` sets and the plot draws)."""
    return _solve(ir.name, lambda r: stack_price_gap(ir, prices, traffic, r))


def _solve(name: str, gap: Callable[[int], float]) -> Crossover:
    below: EndpointType = "api-gateway" if gap(0) <= 0 else "alb"
    above: EndpointType = "alb" if below == "api-gateway" else "api-gateway"

    def flipped(requests: int) -> bool:
        value = gap(requests)
        return value > 0 if below == "api-gateway" else value < 0

    high = SEARCH_START
    while not flipped(high):
        if high >= SEARCH_LIMIT:
            return Crossover(name, None, below, None)
        high *= 2
    low = 0
    while high - low > 1:
        middle = (low + high) // 2
        if flipped(middle):
            high = middle
        else:
            low = middle
    return Crossover(name, high, below, above)
