"""Template values moto reads differently from CloudFormation, made to read the same.

`!GetAtt Stage.Outputs.Url` splits at the first dot (moto split at every dot, so a nested
stack's output read as attribute `Outputs`). Property values moto is stricter about are
normalised (`_PROPERTY_FIXES`), generated names follow the service's rules, and a type
moto does not support fails its resource instead of being skipped silently.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from moto.cloudformation import models, parsing, responses, utils
from moto.cloudformation.exceptions import ValidationError


def _desired_count_as_int(props: dict[str, Any]) -> None:
    # CloudFormation converts a string (e.g. a custom resource's Data value); moto does not
    if isinstance(props.get("DesiredCount"), str):
        props["DesiredCount"] = int(props["DesiredCount"])


def _rules_with_ports(props: dict[str, Any]) -> None:
    # an all-protocols rule (-1) has no ports in CloudFormation; moto requires FromPort
    for key in ("SecurityGroupIngress", "SecurityGroupEgress"):
        for rule in props.get(key) or []:
            rule.setdefault("FromPort", -1)
            rule.setdefault("ToPort", -1)


def _policies_as_json(props: dict[str, Any]) -> None:
    # moto keeps an inline policy as given; GetRolePolicy must answer JSON, not a dict's repr
    for policy in props.get("Policies") or []:
        if isinstance(policy.get("PolicyDocument"), dict):
            policy["PolicyDocument"] = json.dumps(policy["PolicyDocument"])


# resource type -> fix applied to its resolved properties before moto reads them
_PROPERTY_FIXES = {
    "AWS::ECS::Service": _desired_count_as_int,
    "AWS::EC2::SecurityGroup": _rules_with_ports,
    "AWS::IAM::Role": _policies_as_json,
}


_LOWERCASE_NAMES = ("AWS::ECR::Repository",)


def _patch_generated_names() -> None:
    """Generated names follow the service's rules (ECR: lowercase), as CloudFormation's do."""
    original = parsing.generate_resource_name

    def generate(resource_type: str, stack_name: str, logical_id: str) -> str:
        name = original(resource_type, stack_name, logical_id)
        return name.lower() if resource_type in _LOWERCASE_NAMES else name

    parsing.generate_resource_name = generate


def _patch_property_fixes() -> None:
    original = parsing.parse_resource

    def parse_resource(resource_json: dict[str, Any], resources_map: Any) -> Any:
        parsed = original(resource_json, resources_map)
        if parsed is not None and parsed[2] in _PROPERTY_FIXES:
            _PROPERTY_FIXES[parsed[2]](parsed[1].setdefault("Properties", {}))
        return parsed

    parsing.parse_resource = parse_resource


def _patch_unknown_types() -> None:
    """An unsupported type fails the resource instead of silently creating nothing."""
    original = parsing.resource_class_from_type

    def resource_class(resource_type: str) -> Any:
        found = original(resource_type)
        if found is None and resource_type not in parsing.NULL_MODELS:
            raise ValidationError(message=f"no moto support for {resource_type}")
        return found

    parsing.resource_class_from_type = resource_class


def _patch_short_form_getatt() -> None:
    """`!GetAtt A.B.C` is `[A, B.C]`, as CloudFormation reads it; other short forms as moto."""
    original = utils.yaml_tag_constructor

    def constructor(loader: Any, tag: str, node: Any) -> Any:
        if tag == "!GetAtt" and isinstance(node, yaml.ScalarNode):
            return {"Fn::GetAtt": node.value.split(".", 1)}
        return original(loader, tag, node)

    # models and responses imported the function by name; each registers it per parse
    for module in (utils, models, responses):
        module.yaml_tag_constructor = constructor


def install() -> None:
    """Apply every patch of this module."""
    _patch_short_form_getatt()
    _patch_unknown_types()
    _patch_property_fixes()
    _patch_generated_names()
