"""The one serializer: a troposphere Template to YAML or JSON text with sorted keys."""

from __future__ import annotations

import json
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


def template_data(template: Template) -> dict[str, Any]:
    """The template as plain data (troposphere's own rendering, round-tripped via JSON)."""
    data: dict[str, Any] = json.loads(template.to_json())
    return data


def render_template(template: Template, fmt: TemplateFormat = "yaml") -> str:
    """Deterministic text of a template: same template, same bytes."""
    data = template_data(template)
    if fmt == "json":
        return json.dumps(data, indent=2, sort_keys=True) + "\n"
    return yaml.dump(data, Dumper=_BlockDumper, sort_keys=True, default_flow_style=False, width=100)
