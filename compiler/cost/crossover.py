"""The crossover: the request volume where a stage costs the same behind either front door.

Solved, not looked up: the traffic's shape (every peak in proportion to requests) is
scaled along the request axis and the gap between the two stage prices is bisected
to the request. Both prices are piecewise linear in requests, so the gap changes sign
at most where a tier or dimension changes; none within 10^13 requests means one front
door stays cheaper at every volume of this shape.
"""

from __future__ import annotations

from dataclasses import dataclass

from compiler.cost.estimate import estimate_stage, with_endpoint
from compiler.cost.prices import PriceTable
from compiler.cost.traffic import scaled_shape
from compiler.ir.model import EndpointType, StackIR, StageIR, TrafficIR

SEARCH_START = 1_000_000
SEARCH_LIMIT = 10**13


@dataclass(frozen=True)
class Crossover:
    """Where the cheaper front door changes for one stage (None: it never does)."""

    stage: str
    requests_per_month: int | None
    cheaper_below: EndpointType
    cheaper_above: EndpointType | None


def price_gap(
    ir: StackIR, stage: StageIR, prices: PriceTable, traffic: TrafficIR, requests: int
) -> float:
    """Standard minus hyperscale monthly price of the stage at `requests` of this shape."""
    load = scaled_shape(traffic, requests, prices.hours_per_month)
    standard = estimate_stage(ir, with_endpoint(stage, "api-gateway"), prices, load)
    hyper = estimate_stage(ir, with_endpoint(stage, "alb"), prices, load)
    return standard.monthly_usd - hyper.monthly_usd


def solve_crossover(
    ir: StackIR, stage: StageIR, prices: PriceTable, traffic: TrafficIR
) -> Crossover:
    """The smallest request count at which the other front door is cheaper."""
    low_gap = price_gap(ir, stage, prices, traffic, 0)
    below: EndpointType = "api-gateway" if low_gap <= 0 else "alb"
    above: EndpointType = "alb" if below == "api-gateway" else "api-gateway"

    def flipped(requests: int) -> bool:
        gap = price_gap(ir, stage, prices, traffic, requests)
        return gap > 0 if below == "api-gateway" else gap < 0

    high = SEARCH_START
    while not flipped(high):
        if high >= SEARCH_LIMIT:
            return Crossover(stage.name, None, below, None)
        high *= 2
    low = 0
    while high - low > 1:
        middle = (low + high) // 2
        if flipped(middle):
            high = middle
        else:
            low = middle
    return Crossover(stage.name, high, below, above)
