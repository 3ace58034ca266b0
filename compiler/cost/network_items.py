"""Line items of the bytes a stage moves: through the NAT, across zones, out to the internet.

What crosses the NAT, from tasks in the private subnets: the service's logs (the awslogs
driver ships them to CloudWatch Logs, which has no endpoint in the VPC) and the app's
outbound calls (a stated assumption per request). What does not: requests and responses
(the front door reaches the tasks inside the VPC), HTTP API access logs (API Gateway writes
them itself), and image layers (ECR serves them from S3, which the network's S3 gateway
endpoint reaches for free); only ECR's small API calls (token, manifest) cross, unpriced.
A NAT gateway bills each GB it processes; a NAT instance does not. Either, when fewer NATs
than zones serve the tasks (spread evenly over the zones, as an ECS service places them),
bills the hop from the other zones both ways. Responses leave for the internet at the
same rates behind either front door; the account's free 100 GB are credited once, in the
shared part.
"""

from __future__ import annotations

from compiler.cost.lines import LineItem, beyond_free_tier, priced
from compiler.cost.prices import AssumptionKey, PriceTable
from compiler.cost.traffic import KB_PER_GB
from compiler.ir.model import NetworkIR, StageIR, TrafficIR

# What crosses the NAT -> the assumption giving its size per request.
NAT_FLOWS: dict[str, AssumptionKey] = {
    "service logs to CloudWatch": "log_kb_per_request",
    "the app's outbound calls": "outbound_kb_per_request",
}
NOT_THROUGH_NAT = (
    "requests and responses (front door to tasks, inside the VPC)",
    "HTTP API access logs (written by API Gateway)",
    "image layers (S3 gateway endpoint)",
)


def network_items(
    stage: StageIR, network: NetworkIR, traffic: TrafficIR, prices: PriceTable, tasks: int
) -> list[LineItem]:
    """The stage's NAT processing, cross-zone hops, image pulls and data out."""
    return [
        *_nat(network, traffic, prices),
        *_image_pulls(stage, prices, tasks),
        *_data_out(traffic, prices),
    ]


def nat_flows_gb(network: NetworkIR, traffic: TrafficIR, prices: PriceTable) -> dict[str, float]:
    """GB a month of each flow that crosses the NAT (none when tasks have public IPs)."""
    if network.tasks_in_public_subnets:
        return {}
    return {
        flow: traffic.requests_per_month * prices.assume(key) / KB_PER_GB
        for flow, key in NAT_FLOWS.items()
    }


def cross_zone_share(network: NetworkIR) -> float:
    """The share of the NAT's traffic that comes from a zone without a NAT of its own."""
    nats = network.nat_gateways or (1 if network.nat_instance_type else 0)
    zones = network.availability_zones
    return 0.0 if nats in (0, zones) else (zones - nats) / zones


def _nat(network: NetworkIR, traffic: TrafficIR, prices: PriceTable) -> list[LineItem]:
    flows = nat_flows_gb(network, traffic, prices)
    items = []
    if network.nat_gateways:  # a NAT instance bills no per-GB processing
        for flow, gb in flows.items():
            what = f"NAT processing: {flow}"
            items += priced(what, prices.price("nat_gateway_gb"), gb)
    share = cross_zone_share(network)
    crossing = share * sum(flows.values())
    zones = network.availability_zones
    what = f"Cross-zone to the NAT ({round(share * zones)} of {zones} zones, out + in)"
    return items + priced(what, prices.price("inter_az_gb"), 2 * crossing, "Cross-zone to NAT")


def _image_pulls(stage: StageIR, prices: PriceTable, tasks: int) -> list[LineItem]:
    # Every release restarts every task; an EC2 instance keeps the layers it pulled before,
    # a Fargate task pulls the whole image.
    starts = prices.assume("builds_per_month") * tasks + prices.assume(
        "extra_task_starts_per_stage"
    )
    pulled: AssumptionKey = "image_base_gb"
    if stage.compute.type == "ec2":
        pulled = "image_layer_gb_per_build"
    size = prices.assume(pulled)
    what = f"Image pulls via the S3 endpoint ({starts:g} task starts)"
    return priced(what, prices.price("vpc_gateway_endpoint_gb"), starts * size, "Image pulls")


def _data_out(traffic: TrafficIR, prices: PriceTable) -> list[LineItem]:
    gb = traffic.requests_per_month * traffic.avg_response_kb / KB_PER_GB
    what = "Data out to the internet (responses)"
    return beyond_free_tier(what, prices.price("data_transfer_out_gb"), gb)
