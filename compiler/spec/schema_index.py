"""A walk over the language schema: every key with its dotted path and (dereferenced) schema.

Used for "'instance_type' belongs under 'compute'" hints and to generate docs/spec.md.
List items appear as `[]` in paths: `stages[].name`; the entries of a map whose values are
mappings (`data.tables`) as `<name>`: `data.tables.<name>.partition_key`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from compiler.spec.language_schema import deref, load_schema


@dataclass(frozen=True)
class SchemaKey:
    """One key the language allows."""

    path: str  # dotted, e.g. `app.health_check.path` or `stages[].name`
    parent: str  # dotted path of the mapping holding it ('' at the top)
    name: str
    schema: Mapping[str, Any]  # dereferenced, with the referring node's own description
    required: bool
    depth: int


def walk(root: Mapping[str, Any]) -> Iterator[SchemaKey]:
    """Every key of `root`'s mappings, depth first, in schema order."""
    yield from _walk(root, root, "", 0)


def _walk(node: Mapping[str, Any], root: Mapping[str, Any], parent: str,
          depth: int) -> Iterator[SchemaKey]:  # fmt: skip
    node = deref(node, root)
    required = set(node.get("required", ()))
    for name, sub in node.get("properties", {}).items():
        sub = deref(sub, root)
        path = f"{parent}.{name}" if parent else name
        yield SchemaKey(path, parent, name, sub, name in required, depth)
        entries = sub.get("additionalProperties")
        if sub.get("type") == "array" and isinstance(sub.get("items"), Mapping):
            yield from _walk(sub["items"], root, f"{path}[]", depth + 1)
        elif isinstance(entries, Mapping):
            yield from _walk(entries, root, f"{path}.<name>", depth + 1)
        else:
            yield from _walk(sub, root, path, depth + 1)


@cache
def key_homes() -> Mapping[str, tuple[str, ...]]:
    """Key name -> dotted paths of the mappings that allow it (stage overrides left out)."""
    homes: dict[str, list[str]] = {}
    for key in walk(load_schema()):
        if key.parent.startswith("stages[]."):
            continue  # an override repeats a top-level key; the top-level home is the answer
        homes.setdefault(key.name, []).append(key.parent)
    return {name: tuple(parents) for name, parents in homes.items()}
