"""`$ref` lookup in the language schema: one reading for defaults, the key walk and the docs."""

from __future__ import annotations

from typing import Any

import pytest

from compiler.spec.language_schema import deref, load_schema
from compiler.spec.resolve import apply_defaults

PORT = {"type": "integer", "default": 8080, "description": "the port"}
ROOT: dict[str, Any] = {"$defs": {"port": PORT, "alias": {"$ref": "#/$defs/port"}}}


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        ({"type": "string"}, {"type": "string"}),
        ({"$ref": "#/$defs/port"}, PORT),
        ({"$ref": "#/$defs/alias"}, PORT),
        ({"$ref": "#/$defs/port", "description": "mine"}, {**PORT, "description": "mine"}),
    ],
    ids=["no-ref", "ref", "chained-ref", "own-keys-win"],
)
def test_deref(node: dict[str, Any], expected: dict[str, Any]) -> None:
    assert deref(node, ROOT) == expected


def test_defaults_are_found_through_refs() -> None:
    schema = {**ROOT, "properties": {"app": {"properties": {"port": {"$ref": "#/$defs/alias"}}}}}
    value: dict[str, Any] = {"app": {}}
    apply_defaults(schema, value, schema)
    assert value == {"app": {"port": 8080}}


def test_every_ref_in_the_shipped_schema_resolves() -> None:
    root = load_schema()

    def refs(node: Any) -> list[dict[str, Any]]:
        if isinstance(node, dict):
            own = [node] if "$ref" in node else []
            return own + [r for sub in node.values() for r in refs(sub)]
        if isinstance(node, list):
            return [r for sub in node for r in refs(sub)]
        return []

    found = refs(root)
    assert found
    assert all("$ref" not in deref(node, root) for node in found)
