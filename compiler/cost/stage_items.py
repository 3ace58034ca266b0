"""Line items of one stage: its front door, compute, alarms, logs, network traffic and stores.

Every stage is priced at its own traffic profile (`stages[].traffic`, else the stack's).
Counts come from `counts`, so the bill follows what the back end emits.
"""

from __future__ import annotations

from collections.abc import Callable

from compiler.cost.counts import alarms_created, instances_for, stage_public_ipv4
from compiler.cost.data_items import data_items
from compiler.cost.lines import LineItem, at_marginal_rate, instance_hours, priced
from compiler.cost.network_items import network_items
from compiler.cost.prices import AssumptionKey, PriceTable
from compiler.cost.traffic import KB_PER_GB, lcu_usage
from compiler.ir.model import NetworkIR, StageIR, TrafficIR

MIB_PER_GB = 1024
CPU_UNITS_PER_VCPU = 1024


def stage_items(
    stage: StageIR, network: NetworkIR, traffic: TrafficIR, prices: PriceTable, tasks: int
) -> list[LineItem]:
    """Every line item of a stage running `tasks` tasks."""
    front_door = FRONT_DOORS[stage.endpoint.type]
    compute = COMPUTE[stage.compute.type]
    return [
        *front_door(stage, traffic, prices, tasks),
        *compute(stage, prices, tasks),
        *_public_ipv4(stage, network, prices, tasks),
        *_alarms(stage, prices),
        *_logs("Service logs", "log_kb_per_request", traffic, prices),
        *network_items(stage, network, traffic, prices, tasks),
        *data_items(stage.data, traffic, prices),
    ]


def _api_gateway(
    stage: StageIR, traffic: TrafficIR, prices: PriceTable, tasks: int
) -> list[LineItem]:
    million = traffic.requests_per_month / 1_000_000
    return [
        *priced("HTTP API requests", prices.price("http_api_million_requests"), million),
        # The Cloud Map private DNS namespace is a Route 53 private hosted zone.
        *priced("Cloud Map namespace (hosted zone)", prices.price("route53_hosted_zone_month"), 1),
        *priced("Cloud Map registered tasks", prices.price("cloud_map_instance_month"), tasks),
        # The $default stage writes one access log line per request (ALB access logs are off).
        *_logs("HTTP API access logs", "access_log_kb_per_request", traffic, prices),
    ]


def _alb(stage: StageIR, traffic: TrafficIR, prices: PriceTable, tasks: int) -> list[LineItem]:
    hours = prices.hours_per_month
    lcu = lcu_usage(traffic, prices)
    what = f"ALB LCUs ({lcu.billed:.3f} per hour, set by {lcu.driver})"
    return [
        *priced("ALB hours", prices.price("alb_hour"), hours),
        *priced(what, prices.price("alb_lcu_hour"), lcu.billed * hours, "ALB LCUs"),
    ]


def _ec2(stage: StageIR, prices: PriceTable, tasks: int) -> list[LineItem]:
    instance_type = stage.compute.instance_type or ""
    instances = instances_for(stage, tasks)
    hourly = prices.instance_hourly(instance_type)
    hours = instances * prices.hours_per_month
    root_gb = instances * prices.assume("ecs_root_volume_gib")
    ebs = prices.price("ebs_gp3_gb_month")
    return [
        *instance_hours(f"EC2 {instance_type} x{instances}", hourly, hours, "EC2 instances"),
        *priced(f"EBS gp3 root volumes x{instances}", ebs, root_gb, "EBS root volumes"),
    ]


def _fargate(stage: StageIR, prices: PriceTable, tasks: int) -> list[LineItem]:
    task_hours = tasks * prices.hours_per_month
    vcpu_hours = task_hours * stage.app.cpu / CPU_UNITS_PER_VCPU
    gb_hours = task_hours * stage.app.memory / MIB_PER_GB
    vcpu, memory = prices.price("fargate_x86_vcpu_hour"), prices.price("fargate_x86_gb_hour")
    return [
        *priced(f"Fargate vCPU x{tasks} tasks", vcpu, vcpu_hours, "Fargate vCPU"),
        *priced(f"Fargate memory x{tasks} tasks", memory, gb_hours, "Fargate memory"),
    ]


def _public_ipv4(
    stage: StageIR, network: NetworkIR, prices: PriceTable, tasks: int
) -> list[LineItem]:
    addresses = stage_public_ipv4(stage, network, tasks)
    what = f"Public IPv4 addresses x{addresses}"
    hours = addresses * prices.hours_per_month
    return priced(what, prices.price("public_ipv4_hour"), hours, "Public IPv4 addresses")


def _alarms(stage: StageIR, prices: PriceTable) -> list[LineItem]:
    count = alarms_created(stage)
    what = f"CloudWatch alarms ({count.in_templates} in templates, {count.aws_managed} by AWS)"
    price = prices.price("cloudwatch_alarm_month")
    return at_marginal_rate(what, price, count.billed, "CloudWatch alarms")


def _logs(
    what: str, per_request: AssumptionKey, traffic: TrafficIR, prices: PriceTable
) -> list[LineItem]:
    ingested = traffic.requests_per_month * prices.assume(per_request) / KB_PER_GB
    stored = ingested * prices.assume("log_retention_months")
    return [
        *priced(f"{what} ingested", prices.price("logs_ingest_gb"), ingested),
        *priced(f"{what} stored", prices.price("logs_storage_gb_month"), stored),
    ]


FrontDoor = Callable[[StageIR, TrafficIR, PriceTable, int], list[LineItem]]
Compute = Callable[[StageIR, PriceTable, int], list[LineItem]]
FRONT_DOORS: dict[str, FrontDoor] = {"api-gateway": _api_gateway, "alb": _alb}
COMPUTE: dict[str, Compute] = {"ec2": _ec2, "fargate": _fargate}
