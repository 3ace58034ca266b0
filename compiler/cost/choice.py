"""`scale: auto`: the front door that costs less for the stack's traffic.

Lowering leaves a stage whose scale is `auto` and whose endpoint type is not set open
(`ScaleChoiceIR.open`); `settle_auto_endpoints`, a pass after lowering, prices each such
stage with `choose_endpoint` and puts the choice into its EndpointIR.
The whole stage is compared (front door, its public addresses, alarms, Cloud Map),
not only the request charge. A tie goes to api-gateway, the standard scale.
"""

from __future__ import annotations

from dataclasses import replace

from compiler.cost.estimate import estimate_stage, stage_traffic, with_endpoint
from compiler.cost.prices import PriceTable, builtin_prices
from compiler.ir.model import EndpointType, ScaleChoiceIR, StackIR, StageIR, TrafficIR


def choose_endpoint(
    ir: StackIR,
    stage: StageIR,
    *,
    prices: PriceTable | None = None,
    traffic: TrafficIR | None = None,
) -> ScaleChoiceIR:
    """Price the stage behind an HTTP API and behind an ALB at its own traffic (else
    `traffic`, else the stack's); return the cheaper."""
    table = builtin_prices() if prices is None else prices
    load = stage_traffic(stage, ir.traffic if traffic is None else traffic)
    standard = estimate_stage(ir, with_endpoint(stage, "api-gateway"), table, load).monthly_usd
    hyper = estimate_stage(ir, with_endpoint(stage, "alb"), table, load).monthly_usd
    cheaper_alb = hyper < standard  # compared unrounded, so the flip is at the crossover
    standard, hyper = round(standard, 2), round(hyper, 2)
    requests = f"{load.requests_per_month:,} requests/month"
    if cheaper_alb:
        endpoint: EndpointType = "alb"
        reason = f"auto: alb at ${hyper:.2f}/month vs api-gateway at ${standard:.2f}/month"
    else:
        endpoint = "api-gateway"
        reason = f"auto: api-gateway at ${standard:.2f}/month vs alb at ${hyper:.2f}/month"
    return ScaleChoiceIR(
        requested="auto",
        endpoint=endpoint,
        reason=f"{reason} for {requests}",
        standard_monthly_usd=standard,
        hyperscale_monthly_usd=hyper,
        open=True,
    )


def settle_endpoint(stage: StageIR, choice: ScaleChoiceIR) -> StageIR:
    """The stage behind the chosen front door; API Gateway-only settings go with an ALB."""
    endpoint = replace(stage.endpoint, type=choice.endpoint, choice=choice)
    if choice.endpoint == "alb":
        endpoint = replace(endpoint, throttling=None, cors=None, authorizer=None)
    return replace(stage, endpoint=endpoint)


def settle_auto_endpoints(ir: StackIR) -> StackIR:
    """The IR with every open `scale: auto` stage behind the front door that costs less."""
    stages = tuple(
        settle_endpoint(stage, choose_endpoint(ir, stage)) if stage.endpoint.choice.open else stage
        for stage in ir.stages
    )
    return replace(ir, stages=stages)
