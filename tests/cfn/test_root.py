"""root.yaml: nests every child and wires them only through parameters and outputs."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from cfn_templates import lint_problems, template_dict
from delivery_irs import source_spec, stack_ir

from compiler.cfn.common.names import readable_file
from compiler.cfn.render import render_template
from compiler.cfn.stack_set import build_templates
from compiler.ir.model import StackIR


def _compiled(ir: StackIR) -> dict[str, dict[str, Any]]:
    """Every template by its file name without the content address ('network.yaml')."""
    return {
        readable_file(name): template_dict(t) for name, t in build_templates(ir, "yaml").items()
    }


@pytest.fixture(scope="module")
def three_stages() -> dict[str, dict[str, Any]]:
    return _compiled(stack_ir(stages=("dev", "qa", "prod"), approvals=("prod",)))


def _getatts(node: Any) -> list[list[str]]:
    """Every Fn::GetAtt under `node`."""
    if isinstance(node, dict):
        found = [node["Fn::GetAtt"]] if "Fn::GetAtt" in node else []
        return found + [g for value in node.values() for g in _getatts(value)]
    if isinstance(node, list):
        return [g for value in node for g in _getatts(value)]
    return []


def test_root_lints_clean() -> None:
    root = build_templates(stack_ir(stages=("dev", "prod")), "yaml")["root.yaml"]
    assert lint_problems(root) == ()


def test_children_are_nested_stacks_in_dependency_order(three_stages: dict[str, Any]) -> None:
    resources = three_stages["root.yaml"]["Resources"]
    assert list(resources) == sorted(resources)  # the serializer sorts; order comes from wiring
    assert set(resources) == {"Network", "Registry", "StageDev", "StageQa", "StageProd", "Pipeline"}
    for name, body in resources.items():
        assert body["Type"] == "AWS::CloudFormation::Stack", name
        url = body["Properties"]["TemplateURL"]["Fn::Sub"]
        assert url.startswith(
            "https://${TemplateBucket}.s3.${AWS::Region}.${AWS::URLSuffix}/${TemplatePrefix}"
        )


def test_parameters_are_the_template_location_and_the_networks_zones(
    three_stages: dict[str, Any],
) -> None:
    params = three_stages["root.yaml"]["Parameters"]
    network_params = three_stages["network.yaml"].get("Parameters", {})
    assert set(params) == {"TemplateBucket", "TemplatePrefix"} | set(network_params)
    assert {"Az1", "Az2"} <= set(params)
    assert params["TemplatePrefix"]["Default"] == ""
    assert "Default" not in params["TemplateBucket"]


def test_every_child_parameter_is_wired_to_a_root_parameter_or_a_real_output(
    three_stages: dict[str, Any],
) -> None:
    root = three_stages["root.yaml"]
    file_of = {
        readable_file(body["Properties"]["TemplateURL"]["Fn::Sub"].rsplit("}", 1)[1]): name
        for name, body in root["Resources"].items()
    }
    outputs = {
        file_of[f]: set(t.get("Outputs", {})) for f, t in three_stages.items() if f in file_of
    }
    for name, body in root["Resources"].items():
        child = three_stages[next(f for f, n in file_of.items() if n == name)]
        given = body["Properties"].get("Parameters", {})
        assert set(given) == set(child.get("Parameters", {})), name
        for value in given.values():
            if "Ref" in value:
                assert value["Ref"] in root["Parameters"]
            else:
                (target, attribute) = value["Fn::GetAtt"]
                assert attribute.removeprefix("Outputs.") in outputs[target], (name, value)
    for target, attribute in _getatts(root["Outputs"]):
        assert attribute.removeprefix("Outputs.") in outputs[target]


def test_no_exports_or_imports_anywhere(three_stages: dict[str, Any]) -> None:
    for name, template in three_stages.items():
        text = json.dumps(template)
        assert "Fn::ImportValue" not in text, name
        assert all("Export" not in out for out in template.get("Outputs", {}).values()), name


def test_outputs_a_person_needs(three_stages: dict[str, Any]) -> None:
    outputs = three_stages["root.yaml"]["Outputs"]
    for stage in ("Dev", "Qa", "Prod"):
        assert f"{stage}EndpointUrl" in outputs and f"{stage}ServiceConsoleUrl" in outputs
    assert {"RepositoryUri", "PipelineName", "PipelineConsoleUrl", "ConnectionArn"} <= set(outputs)
    console = outputs["PipelineConsoleUrl"]["Value"]["Fn::Sub"][0]
    assert "${AWS::Region}" in console and "codepipeline/pipelines/${P}" in console


def test_a_given_connection_is_not_an_output_but_an_s3_source_is() -> None:
    given = source_spec(
        "github", connection_arn="arn:aws:codeconnections:us-east-1:123456789012:connection/x"
    )
    outputs = _compiled(stack_ir(source=given))["root.yaml"]["Outputs"]
    assert "ConnectionArn" not in outputs
    hooked = _compiled(stack_ir(source=source_spec("s3", webhook=True)))["root.yaml"]["Outputs"]
    assert {"SourceBucketName", "WebhookUrl", "WebhookSecretArn"} <= set(hooked)


def test_description_comes_from_the_spec() -> None:
    root = build_templates(stack_ir(), "json")["root.json"]
    assert template_dict(root)["Description"] == "CRUD demo API"
    assert '"TemplateURL"' in render_template(root, "json")
    assert re.search(r"network\.[0-9a-f]{12}\.json", render_template(root, "json"))
