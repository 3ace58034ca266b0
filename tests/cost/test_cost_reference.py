"""The reference text's worked figures ("Cost of a TinyStacks Stack"), reproduced from the
price table, with where the text rounds. The text's prices are from July 2021."""

from __future__ import annotations

from dataclasses import replace

import pytest
from cost_specs import REFERENCE_NEW_PER_SECOND, REFERENCE_REQUESTS, REFERENCE_TRAFFIC, lowered

from compiler.cost.crossover import solve_crossover
from compiler.cost.estimate import estimate_cost
from compiler.cost.lines import LineItem
from compiler.cost.prices import builtin_prices
from compiler.cost.traffic import lcu_usage

PRICES = builtin_prices()


def item(items: tuple[LineItem, ...], prefix: str) -> list[LineItem]:
    return [i for i in items if i.what.startswith(prefix)]


def test_t3_micro_is_7_59_a_month_the_text_says_around_8() -> None:
    (stage,) = estimate_cost(lowered(), PRICES).stages
    (ec2,) = item(stage.items, "EC2 t3.micro")
    assert ec2.quantity == 730
    assert ec2.monthly_usd == pytest.approx(7.592)  # 0.0104 x 730; the text rounds up to $8


def test_10000_new_connections_a_minute_need_6_67_lcus_about_39_dollars() -> None:
    ir = lowered(traffic=REFERENCE_TRAFFIC)
    lcu = lcu_usage(ir.traffic, PRICES)
    # 10,000/min = 166.67/s over 25 per LCU = 6.667; the text rounds to 167/s and says 6.68.
    assert lcu.new_connections == pytest.approx(6.6667, abs=1e-4)
    assert lcu.driver == "new connections"
    assert lcu.processed_bytes < 3.0  # the text: "three LCUs would be enough" for 3 GB/h
    monthly = lcu.billed * 730 * 0.008
    assert monthly == pytest.approx(38.93, abs=0.01)  # the text: "around $40"
    # The text's 6.68 is the connection rate rounded to 167/s before dividing by 25.
    assert round(lcu_usage(ir.traffic, PRICES).new_connections * 25) / 25 == 6.68


def test_three_gb_an_hour_is_three_lcus_of_processed_bytes() -> None:
    requests_per_hour = REFERENCE_REQUESTS / 730
    kb_for_3_gb = 3 * 1024 * 1024 / requests_per_hour
    ir = lowered(traffic={**REFERENCE_TRAFFIC, "avg_response_kb": kb_for_3_gb})
    lcu = lcu_usage(ir.traffic, PRICES)
    assert lcu.processed_gb_per_hour == pytest.approx(3.0)
    assert lcu.processed_bytes == pytest.approx(3.0)
    assert lcu.billed == pytest.approx(10_000 / 60 / 25)  # connections still set the bill


def test_the_alb_line_items_add_the_hour_the_text_leaves_out() -> None:
    ir = lowered(scale="hyperscale", traffic=REFERENCE_TRAFFIC)
    (stage,) = estimate_cost(ir, PRICES).stages
    (hours,) = item(stage.items, "ALB hours")
    (lcus,) = item(stage.items, "ALB LCUs")
    assert hours.monthly_usd == pytest.approx(16.425)  # 0.0225 x 730, not in the text's $40
    assert lcus.monthly_usd == pytest.approx(38.93, abs=0.01)
    assert hours.monthly_usd + lcus.monthly_usd == pytest.approx(55.36, abs=0.01)


def test_432_million_requests_through_http_api_cost_418_80_tiered_not_432() -> None:
    ir = lowered(traffic=REFERENCE_TRAFFIC)
    (stage,) = estimate_cost(ir, PRICES).stages
    requests = item(stage.items, "HTTP API requests")
    assert [(i.quantity, i.unit_usd) for i in requests] == [(300, 1.0), (pytest.approx(132), 0.9)]
    # 300 x $1.00 + 132 x $0.90; the text multiplies 432 x $1.00.
    assert sum(i.monthly_usd for i in requests) == pytest.approx(418.80)


