"""The one serializer: a troposphere Template to YAML or JSON text with sorted keys.

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

import yaml
from troposphere import Template

TemplateFormat = Literal["yaml", "json"]


class _BlockDumper(yaml.SafeDumper):
    """Safe dumper that writes multi-line strings (inline code, buildspecs) as | blocks."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _str_representer)


# cfn-lint E1029's shape of a substitution variable
_SUBSTITUTION = re.compile(r"\$\{([A-Za-z0-9_:.]+)\}")
# top-level sections whose strings cannot be intrinsic functions (the front end rejects
# such text in the Description, the only spec value that reaches them)
_SPLIT_SUBSTITUTION = re.compile(r"(?<=\$)(?=\{)")
_LITERAL_SECTIONS = frozenset({"AWSTemplateFormatVersion", "Description", "Parameters",
                               "Outputs", "Rules", "Metadata"})  # fmt: skip


def _names_a_reference(text: str, names: frozenset[str]) -> bool:
    # E1029 fires only for a parameter, a resource (or its attribute) or a pseudo parameter
    return any(
        var.startswith("AWS::") or var.split(".")[0] in names for var in _SUBSTITUTION.findall(text)
    )


def _literal(value: Any, names: frozenset[str]) -> Any:
    """`value` with each string that reads as a substitution written as an Fn::Join."""
    if isinstance(value, str):
        if not _names_a_reference(value, names):
            return value
        return {"Fn::Join": ["", _SPLIT_SUBSTITUTION.split(value)]}
    if isinstance(value, list):
        return [_literal(item, names) for item in value]
    if isinstance(value, dict):
        return {k: v if k == "Fn::Sub" else _literal(v, names) for k, v in value.items()}
    return value


def template_data(template: Template) -> dict[str, Any]:
    """The template as plain data (troposphere's own rendering, round-tripped via JSON)."""
    data: dict[str, Any] = json.loads(template.to_json())
    names = frozenset([*data.get("Parameters", {}), *data.get("Resources", {})])
    return {k: v if k in _LITERAL_SECTIONS else _literal(v, names) for k, v in data.items()}


def render_template(template: Template, fmt: TemplateFormat = "yaml") -> str:
    """Deterministic text of a template: same template, same bytes."""
    data = template_data(template)
    if fmt == "json":
        return json.dumps(data, indent=2, sort_keys=True) + "\n"
    return yaml.dump(data, Dumper=_BlockDumper, sort_keys=True, default_flow_style=False, width=100)
