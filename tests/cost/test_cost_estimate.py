"""The estimate counts what the stack runs: instances, tasks, alarms, NAT, addresses."""

from __future__ import annotations

from typing import Any

import pytest
from cost_specs import lowered

from compiler.cost.counts import alarms_created
from compiler.cost.estimate import Estimate, estimate_cost, scaled_out
from compiler.cost.prices import builtin_prices

PRICES = builtin_prices()


def lines(estimate: Estimate, stage: int | None = 0) -> dict[str, float]:
    """what -> monthly amount, of one stage (or the shared part with stage=None)."""
    items = estimate.shared if stage is None else estimate.stages[stage].items
    return {item.what: item.monthly_usd for item in items}


@pytest.mark.parametrize(
    ("extra", "in_templates", "by_aws"),
    [
        ({}, 5, 2),  # step: 2 scaling; monitoring 5xx/cpu/memory; ec2 managed scaling 2
        ({"scaling": {"policy": "target-tracking"}}, 3, 4),
        ({"scale": "hyperscale"}, 7, 2),  # 5xx of targets and of the ALB, unhealthy targets
        ({"compute": {"type": "fargate"}, "network": {"egress": "public-ip"}}, 5, 0),
        (
            {
                "compute": {"type": "fargate"},
                "scale": "hyperscale",
                "scaling": {"policy": "target-tracking"},
            },
            5,
            2,
        ),
    ],
)
def test_alarm_count_per_stage(extra: dict[str, Any], in_templates: int, by_aws: int) -> None:
    count = alarms_created(lowered(**extra).stages[0])
    assert (count.in_templates, count.aws_managed) == (in_templates, by_aws)
    assert count.billed == in_templates + by_aws


def test_the_first_ten_alarms_are_credited_once_for_the_account() -> None:
    two_stages = lowered(stages=[{"name": "dev"}, {"name": "prod"}])
    estimate = estimate_cost(two_stages, PRICES)
    assert [s.alarms for s in estimate.stages] == [7, 7]
    assert lines(estimate)["CloudWatch alarms (5 in templates, 2 by AWS)"] == pytest.approx(0.7)
    credit = lines(estimate, None)["CloudWatch alarms free tier (per account)"]
    assert credit == pytest.approx(-1.0)  # 14 alarms: 10 free, 4 x $0.10 paid overall


def test_instances_cover_the_desired_tasks_and_never_go_below_min() -> None:
    # t3.micro holds one 512 MiB task: 3 desired tasks need 3 instances.
    three = {"min": 3, "max": 6}
    estimate = estimate_cost(
        lowered(scaling={"min": 3, "max": 5}, compute={"instances": three}), PRICES
    )
    assert (estimate.stages[0].tasks, estimate.stages[0].instances) == (3, 3)
    assert lines(estimate)["EC2 t3.micro x3"] == pytest.approx(3 * 7.592)
    assert lines(estimate)["EBS gp3 root volumes x3"] == pytest.approx(3 * 2.4)
    floor = estimate_cost(lowered(compute={"instances": {"min": 2, "max": 5}}), PRICES)
    assert floor.stages[0].instances == 2


def test_fargate_bills_vcpu_and_memory_hours_per_task() -> None:
    ir = lowered(compute={"type": "fargate"}, app={"cpu": 512, "memory": 1024}, scaling={"min": 2})
    items = lines(estimate_cost(ir, PRICES))
    assert items["Fargate vCPU x2 tasks"] == pytest.approx(2 * 0.5 * 730 * 0.04048)
    assert items["Fargate memory x2 tasks"] == pytest.approx(2 * 1 * 730 * 0.004445)
    assert not any(what.startswith("EC2") for what in items)


def test_public_ip_tasks_and_alb_zones_each_pay_for_an_ipv4_address() -> None:
    ir = lowered(
        scale="hyperscale",
        compute={"type": "fargate"},
        network={"egress": "public-ip", "availability_zones": 3},
        scaling={"min": 2},
    )
    estimate = estimate_cost(ir, PRICES)
    # three ALB nodes (one per zone) and two tasks with public addresses
    assert lines(estimate)["Public IPv4 addresses x5"] == pytest.approx(5 * 3.65)
    assert not any(what.startswith("NAT") for what in lines(estimate, None))


@pytest.mark.parametrize(
    ("network", "expected"),
    [
        ({}, {"NAT gateways x1": 32.85, "NAT gateway public IPv4 x1": 3.65}),
        (
            {"nat": "per-az", "availability_zones": 3},
            {"NAT gateways x3": 98.55, "NAT gateway public IPv4 x3": 10.95},
        ),
        (
            {"egress": "nat-instance"},
            {
                "NAT instance t3.nano": 3.796,
                "NAT instance public IPv4": 3.65,
                "NAT instance EBS gp3 root volume": 0.64,
            },
        ),
    ],
)
def test_nat_is_shared_once(network: dict[str, Any], expected: dict[str, float]) -> None:
    estimate = estimate_cost(
        lowered(network=network, stages=[{"name": "a"}, {"name": "b"}]), PRICES
    )
    shared = lines(estimate, None)
    nat = {what: usd for what, usd in shared.items() if what.startswith("NAT")}
    assert nat == pytest.approx(expected)


def test_secrets_are_counted_once_across_stages() -> None:
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"
    ssm = "arn:aws:ssm:us-east-1:123456789012:parameter/app/key"
    ir = lowered(
        app={"secrets": {"DB": arn, "KEY": ssm}},
        stages=[{"name": "dev"}, {"name": "prod"}],
    )
    assert lines(estimate_cost(ir, PRICES), None)["Secrets Manager secrets"] == pytest.approx(0.4)


def test_codebuild_minutes_follow_the_compute_type_and_the_stage_count() -> None:
    small = lines(estimate_cost(lowered(), PRICES), None)
    # 40 runs x (5 build + 1 stage x 3 release) = 320 minutes: 100 free, 220 x $0.005
    assert small["CodeBuild small minutes (over 100)"] == pytest.approx(1.10)
    large = lines(estimate_cost(lowered(pipeline={"compute_type": "large"}), PRICES), None)
    assert large["CodeBuild large minutes"] == pytest.approx(320 * 0.02)


def test_requests_drive_the_http_api_and_the_logs_not_the_alb_hours() -> None:
    quiet = estimate_cost(lowered(scale="hyperscale", traffic={"requests_per_month": 0}), PRICES)
    busy = estimate_cost(lowered(scale="hyperscale", traffic={"requests_per_month": 10**9}), PRICES)
    assert lines(quiet)["ALB hours"] == lines(busy)["ALB hours"]
    assert busy.monthly_usd > quiet.monthly_usd


def test_same_ir_gives_the_same_estimate() -> None:
    ir = lowered(stages=[{"name": "dev"}, {"name": "prod", "scale": "hyperscale"}])
    assert estimate_cost(ir, PRICES) == estimate_cost(ir, PRICES)


def test_scaled_out_stops_where_the_cluster_stops() -> None:
    ir = lowered(scaling={"max": 8}, compute={"instances": {"min": 1, "max": 3}})
    (stage,) = ir.stages
    ceiling = scaled_out(ir, stage, PRICES, ir.traffic)
    # a t3.micro places one task: three instances, three tasks, not eight
    assert (ceiling.tasks, ceiling.instances) == (3, 3)
    fargate = lowered(compute={"type": "fargate"}, scaling={"max": 8})
    assert scaled_out(fargate, fargate.stages[0], PRICES, fargate.traffic).tasks == 8
