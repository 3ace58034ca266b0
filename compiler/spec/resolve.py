"""Stage resolution: merge each stage's overrides over the top-level values, then defaults.

The language (docs/spec.md `stages`): mappings merge deeply, lists and scalars replace,
and defaults apply after the merge (so `min: 2` in a stage also makes that stage's
`desired` 2). Every value
remembers the path it was written at, so a check on a merged value points at the
line the user wrote. Defaults come only from the schema's `default` keywords.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from compiler.spec.compose import KeyPath
from compiler.spec.language_schema import deref, load_schema

# Top-level keys a stage may override, and where the stage's value lands in the merged view.
_STAGE_OVERRIDES: dict[str, tuple[str, ...]] = {
    "scale": ("scale",),
    "endpoint": ("endpoint",),
    "compute": ("compute",),
    "scaling": ("scaling",),
    "traffic": ("traffic",),
    "environment": ("app", "environment"),
    "secrets": ("app", "secrets"),
    "exec": ("app", "exec"),
    "data": ("data",),
}
# The per-stage view: these top-level keys, merged with the stage's overrides.
STAGE_KEYS: tuple[str, ...] = (
    "scale",
    "app",
    "compute",
    "scaling",
    "endpoint",
    "traffic",
    "data",
)
DEFAULT_STAGE_NAME = "dev"


def apply_defaults(node: Mapping[str, Any], value: dict[str, Any], root: Mapping[str, Any]) -> None:
    """Fill `value` in place with the defaults of schema `node`, recursing into mappings
    (the values of a map too, e.g. each table of `data.tables`)."""
    node = deref(node, root)
    properties = node.get("properties", {})
    for key, sub in properties.items():
        sub = deref(sub, root)
        if key not in value and "default" in sub:
            value[key] = copy.deepcopy(sub["default"])
        if isinstance(value.get(key), dict):
            apply_defaults(sub, value[key], root)
    entries = node.get("additionalProperties")
    if isinstance(entries, dict):
        for key, sub_value in value.items():
            if key not in properties and isinstance(sub_value, dict):
                apply_defaults(entries, sub_value, root)


@dataclass(frozen=True)
class ResolvedStage:
    """One stage's merged, defaulted values and where each written value came from."""

    name: str
    index: int
    approval: bool
    values: dict[str, Any]
    origins: Mapping[KeyPath, KeyPath] = field(repr=False)
    entry: KeyPath  # the stage's own entry: ("stages", i), or () for the implicit stage

    def overrides(self, key: str) -> bool:
        """Whether the stage's own entry writes top-level key `key` (e.g. its `traffic`)."""
        written = self.origins.get((key,))
        return written is not None and written[:1] == ("stages",)

    def origin(self, path: tuple[str, ...]) -> KeyPath:
        """Where the value at `path` was written, else its nearest written ancestor."""
        for end in range(len(path), 0, -1):
            found = self.origins.get(path[:end])
            if found is not None:
                return found
        return self.entry


@dataclass(frozen=True)
class ResolvedSpec:
    data: dict[str, Any]  # the whole document with top-level defaults applied
    stages: tuple[ResolvedStage, ...]


def _record(origins: dict[KeyPath, KeyPath], at: KeyPath, src: KeyPath, value: Any) -> None:
    origins[at] = src
    if isinstance(value, dict):
        for key, sub in value.items():
            _record(origins, (*at, key), (*src, key), sub)


def _merge(
    target: dict[str, Any],
    at: tuple[str, ...],
    value: Any,
    src: KeyPath,
    origins: dict[KeyPath, KeyPath],
) -> None:
    """Merge `value` into `target` at path `at`: mappings deeply, anything else replaces."""
    parent = target
    for key in at[:-1]:
        parent = parent.setdefault(key, {})
    key = at[-1]
    if isinstance(value, dict) and isinstance(parent.get(key), dict):
        origins[at] = src
        for sub_key, sub in value.items():
            _merge(target, (*at, sub_key), sub, (*src, sub_key), origins)
        return
    parent[key] = copy.deepcopy(value)
    _record(origins, at, src, value)


def _resolve_stage(
    data: Mapping[str, Any], raw: Mapping[str, Any], index: int | None
) -> ResolvedStage:
    root = load_schema()
    values: dict[str, Any] = {}
    origins: dict[KeyPath, KeyPath] = {}
    for key in STAGE_KEYS:
        if key in data:
            _merge(values, (key,), data[key], (key,), origins)
    entry: KeyPath = () if index is None else ("stages", index)
    for key, lands_at in _STAGE_OVERRIDES.items():
        if key in raw:
            _merge(values, lands_at, raw[key], (*entry, key), origins)
    for key in STAGE_KEYS:
        sub = deref(root["properties"][key], root)
        if key not in values and "default" in sub:
            values[key] = copy.deepcopy(sub["default"])
        if isinstance(values.get(key), dict):
            apply_defaults(sub, values[key], root)
    name = raw.get("name", DEFAULT_STAGE_NAME)
    return ResolvedStage(
        # a name or approval the schema refused is a stand-in here (compiler.spec.broken)
        name=name if isinstance(name, str) else f"#{(index or 0) + 1}",
        index=index or 0,
        approval=raw.get("approval") is True,
        values=values,
        origins=origins,
        entry=entry,
    )


def resolve_spec(data: Mapping[str, Any]) -> ResolvedSpec:
    """Defaults for the whole document, and the merged view of each stage."""
    top = copy.deepcopy(dict(data))
    apply_defaults(load_schema(), top, load_schema())
    raw_stages = data.get("stages")
    if isinstance(raw_stages, list) and raw_stages:
        stages = tuple(
            _resolve_stage(data, raw, i)
            for i, raw in enumerate(raw_stages)
            if isinstance(raw, dict)  # else the schema refused it
        )
    else:
        stages = (_resolve_stage(data, {}, None),)
    return ResolvedSpec(data=top, stages=stages)
