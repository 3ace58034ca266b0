"""The stack's tags (`tags:` in the spec) in each of the shapes CloudFormation resources take.

Most resources take a list of Key/Value pairs, API Gateway V2 takes a plain map, and
Auto Scaling groups need PropagateAtLaunch. An empty `tags:` adds no property at all.
"""

from __future__ import annotations

from typing import Any

from troposphere import Tags, autoscaling, ec2

from compiler.ir.model import StackIR


def tag_list(ir: StackIR, **extra: str) -> dict[str, Any]:
    """`{"Tags": Tags(...)}` for resources taking Key/Value pairs, or `{}` without tags."""
    pairs = dict(ir.tags) | extra
    return {"Tags": Tags(pairs)} if pairs else {}


def tag_map(ir: StackIR) -> dict[str, Any]:
    """`{"Tags": {...}}` for resources taking a JSON map (API Gateway V2), or `{}`."""
    return {"Tags": dict(ir.tags)} if ir.tags else {}


def asg_tags(ir: StackIR, **extra: str) -> dict[str, Any]:
    """Auto Scaling group tags, propagated to the instances it launches."""
    pairs = dict(ir.tags) | extra
    return {"Tags": autoscaling.Tags(**pairs)} if pairs else {}


def tag_specifications(ir: StackIR, *resource_types: str) -> dict[str, Any]:
    """Launch template TagSpecifications tagging what it launches (instances, volumes)."""
    if not ir.tags:
        return {}
    specs = [
        ec2.TagSpecifications(ResourceType=kind, Tags=Tags(dict(ir.tags)))
        for kind in resource_types
    ]
    return {"TagSpecifications": specs}
