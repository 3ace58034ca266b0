"""stage-<stage>.yaml: the parent of a stage's four stacks, wired without cycles."""

from __future__ import annotations

import hashlib
import json
from graphlib import TopologicalSorter
from typing import Any

import pytest
from cfn_templates import lint_problems, outputs, parameters, resources, untagged
from ir_factory import example_ir, variant

from compiler.cfn.common.names import stage_child_id as child_id
from compiler.cfn.common.outputs import STAGE_PARAMETERS, StageOut
from compiler.cfn.render import render_template
from compiler.cfn.stack_set import stage_templates
from compiler.ir.model import StackIR

KINDS = ("cluster", "endpoint", "service", "monitoring")
VARIANTS = [("api-gateway", "ec2"), ("alb", "fargate"), ("api-gateway", "fargate"), ("alb", "ec2")]


def _templates(endpoint: str, compute: str) -> tuple[StackIR, dict[str, Any]]:
    ir = variant(endpoint=endpoint, compute=compute)
    return ir, stage_templates(ir, ir.stages[0], "yaml")


def _stacks(template: Any) -> dict[str, dict[str, Any]]:
    return {
        k: v["Properties"]
        for k, v in resources(template).items()
        if v["Type"] == "AWS::CloudFormation::Stack"
    }


def _getatts(value: Any) -> list[tuple[str, str]]:
    """Every (child logical ID, output name) a value reads through Fn::GetAtt."""
    text = json.dumps(value)
    found = []
    for chunk in text.split('{"Fn::GetAtt": ["')[1:]:
        child, attribute = chunk.split('"]')[0].split('", "')
        found.append((child, attribute.removeprefix("Outputs.")))
    return found


@pytest.mark.parametrize(("endpoint", "compute"), VARIANTS[:2])
def test_stage_template_lints_clean(endpoint: str, compute: str) -> None:
    _, templates = _templates(endpoint, compute)
    assert lint_problems(templates["stage-dev"]) == ()


def test_parameters_are_exactly_the_stage_interface() -> None:
    _, templates = _templates("api-gateway", "ec2")
    assert sorted(parameters(templates["stage-dev"])) == sorted(STAGE_PARAMETERS)
    assert sorted(outputs(templates["stage-dev"])) == sorted(o.value for o in StageOut)


@pytest.mark.parametrize(("endpoint", "compute"), VARIANTS)
def test_every_child_gets_exactly_its_parameters_from_real_outputs(
    endpoint: str, compute: str
) -> None:
    _, templates = _templates(endpoint, compute)
    stacks = _stacks(templates["stage-dev"])
    ids = {child_id(kind): kind for kind in KINDS}
    assert set(stacks) == set(ids)
    for logical, props in stacks.items():
        child = templates[f"{ids[logical]}-dev"]
        required = {k for k, v in parameters(child).items() if "Default" not in v}
        given = set(props.get("Parameters", {}))
        assert required <= given <= set(parameters(child)), logical
    everything = [*stacks.values(), outputs(templates["stage-dev"])]
    for producer, name in _getatts(everything):
        assert name in outputs(templates[f"{ids[producer]}-dev"]), (producer, name)


def test_children_depend_in_order_without_cycles() -> None:
    _, templates = _templates("alb", "ec2")
    stacks = _stacks(templates["stage-dev"])
    graph = {child: {p for p, _ in _getatts(props)} for child, props in stacks.items()}
    assert graph["ServiceStack"] == {"ClusterStack", "EndpointStack"}
    assert "ServiceStack" in graph["MonitoringStack"]
    assert graph["ClusterStack"] == set() and graph["EndpointStack"] == set()
    order = list(TopologicalSorter(graph).static_order())
    assert order.index("ServiceStack") < order.index("MonitoringStack")


@pytest.mark.parametrize("ext", ["yaml", "json"])
def test_template_urls_name_each_child_by_the_sha256_of_its_text(ext: str) -> None:
    ir = example_ir("crud-api")
    for stage in ir.stages:
        templates = stage_templates(ir, stage, ext)
        stacks = _stacks(templates[f"stage-{stage.name}"])
        for kind in KINDS:
            text = render_template(templates[f"{kind}-{stage.name}"], ext)
            digest = hashlib.sha256(text.encode()).hexdigest()[:12]
            url = stacks[child_id(kind)]["TemplateURL"]["Fn::Sub"]
            assert url == (
                "https://${TemplateBucket}.s3.${AWS::Region}.${AWS::URLSuffix}/${TemplatePrefix}"
                f"{kind}-{stage.name}.{digest}.{ext}"
            )


def test_stage_templates_lists_every_file_of_each_stage() -> None:
    ir = example_ir("crud-api")
    stems = [sorted(stage_templates(ir, s, "yaml")) for s in ir.stages]
    assert stems == [sorted(f"{k}-{s.name}" for k in ("stage", *KINDS)) for s in ir.stages]


def test_same_ir_same_bytes() -> None:
    first = {k: render_template(t) for k, t in _templates("api-gateway", "ec2")[1].items()}
    second = {k: render_template(t) for k, t in _templates("api-gateway", "ec2")[1].items()}
    assert first == second


def test_a_missing_wire_is_refused_by_name() -> None:
    _, templates = _templates("api-gateway", "ec2")
    rule = json.loads(templates["stage-dev"].to_json())["Rules"]["WiringGiven"]
    descriptions = " ".join(a["AssertDescription"] for a in rule["Assertions"])
    assert "'VpcId'" in descriptions and "TemplatePrefix" not in descriptions
    assert len(rule["Assertions"]) == len(STAGE_PARAMETERS) - 1


@pytest.mark.parametrize(("endpoint", "compute"), VARIANTS[:2])
def test_every_taggable_resource_carries_the_stack_tags(endpoint: str, compute: str) -> None:
    ir = variant(endpoint=endpoint, compute=compute, tags={"team": "platform", "cost-center": "42"})
    for stem, template in stage_templates(ir, ir.stages[0], "yaml").items():
        assert untagged(template, dict(ir.tags)) == [], stem
