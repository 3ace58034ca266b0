"""The VPC in the picture: a group per zone with its public and private subnet, and the
egress: NAT gateway(s), one NAT instance, or public IPs through the internet gateway."""

from __future__ import annotations

from compiler.graph.model import Component, Flow, Group
from compiler.ir.model import NetworkIR, StageIR

IGW = "internet_gateway"


def network_group(
    network: NetworkIR, stages: tuple[StageIR, ...]
) -> tuple[Group, tuple[Flow, ...]]:
    """The VPC group and its flows: each stage's tasks into their subnets, those subnets
    out through the NAT that serves them (or straight to the internet gateway)."""
    nats = _nats(network)
    zones, flows = [], []
    for subnet in network.subnets:
        z = subnet.az_index + 1
        public = Component(
            f"zone{z}_public", "public-subnet", ("public subnet", subnet.public_cidr)
        )
        private = Component(
            f"zone{z}_private", "private-subnet", ("private subnet", subnet.private_cidr)
        )
        nat = nats.get(z)
        zones.append(Group(f"zone{z}", f"zone {z}", (public, private, *([nat] if nat else []))))
        flows.append(Flow(public.id, IGW, "route"))
        if nat is not None:
            flows.append(Flow(nat.id, IGW, "egress"))
        tasks = public if network.tasks_in_public_subnets else private
        flows += [Flow(f"{stage.name}_service", tasks.id, "tasks") for stage in stages]
        if not network.tasks_in_public_subnets:
            flows.append(Flow(private.id, _serving_nat(network, z), "egress"))
    igw = Component(IGW, "internet-gateway", ("internet gateway",))
    label = f"VPC {network.cidr}, {network.availability_zones} zones"
    return Group("vpc", label, (igw,), tuple(zones)), tuple(flows)


def _nats(network: NetworkIR) -> dict[int, Component]:
    """The NAT in each zone's public subnet, by zone number (none for public IPs)."""
    if network.egress == "nat-instance":
        return {
            1: Component(
                "zone1_nat",
                "nat-instance",
                ("NAT instance", f"{network.nat_instance_type}, for every zone"),
            )
        }
    shared = "" if network.nat_gateways > 1 else ", for every zone"
    return {
        z: Component(f"zone{z}_nat", "nat-gateway", ("NAT gateway", f"Elastic IP{shared}"))
        for z in range(1, network.nat_gateways + 1)
    }


def _serving_nat(network: NetworkIR, zone: int) -> str:
    """The NAT that zone `zone`'s private subnet routes through."""
    return f"zone{zone}_nat" if network.nat_gateways > 1 else "zone1_nat"
