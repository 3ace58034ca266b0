"""The estimate's counts agree with what the back end emits: the alarms in each stage's
templates, the NAT addresses and the instances' root volume. A drift here means the bill
prices a different stack from the one `tsc compile` writes."""

from __future__ import annotations

from typing import Any

import pytest
from cost_specs import lowered

from compiler.cfn.network.stack import build_network
from compiler.cfn.stack_set import stage_templates
from compiler.cost.counts import alarms_created, shared_public_ipv4
from compiler.cost.prices import builtin_prices

SPECS: dict[str, dict[str, Any]] = {
    "standard-ec2-step": {},
    "hyperscale-ec2-step": {"scale": "hyperscale"},
    "standard-fargate-tracking": {
        "compute": {"type": "fargate"},
        "scaling": {"policy": "target-tracking"},
    },
    "hyperscale-fargate-tracking": {
        "scale": "hyperscale",
        "compute": {"type": "fargate"},
        "scaling": {"policy": "target-tracking"},
    },
}


def resources_of(template: Any, kind: str) -> list[Any]:
    return [r for r in template.resources.values() if r.resource_type == kind]


@pytest.mark.parametrize("extra", SPECS.values(), ids=list(SPECS))
def test_alarms_in_templates_are_the_ones_counted(extra: dict[str, Any]) -> None:
    ir = lowered(**extra)
    (stage,) = ir.stages
    templates = stage_templates(ir, stage, "yaml")
    emitted = sum(len(resources_of(t, "AWS::CloudWatch::Alarm")) for t in templates.values())
    assert emitted == alarms_created(stage).in_templates


@pytest.mark.parametrize(
    "network",
    [{}, {"nat": "per-az", "availability_zones": 3}, {"egress": "nat-instance"}],
)
def test_nat_public_addresses_are_the_ones_counted(network: dict[str, Any]) -> None:
    ir = lowered(network=network)
    template = build_network(ir)
    assert len(resources_of(template, "AWS::EC2::EIP")) == shared_public_ipv4(ir.network)


def test_instance_root_volume_is_the_one_priced() -> None:
    ir = lowered()
    templates = stage_templates(ir, ir.stages[0], "yaml")
    (launch,) = (r for t in templates.values() for r in resources_of(t, "AWS::EC2::LaunchTemplate"))
    (mapping,) = launch.to_dict()["Properties"]["LaunchTemplateData"]["BlockDeviceMappings"]
    assert mapping["Ebs"]["VolumeSize"] == builtin_prices().assume("ecs_root_volume_gib")
    assert mapping["Ebs"]["VolumeType"] == "gp3"
