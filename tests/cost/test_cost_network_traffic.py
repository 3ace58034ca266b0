"""The bytes a stage moves are priced where AWS bills them: the NAT's processing of what
crosses it (logs, outbound calls; not image layers, which the S3 gateway endpoint carries),
the hop to a NAT in another zone, the HTTP API's access log lines, and responses out to the
internet after the account's free 100 GB. Figures are worked by hand from the AWS price
pages' rates: NAT $0.045/GB, cross-zone $0.01/GB each way, data out $0.09/GB."""

from __future__ import annotations

from typing import Any

import pytest
from cost_specs import lowered

from compiler.cost.estimate import Estimate, estimate_cost, with_endpoint_everywhere
from compiler.cost.lines import LineItem
from compiler.cost.prices import builtin_prices

PRICES = builtin_prices()
GB = 1024**2  # KB in a GB
REQUESTS = 100_000


def items(estimate: Estimate, prefix: str, stage: int | None = 0) -> list[LineItem]:
    found = estimate.shared if stage is None else estimate.stages[stage].items
    return [item for item in found if item.what.startswith(prefix)]


def monthly(estimate: Estimate, prefix: str, stage: int | None = 0) -> float:
    return sum(item.monthly_usd for item in items(estimate, prefix, stage))


def test_a_nat_gateway_bills_the_logs_and_outbound_calls_that_cross_it() -> None:
    estimate = estimate_cost(lowered(), PRICES)
    logs, calls = items(estimate, "NAT processing")
    assert logs.quantity == pytest.approx(REQUESTS * 0.25 / GB)  # 0.25 KB of log per request
    assert calls.quantity == pytest.approx(REQUESTS * 2 / GB)  # 2 KB of calls per request
    assert logs.unit_usd == calls.unit_usd == 0.045
    assert not items(estimate, "NAT gateway data processed")  # no fixed 2 GB any more


def test_image_layers_cross_the_s3_gateway_endpoint_for_free() -> None:
    # 40 releases of 1 task plus 10 other starts; an EC2 instance pulls only new layers
    (ec2,) = items(estimate_cost(lowered(), PRICES), "Image pulls via the S3 endpoint")
    assert (ec2.quantity, ec2.monthly_usd) == (pytest.approx(50 * 0.05), 0)
    fargate = estimate_cost(lowered(compute={"type": "fargate"}), PRICES)
    (pulls,) = items(fargate, "Image pulls")
    assert (pulls.quantity, pulls.monthly_usd) == (pytest.approx(50 * 0.3), 0)  # whole images


def test_a_nat_instance_bills_no_processing_but_the_hop_from_the_other_zone() -> None:
    estimate = estimate_cost(lowered(network={"egress": "nat-instance"}), PRICES)
    assert not items(estimate, "NAT processing")
    (hop,) = items(estimate, "Cross-zone to the NAT")
    # half the tasks sit in the zone without the NAT: their GB are billed out and in
    assert hop.quantity == pytest.approx(REQUESTS * 2.25 / GB / 2 * 2)
    assert hop.monthly_usd == pytest.approx(REQUESTS * 2.25 / GB * 0.01)


@pytest.mark.parametrize(
    ("network", "share"),
    [
        ({}, 1 / 2),
        ({"availability_zones": 3}, 2 / 3),
        ({"nat": "per-az"}, 0),
        ({"nat": "per-az", "availability_zones": 3}, 0),
    ],
)
def test_cross_zone_traffic_is_what_a_zone_without_a_nat_sends(
    network: dict[str, Any], share: float
) -> None:
    estimate = estimate_cost(lowered(network=network), PRICES)
    crossing = REQUESTS * 2.25 / GB * share
    assert monthly(estimate, "Cross-zone") == pytest.approx(crossing * 2 * 0.01)


def test_public_tasks_send_nothing_through_a_nat() -> None:
    ir = lowered(compute={"type": "fargate"}, network={"egress": "public-ip"})
    estimate = estimate_cost(ir, PRICES)
    assert not items(estimate, "NAT") and not items(estimate, "Cross-zone")


