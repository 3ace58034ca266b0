"""`scale: auto` through the cost model, the crossover solver and the cheaper options."""

from __future__ import annotations

from dataclasses import replace

import pytest
from cost_specs import REFERENCE_TRAFFIC, lowered

from compiler.cost.crossover import price_gap, solve_crossover
from compiler.cost.estimate import estimate_cost
from compiler.cost.options import cheaper_options
from compiler.cost.prices import builtin_prices

PRICES = builtin_prices()


def test_auto_is_api_gateway_at_20000_requests() -> None:
    (stage,) = lowered(scale="auto", traffic={"requests_per_month": 20_000}).stages
    choice = stage.endpoint.choice
    assert stage.endpoint.type == "api-gateway" == choice.endpoint
    assert choice.requested == "auto"
    assert choice.standard_monthly_usd is not None and choice.hyperscale_monthly_usd is not None
    assert choice.standard_monthly_usd < choice.hyperscale_monthly_usd
    assert choice.reason == (
        f"auto: api-gateway at ${choice.standard_monthly_usd:.2f}/month vs alb at "
        f"${choice.hyperscale_monthly_usd:.2f}/month for 20,000 requests/month"
    )


def test_auto_is_alb_at_450_million_requests() -> None:
    (stage,) = lowered(scale="auto", traffic={"requests_per_month": 450_000_000}).stages
    assert stage.endpoint.type == "alb" == stage.endpoint.choice.endpoint
    assert stage.endpoint.choice.reason.startswith("auto: alb at $")
    assert stage.endpoint.throttling is None  # API Gateway-only settings dropped


def test_auto_prices_match_the_estimate_of_each_scale() -> None:
    (auto,) = lowered(scale="auto").stages
    (standard,) = estimate_cost(lowered(scale="standard"), PRICES).stages
    (hyper,) = estimate_cost(lowered(scale="hyperscale"), PRICES).stages
    assert auto.endpoint.choice.standard_monthly_usd == round(standard.monthly_usd, 2)
    assert auto.endpoint.choice.hyperscale_monthly_usd == round(hyper.monthly_usd, 2)


def test_an_explicit_endpoint_type_is_not_priced() -> None:
    (stage,) = lowered(scale="auto", endpoint={"type": "alb"}).stages
    assert stage.endpoint.type == "alb"
    assert stage.endpoint.choice.standard_monthly_usd is None


def test_auto_flips_exactly_at_the_solved_crossover() -> None:
    ir = lowered(scale="auto")
    crossover = solve_crossover(ir, ir.stages[0], PRICES, ir.traffic)
    assert crossover.requests_per_month is not None
    for requests, expected in (
        (crossover.requests_per_month - 1, "api-gateway"),
        (crossover.requests_per_month, "alb"),
    ):
        (stage,) = lowered(scale="auto", traffic={"requests_per_month": requests}).stages
        assert stage.endpoint.type == expected


def test_crossover_sits_where_the_price_gap_changes_sign() -> None:
    ir = lowered(traffic=REFERENCE_TRAFFIC)
    at = solve_crossover(ir, ir.stages[0], PRICES, ir.traffic).requests_per_month
    assert at is not None
    assert price_gap(ir, ir.stages[0], PRICES, ir.traffic, at - 1) <= 0
    assert price_gap(ir, ir.stages[0], PRICES, ir.traffic, at) > 0


def test_no_crossover_when_each_request_costs_the_alb_more_than_the_http_api() -> None:
    # 1 MB responses: ~0.95 processed-bytes LCU-hours per million requests an hour,
    # about $7.60 per million requests, more than the HTTP API's $1.00.
    ir = lowered(traffic={"avg_response_kb": 1000})
    crossover = solve_crossover(ir, ir.stages[0], PRICES, ir.traffic)
    assert crossover.requests_per_month is None
    assert (crossover.cheaper_below, crossover.cheaper_above) == ("api-gateway", None)


def test_the_crossover_moves_with_the_price_table() -> None:
    ir = lowered()
    base = solve_crossover(ir, ir.stages[0], PRICES, ir.traffic).requests_per_month
    dearer = replace(
        PRICES.prices["alb_hour"], tiers=(replace(PRICES.prices["alb_hour"].tiers[0], usd=0.045),)
    )
    table = replace(PRICES, prices={**PRICES.prices, "alb_hour": dearer})
    moved = solve_crossover(ir, ir.stages[0], table, ir.traffic).requests_per_month
    assert base is not None and moved is not None
    # Each million requests costs the HTTP API $1.00 plus its access log lines (0.25 KB each,
    # ingested at $0.50/GB and kept 3 months at $0.03/GB) and the ALB its LCUs ($0.0889).
    logs = 0.25e6 / 1024**2 * (0.50 + 3 * 0.03)
    per_million = 1.00 + logs - 0.008 / (3600 * 25) * 1e6
    assert moved == pytest.approx(base + 16.425 / per_million * 1e6, rel=0.001)


def test_options_offer_the_nat_instance_with_its_saving() -> None:
    ir = lowered()
    options = {o.change: o for o in cheaper_options(ir, PRICES, ir.traffic)}
    nat = options["network.egress: nat-instance"]
    total = estimate_cost(ir, PRICES).monthly_usd
    assert nat.saving_usd == pytest.approx(total - nat.monthly_usd)
    # NAT gateway + its address + the GB it processes (0.25 KB of logs and 2 KB of outbound
    # calls per request) against a t3.nano, its address and disk ($8.09)
    processed = 100_000 * (0.25 + 2) / 1024**2 * 0.045
    saving = 32.85 + 3.65 + processed - 3.796 - 3.65 - 0.64
    assert nat.saving_usd == pytest.approx(saving, abs=0.005)
    assert next(iter(options)) == "network.egress: nat-instance"  # the largest saving first


def test_options_move_ec2_to_fargate_only_at_a_fargate_size() -> None:
    fits = {o.change for o in cheaper_options(lowered(), PRICES, lowered().traffic)}
    assert "stages.dev.compute.type: fargate" in fits  # 256 CPU / 512 MiB is a Fargate size
    odd = lowered(app={"cpu": 256, "memory": 600}, compute={"instance_type": "t3.small"})
    changes = {o.change for o in cheaper_options(odd, PRICES, odd.traffic)}
    assert not any("fargate" in change for change in changes)


def test_options_suggest_a_cheaper_instance_that_still_places_the_tasks() -> None:
    ir = lowered(compute={"instance_type": "t3.micro"})
    options = {o.change: o for o in cheaper_options(ir, PRICES, ir.traffic)}
    t3a = options["stages.dev.compute.instance_type: t3a.micro"]
    assert t3a.saving_usd == pytest.approx((0.0104 - 0.0094) * 730, abs=0.01)


def test_options_never_include_public_ip_egress_with_ec2() -> None:
    ir = lowered()
    assert all("public-ip" not in o.change for o in cheaper_options(ir, PRICES, ir.traffic))
    fargate = lowered(compute={"type": "fargate"})
    changes = {o.change for o in cheaper_options(fargate, PRICES, fargate.traffic)}
    assert "network.egress: public-ip" in changes
