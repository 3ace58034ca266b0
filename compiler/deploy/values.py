"""Old -> new values of a change set's modified properties, from the templates themselves.

The change set says which resources and top-level properties change; the values come from
comparing the deployed template of each nested stack (GetTemplate) with the one about to
be deployed, leaf by leaf (`MaxCapacity: 5 -> 8`, `ContainerDefinitions[0].Cpu: 256 ->
512`). A property the change set names whose template value did not change takes a new
value from a changed parameter. Properties the compiler itself keeps (the desired-count
fingerprint) are not a change a person made: they are shown as the reason instead.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import yaml

from compiler.deploy.aws import Aws
from compiler.deploy.changes import ChangeSummary, PropertyChange, ResourceChange, StackChanges
from compiler.template_yaml import load_template

_MISSING = object()
_SHOWN_CHARS = 70  # a value longer than this is cut: the line stays readable
_MAX_VALUES = 8  # per resource; the rest is counted

# (resource type, property) -> why it changes although nobody edited it
BOOKKEEPING: dict[tuple[str, str], str] = {
    ("Custom::DesiredCount", "Fingerprint"): (
        "asks again for the service's running task count, because its Service or "
        "ScalableTarget changes (so the update keeps the count autoscaling set)"
    ),
    ("Custom::DesiredCount", "Inputs"): (
        "asks again for the service's running task count, because a value its Service or "
        "ScalableTarget reads changes"
    ),
}


def bookkeeping_reason(resource_type: str, properties: tuple[str, ...]) -> str:
    """Why the compiler's own bookkeeping changes this resource ('' when it does not)."""
    reasons = [
        BOOKKEEPING[(resource_type, p)] for p in properties if (resource_type, p) in BOOKKEEPING
    ]
    return reasons[0] if reasons else ""


def is_bookkeeping(resource_type: str, prop: str) -> bool:
    return (resource_type, prop) in BOOKKEEPING


def parse_template(body: Any) -> dict[str, Any]:
    """A template body as GetTemplate returns it (text, or JSON already parsed)."""
    if isinstance(body, dict):
        return body
    try:
        data = json.loads(body) if str(body).lstrip().startswith("{") else load_template(body)
    except (ValueError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _leaves(before: Any, after: Any, path: str) -> list[PropertyChange]:
    if before == after:
        return []
    if isinstance(before, dict) and isinstance(after, dict):
        keys = sorted(set(before) | set(after))
        return [
            change
            for key in keys
            for change in _leaves(
                before.get(key, _MISSING),
                after.get(key, _MISSING),
                f"{path}.{key}" if path else key,
            )
        ]
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [
            c
            for i, (b, a) in enumerate(zip(before, after, strict=True))
            for c in _leaves(b, a, f"{path}[{i}]")
        ]
    return [
        PropertyChange(
            path, None if before is _MISSING else before, None if after is _MISSING else after
        )
    ]


def property_changes(
    old: dict[str, Any], new: dict[str, Any], names: tuple[str, ...]
) -> list[PropertyChange]:
    """The leaf values that differ under the named top-level properties."""
    return [
        change
        for name in names
        for change in _leaves(old.get(name, _MISSING), new.get(name, _MISSING), name)
    ]


def shown(value: Any) -> str:
    """A value as one short line: scalars as they are, structures as compact JSON."""
    if value is None:
        return "(none)"
    text = (
        value
        if isinstance(value, str)
        else json.dumps(value, sort_keys=True, separators=(",", ":"))
    )
    text = text.replace("\n", "\\n")
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 3] + "..."


def value_lines(changes: tuple[PropertyChange, ...]) -> list[str]:
    """'path: old -> new' per change, at most _MAX_VALUES, then how many more."""
    lines = [f"{c.path}: {shown(c.before)} -> {shown(c.after)}" for c in changes[:_MAX_VALUES]]
    if len(changes) > _MAX_VALUES:
        lines.append(f"... and {len(changes) - _MAX_VALUES} more")
    return lines


def _properties(template: dict[str, Any], logical_id: str) -> dict[str, Any]:
    body = (template.get("Resources") or {}).get(logical_id) or {}
    props = body.get("Properties") if isinstance(body, dict) else None
    return props if isinstance(props, dict) else {}


def _explained(change: ResourceChange, old: dict[str, Any], new: dict[str, Any]) -> ResourceChange:
    if change.action != "Modify":
        return change
    own = tuple(p for p in change.properties if not is_bookkeeping(change.resource_type, p))
    values = property_changes(
        _properties(old, change.logical_id), _properties(new, change.logical_id), own
    )
    reason = bookkeeping_reason(change.resource_type, change.properties)
    return replace(change, values=tuple(values), reason=reason)


def deployed_template(aws: Aws, stack_id: str) -> dict[str, Any]:
    """The template a stack runs now, parsed."""
    return parse_template(
        aws.call("cloudformation", "get_template", StackName=stack_id).get("TemplateBody")
    )


def _stack(aws: Aws, section: StackChanges, new: dict[str, Any] | None) -> StackChanges:
    modified = [c for c in section.changes if c.action == "Modify"]
    if not modified or not section.stack_id or new is None:
        return section
    old = deployed_template(aws, section.stack_id)
    return replace(section, changes=tuple(_explained(c, old, new) for c in section.changes))


def with_values(
    aws: Aws, summary: ChangeSummary, templates: dict[str, dict[str, Any]]
) -> ChangeSummary:
    """`summary` with the old and new value of every modified property.

    `templates` holds the templates about to be deployed by stack label ('service-dev').
    """
    stacks = tuple(_stack(aws, s, templates.get(s.label)) for s in summary.stacks)
    return replace(summary, stacks=stacks)


def property_lines(change: ResourceChange) -> list[str]:
    """What to print under a modified resource: its values, or where a change comes from."""
    if change.values is None:
        return []  # the templates were not compared (a stack created now has no old one)
    lines = value_lines(change.values)
    covered = {v.path.split(".")[0].split("[")[0] for v in change.values}
    for name in change.properties:
        if name not in covered and not is_bookkeeping(change.resource_type, name):
            lines.append(f"{name}: takes a new value from a changed parameter")
    return lines