def test_the_http_api_writes_an_access_log_line_per_request_and_the_alb_none() -> None:
    standard = estimate_cost(lowered(traffic={"requests_per_month": 10_000_000}), PRICES)
    ingested, stored = items(standard, "HTTP API access logs")
    assert ingested.quantity == pytest.approx(10_000_000 * 0.25 / GB)
    assert ingested.monthly_usd == pytest.approx(10_000_000 * 0.25 / GB * 0.50)
    assert stored.monthly_usd == pytest.approx(10_000_000 * 0.25 / GB * 3 * 0.03)
    hyper = estimate_cost(lowered(scale="hyperscale"), PRICES)
    assert not items(hyper, "HTTP API access logs")


def test_data_out_is_billed_beyond_the_free_100_gb_the_same_behind_either_front_door() -> None:
    ir = lowered(traffic={"requests_per_month": 2_000_000, "avg_response_kb": 100})
    gb = 2_000_000 * 100 / GB  # 190.7 GB of responses
    for scale in ("api-gateway", "alb"):
        estimate = estimate_cost(with_endpoint_everywhere(ir, scale), PRICES)  # type: ignore[arg-type]
        (out,) = items(estimate, "Data out to the internet")
        assert (out.quantity, out.unit_usd) == (pytest.approx(gb), 0.09)
        (free,) = items(estimate, "Data out free tier", stage=None)
        assert free.monthly_usd == pytest.approx(-100 * 0.09)  # once, for the account
        assert out.monthly_usd + free.monthly_usd == pytest.approx((gb - 100) * 0.09)


def test_small_responses_stay_inside_the_free_data_out() -> None:
    estimate = estimate_cost(lowered(), PRICES)
    out = monthly(estimate, "Data out to the internet")
    assert out > 0 and out + monthly(estimate, "Data out free tier", None) == pytest.approx(0)


def test_free_tier_used_bills_the_free_units_too() -> None:
    used = PRICES.with_free_tiers_used()
    ir = lowered(traffic={"requests_per_month": 2_000_000, "avg_response_kb": 100})
    estimate = estimate_cost(ir, used)
    assert not items(estimate, "Data out free tier", None)
    assert not items(estimate, "CloudWatch alarms free tier", None)
    # 320 build minutes, all paid; 7 alarms, all paid; every GB out paid
    (build,) = items(estimate, "CodeBuild", None)
    assert build.monthly_usd == pytest.approx(320 * 0.005)
    free = estimate_cost(ir, PRICES)
    extra = 100 * 0.005 + 100 * 0.002 + 7 * 0.10 + 100 * 0.09
    assert estimate.monthly_usd - free.monthly_usd == pytest.approx(extra)


def test_the_access_log_line_size_assumed_is_the_stages_format_filled_in() -> None:
    """The assumption holds the JSON line the HTTP API stage writes (its format from the
    endpoint stack, each variable filled with a typical value) plus the 26 bytes CloudWatch
    Logs counts per event."""
    import json
    import re

    from compiler.cfn.endpoint.api_gateway import _ACCESS_LOG_FORMAT

    typical = {
        "$context.requestId": "KwZ9ujhCoAMEVqQ=",
        "$context.identity.sourceIp": "203.0.113.195",
        "$context.requestTime": "12/Jun/2025:10:42:17 +0000",
        "$context.routeKey": "$default",
        "$context.status": "200",
        "$context.responseLength": "8192",
        "$context.responseLatency": "23",
        "$context.integrationErrorMessage": "-",
        "$context.authorizer.error": "-",
    }
    line = re.sub(r"\$context[\w.]+", lambda m: typical[m.group(0)], _ACCESS_LOG_FORMAT)
    assert json.loads(line)["status"] == "200"
    size_kb = (len(line.encode()) + 26) / 1024
    assert PRICES.assume("access_log_kb_per_request") == pytest.approx(size_kb, rel=0.1)
