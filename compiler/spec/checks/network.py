"""Network checks: a VPC range that cannot hold its subnets, and public IPs on EC2 tasks."""

from __future__ import annotations

import ipaddress
import math

from compiler.diagnostics import Diagnostic, error_rule, warning_rule
from compiler.spec.checks.declare import spec_check, stage_check
from compiler.spec.checks.view import StageView
from compiler.spec.load import LoadedSpec
from compiler.spec.resolve import ResolvedSpec
from compiler.spec.wording import show

PUBLIC_IP_ON_EC2 = error_rule("TS211", "egress public-ip with EC2 tasks")
CIDR_ROOM = error_rule(
    "TS212", "network.cidr that is not IPv4, not /16 to /24, or too small for its subnets"
)
CIDR_HOST_BITS = warning_rule("TS213", "network.cidr with host bits set")

_CIDR = ("network", "cidr")
_EGRESS = ("network", "egress")
VPC_PREFIXES = range(16, 25)  # the language allows /16 to /24 (docs/spec.md `network`)
SMALLEST_SUBNET_PREFIX = 28  # https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html


@stage_check(PUBLIC_IP_ON_EC2)
def check_public_ip_on_ec2(view: StageView) -> list[Diagnostic]:
    """Forbid `egress: public-ip` with EC2 tasks (awsvpc tasks on EC2 get no public IP)."""
    if (
        view.get("compute", "type") != "ec2"
        or view.loaded.data.get("network", {}).get("egress") != "public-ip"
    ):
        return []
    message = "'public-ip' egress needs compute type 'fargate': tasks on EC2 cannot get a public IP"
    hint = "Use 'egress: nat-instance' (the cheap choice) or 'compute.type: fargate'."
    return [view.loaded.diagnostic(_EGRESS, PUBLIC_IP_ON_EC2, message, hint, at_value=True)]


@spec_check(CIDR_ROOM, CIDR_HOST_BITS)
def check_cidr_room(spec: ResolvedSpec, loaded: LoadedSpec) -> list[Diagnostic]:
    """Forbid a VPC range that is not IPv4, not /16 to /24, or too small for its subnets."""
    cidr = str(spec.data["network"]["cidr"])
    zones = int(spec.data["network"]["availability_zones"])
    try:
        vpc = ipaddress.IPv4Network(cidr, strict=False)
    except ValueError:
        message = f"{show(cidr)} is not an IPv4 range"
        hint = "Write it as ADDRESS/PREFIX, e.g. '10.0.0.0/16'."
        return [loaded.diagnostic(_CIDR, CIDR_ROOM, message, hint, at_value=True)]
    subnets = 2 * zones  # a public and a private subnet per availability zone
    subnet_prefix = vpc.prefixlen + math.ceil(math.log2(subnets))
    if subnet_prefix > SMALLEST_SUBNET_PREFIX:
        largest = min(SMALLEST_SUBNET_PREFIX - (subnet_prefix - vpc.prefixlen), VPC_PREFIXES[-1])
        message = (
            f"{show(cidr)} is too small for {subnets} subnets (a public and a private one in "
            f"each of {zones} availability zones): they would be /{subnet_prefix}, and AWS "
            f"subnets are /{SMALLEST_SUBNET_PREFIX} at the smallest"
        )
        hint = f"The subnets need /{SMALLEST_SUBNET_PREFIX} or larger: use /{largest} or larger."
        return [loaded.diagnostic(_CIDR, CIDR_ROOM, message, hint, at_value=True)]
    if vpc.prefixlen not in VPC_PREFIXES:
        message = f"{show(cidr)} is a /{vpc.prefixlen}; allowed: /16 to /24"
        hint = "AWS VPCs are /16 at the largest."
        return [loaded.diagnostic(_CIDR, CIDR_ROOM, message, hint, at_value=True)]
    if str(vpc) != cidr:
        message = f"{show(cidr)} has host bits set; the VPC will be '{vpc}'"
        hint = f"Write '{vpc}'."
        return [loaded.diagnostic(_CIDR, CIDR_HOST_BITS, message, hint, at_value=True)]
    return []