def test_crossover_of_the_texts_example_is_solved_near_22_million_not_half_a_million() -> None:
    ir = lowered(traffic=REFERENCE_TRAFFIC)
    crossover = solve_crossover(ir, ir.stages[0], PRICES, ir.traffic)
    # Per million requests of this shape: HTTP API $1.00 and its access log lines (0.25 KB
    # each: 0.2384 GB ingested at $0.50 and kept 3 months at $0.03, $0.1407) against LCUs of
    # 730 x 0.008 x (1e6 / 432e6 x 166.67 / 25) = $0.0901. The ALB adds $16.43 of hours,
    # $7.30 for its two public IPv4 addresses and two more alarms ($0.20); the HTTP API adds
    # its Cloud Map zone and one registered task ($0.60). Data out, logs and NAT traffic are
    # the same behind either. So (16.425 + 7.30 + 0.20 - 0.60) / 1.0506, about 22.2 million
    # (25.6 million before the access logs were priced).
    access_logs = 0.25e6 / 1024**2 * (0.50 + 3 * 0.03)
    lcus = 730 * 0.008 * REFERENCE_NEW_PER_SECOND / 25 / 432
    expected = (16.425 + 7.30 + 0.20 - 0.60) / (1.0 + access_logs - lcus)
    assert crossover.requests_per_month == pytest.approx(expected * 1e6, rel=1e-6)
    assert crossover.requests_per_month == pytest.approx(22.2e6, rel=0.01)
    assert (crossover.cheaper_below, crossover.cheaper_above) == ("api-gateway", "alb")
    # The text's thresholds (500,000 and 1,000,000 a month) are both far below it.
    assert crossover.requests_per_month > 20 * 1_000_000


def test_the_texts_46_dollar_dev_stack_is_the_default_spec_before_the_ipv4_charge() -> None:
    """The defaults (one dev stage, t3.micro, NAT gateway, HTTP API) cost about $49 today.
    Since February 2024 AWS bills every public IPv4 address ($3.65/month for the NAT
    gateway's); without it the same stack lands on the text's "about $46"."""
    estimate = estimate_cost(lowered(), PRICES)
    gb = 100_000 / 1024**2  # GB per KB per request at 100,000 requests
    logs = 0.25 * gb * (0.50 + 3 * 0.03)  # ingested, then kept three months
    stage = (
        0.10 + 0.50 + 0.10  # HTTP API requests, Cloud Map zone and its one task
        + logs + logs  # the HTTP API's access log and the service's own log
        + 0.0104 * 730 + 30 * 0.08 + 7 * 0.10  # t3.micro, its 30 GB disk, 7 alarms
        + (0.25 + 2) * gb * 0.045  # NAT processing: the logs and 2 KB of outbound calls
        + (0.25 + 2) * gb / 2 * 2 * 0.01  # half of it from the other zone, billed out and in
        + 8 * gb * 0.09  # responses out (credited back: inside the free 100 GB)
    )  # fmt: skip
    shared = (
        32.85 + 3.65  # the NAT gateway and its address
        + 260 * 0.002 + 220 * 0.005 + 80 / 1024 * 0.50  # pipeline and build minutes, logs
        + 1.55 * 0.10  # ECR storage
        - 7 * 0.10 - 8 * gb * 0.09  # the account's free alarms and data out
    )  # fmt: skip
    assert estimate.monthly_usd == pytest.approx(stage + shared)
    assert estimate.monthly_usd == pytest.approx(49.05, abs=0.005)
    (nat_ip,) = item(estimate.shared, "NAT gateway public IPv4")
    (nat,) = item(estimate.shared, "NAT gateways x1")
    assert nat.monthly_usd == pytest.approx(32.85)  # most of the bill is the NAT gateway
    assert nat_ip.monthly_usd == pytest.approx(3.65)
    before_ipv4 = estimate.monthly_usd - nat_ip.monthly_usd
    assert before_ipv4 == pytest.approx(46, abs=1)


def test_the_46_dollar_stack_with_a_nat_instance_is_a_fraction_of_it() -> None:
    estimate = estimate_cost(lowered(network={"egress": "nat-instance"}), PRICES)
    assert estimate.monthly_usd < 25


def test_prices_are_per_730_hour_month() -> None:
    assert PRICES.hours_per_month == 730
    ir = lowered()
    longer = replace(PRICES, hours_per_month=744)
    (stage,) = estimate_cost(ir, longer).stages
    assert item(stage.items, "EC2")[0].quantity == 744
