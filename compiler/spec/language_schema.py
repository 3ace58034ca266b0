"""The shipped JSON Schema of tinystack.yaml, and `$ref` lookup within it.

Everything that reads the schema as data (defaults in resolve.py, the key walk in
schema_index.py, the validator in schema_check.py, the reference doc) reads it here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from typing import Any

from compiler.shipped import shipped_dir


@cache
def load_schema() -> dict[str, Any]:
    """The shipped JSON Schema of tinystack.yaml."""
    text = (shipped_dir("schemas") / "tinystack.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def deref(node: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    """`node` with a `$ref` replaced by its target (the node's own keys win)."""
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return node
    target: Any = root
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    merged = dict(deref(target, root))
    merged.update({k: v for k, v in node.items() if k != "$ref"})
    return merged


def without_unknown_keys(value: Any, node: Mapping[str, Any] | None = None) -> Any:
    """A copy of `value` keeping only the keys the schema knows (for checks after typos)."""
    root = load_schema()
    schema = deref(node if node is not None else root, root)
    if isinstance(value, dict):
        known = schema.get("properties")
        if known is None:  # free-named mappings (environment, tags): every key is fine
            return dict(value)
        return {k: without_unknown_keys(v, known[k]) for k, v in value.items() if k in known}
    if isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        return [without_unknown_keys(item, schema["items"]) for item in value]
    return value
