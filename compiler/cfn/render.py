"""The one serializer: a troposphere Template to YAML or JSON text, in the order people
write templates.

Sections follow AWS's template anatomy (format version, description, parameters, ...,
resources, outputs); an entry of Parameters, Resources or Outputs starts with the keys a
reader looks for first (a resource's Type, then its attributes, then Properties); every
other mapping is sorted, so the same template always gives the same bytes. YAML uses the
short-form intrinsics (compiler/template_yaml.py); JSON stays long-form.

A spec value that reads like a substitution (`${AWS::Region}` in an environment value, a
branch, a command) is literal text, but cfn-lint (E1029) takes it for an Fn::Sub someone
forgot. Such a string is written as an Fn::Join of pieces split between `$` and `{`: the
same text, with no piece that reads as a reference (an escaped `${!...}` Fn::Sub would be
W1020, a Sub without variables).
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from troposphere import AWSHelperFn, BaseAWSObject, Template

from compiler.template_yaml import dump_template

TemplateFormat = Literal["yaml", "json"]

# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html
SECTIONS = (
    "AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules", "Mappings",
    "Conditions", "Transform", "Resources", "Outputs",
)  # fmt: skip
_RESOURCE_KEYS = (
    "Type", "Condition", "DependsOn", "DeletionPolicy", "UpdateReplacePolicy", "Metadata",
    "Properties",
)  # fmt: skip
# section -> the keys its entries start with, in this order; the others follow, sorted
ENTRY_KEYS: dict[str, tuple[str, ...]] = {
    "Parameters": ("Type", "Description", "Default"),
    "Resources": _RESOURCE_KEYS,
    "Outputs": ("Description", "Condition", "Value", "Export"),
}

# cfn-lint E1029's shape of a substitution variable
_SUBSTITUTION = re.compile(r"\$\{([A-Za-z0-9_:.]+)\}")
_SPLIT_SUBSTITUTION = re.compile(r"(?<=\$)(?=\{)")
# top-level sections whose strings cannot be intrinsic functions (the front end rejects
# such text in the Description, the only spec value that reaches them)
_LITERAL_SECTIONS = frozenset({"AWSTemplateFormatVersion", "Description", "Parameters",
                               "Outputs", "Rules", "Metadata"})  # fmt: skip


def template_data(template: Template) -> dict[str, Any]:
    """The template as plain data, its mappings in the order they are written."""
    data = _sections(template)
    names = frozenset([*data.get("Parameters", {}), *data.get("Resources", {})])
    rank = {name: i for i, name in enumerate(SECTIONS)}
    ordered = {}
    for section in sorted(data, key=lambda name: (rank.get(name, len(rank)), name)):
        body, first = data[section], ENTRY_KEYS.get(section)
        refs = None if section in _LITERAL_SECTIONS else names
        if first is None or not isinstance(body, dict):
            ordered[section] = _sorted(body, refs)
        else:
            ordered[section] = {name: _entry(body[name], first, refs) for name in sorted(body)}
    return ordered


def plain_data(value: Any) -> Any:
    """A troposphere object or template (or data holding some) as plain data, mappings
    sorted: what its to_dict() gives, validated the same way, in one walk."""
    return _sorted(value, None)


def _sections(template: Template) -> dict[str, Any]:
    """The sections Template.to_dict() writes, their troposphere objects not yet encoded."""
    sections = {
        "AWSTemplateFormatVersion": template.version, "Description": template.description,
        "Metadata": template.metadata, "Parameters": template.parameters,
        "Rules": template.rules, "Mappings": template.mappings,
        "Conditions": template.conditions, "Transform": template.transform,
        "Globals": template.globals, "Outputs": template.outputs,
    }  # fmt: skip
    return {k: v for k, v in sections.items() if v} | {"Resources": template.resources}


def _own_data(value: Any) -> Any:
    """One troposphere object's data, the objects inside it not yet encoded. troposphere's
    to_dict() encodes each nested object's already encoded dict again, once per level of
    nesting (a sixth of a compile's time, before this walk took its place)."""
    if isinstance(value, Template):
        return _sections(value)
    kind = type(value)
    if kind.to_dict is BaseAWSObject.to_dict:  # as to_dict(validation=True) checks it
        if value.do_validation:
            value._validate_props()
            value.validate()
        if value.properties:
            return value.resource
        if hasattr(value, "resource_type"):  # a resource without properties: its attributes
            return {k: v for k, v in value.resource.items() if k != "Properties"}
        return {}
    if kind.to_dict is AWSHelperFn.to_dict:
        return value.data
    return value.to_dict()  # its own to_dict (Tags, ...): already plain


def _entry(entry: Any, first: tuple[str, ...], refs: frozenset[str] | None) -> Any:
    entry = _own_data(entry) if hasattr(entry, "to_dict") else entry
    keys = [k for k in first if k in entry] + sorted(k for k in entry if k not in first)
    return {key: _sorted(entry[key], refs) for key in keys}


def _sorted(value: Any, refs: frozenset[str] | None) -> Any:
    """`value` with its mappings sorted and, when `refs` names the template's parameters and
    resources, each string that reads as a substitution of one written as an Fn::Join."""
    if isinstance(value, str):
        if refs is None or "${" not in value or not _names_a_reference(value, refs):
            return value
        return {"Fn::Join": ["", _SPLIT_SUBSTITUTION.split(value)]}
    if isinstance(value, dict):  # an Fn::Sub's own text is a substitution
        return {k: _sorted(value[k], None if k == "Fn::Sub" else refs) for k in sorted(value)}
    if isinstance(value, (list, tuple)):
        return [_sorted(item, refs) for item in value]
    if hasattr(value, "to_dict"):
        return _sorted(_own_data(value), refs)
    return value


def _names_a_reference(text: str, names: frozenset[str]) -> bool:
    # E1029 fires only for a parameter, a resource (or its attribute) or a pseudo parameter
    return any(
        var.startswith("AWS::") or var.split(".")[0] in names for var in _SUBSTITUTION.findall(text)
    )


def render_template(template: Template, fmt: TemplateFormat = "yaml") -> str:
    """Deterministic text of a template: same template, same bytes."""
    data = template_data(template)
    if fmt == "json":
        return json.dumps(data, indent=2) + "\n"
    return dump_template(data)
