"""The serializer's own walk over troposphere objects says what troposphere's to_dict says,
and refuses what it refuses (a resource missing a required property)."""

from __future__ import annotations

from pathlib import Path

import pytest
from troposphere import Template
from troposphere.ec2 import Subnet

from compiler.cfn.render import plain_data, render_template
from compiler.cfn.stack_set import build_templates
from compiler.compile import read_stack
from tests.golden.golden_outputs import cases

SPECS = {case.name: case.spec for case in cases() if not case.name.startswith("bad-")}


@pytest.mark.parametrize("spec", SPECS.values(), ids=SPECS.keys())
def test_plain_data_is_troposphere_to_dict(spec: Path) -> None:
    ir, _ = read_stack(spec)
    assert ir is not None
    for name, template in build_templates(ir, "yaml").items():
        assert plain_data(template) == template.to_dict(), name


def test_a_resource_missing_a_required_property_is_refused() -> None:
    template = Template()
    template.add_resource(Subnet("Orphan", CidrBlock="10.0.0.0/24"))  # no VpcId
    with pytest.raises(ValueError, match="VpcId required in type AWS::EC2::Subnet"):
        template.to_dict()  # troposphere's own verdict, which ours must keep
    for fmt in ("yaml", "json"):
        with pytest.raises(ValueError, match="VpcId required in type AWS::EC2::Subnet"):
            render_template(template, fmt)
