"""docs/spec.md, the users' reference of the language, generated from the schema.

Every key's type, default, allowed values and description come from
schemas/tinystack.schema.json; the worked examples from `reference_examples`; the
diagnostic codes from `codes`. `tsc schema --markdown` prints it and a test fails when
the committed docs/spec.md differs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from compiler.spec import check_loaded
from compiler.spec.code_examples import SITUATIONS, SPECS
from compiler.spec.codes import CODES
from compiler.spec.language_schema import deref, load_schema
from compiler.spec.load import MAX_BYTES, MAX_DEPTH, MAX_NODES, load_text
from compiler.spec.reference_examples import EXAMPLES
from compiler.spec.schema_index import SchemaKey, walk

_TYPES = {"integer": "integer", "number": "number", "string": "string", "boolean": "boolean",
          "object": "mapping", "array": "list"}  # fmt: skip
# schema keyword -> how the Allowed column states it
_LIMITS = {
    "minimum": ">= {}",
    "exclusiveMinimum": "> {}",
    "maximum": "<= {}",
    "minLength": "at least {} character(s)",
    "maxLength": "at most {} characters",
    "minItems": "at least {} item(s)",
    "maxItems": "at most {} items",
    "maxProperties": "at most {} keys",
}


_EXAMPLE_CHARS = 60  # a longer example line is cut, so the table stays readable


def _code(value: object) -> str:
    return f"`{json.dumps(value) if not isinstance(value, str) else value}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _type(schema: Mapping[str, Any]) -> str:
    given = schema.get("type", "")
    if isinstance(given, list):  # a union such as a number or `auto`
        return " or ".join(_TYPES.get(str(kind), str(kind)) for kind in given)
    kind = _TYPES.get(str(given), str(given))
    items = schema.get("items")
    if kind == "list" and isinstance(items, Mapping):
        return f"list of {_TYPES.get(str(items.get('type')), 'values')}"
    values = schema.get("additionalProperties")
    if kind == "mapping" and isinstance(values, Mapping):
        values = deref(values, load_schema())
        return f"map of {_TYPES.get(str(values.get('type')), 'values')}"
    return kind


def _allowed(schema: Mapping[str, Any]) -> str:
    parts: list[str] = []
    if "enum" in schema:
        parts.append(", ".join(_code(v) for v in schema["enum"]))
    items = schema.get("items")
    if isinstance(items, Mapping) and "enum" in items:
        parts.append("each of " + ", ".join(_code(v) for v in items["enum"]))
    parts += [text.format(schema[key]) for key, text in _LIMITS.items() if key in schema]
    if "pattern" in schema:
        parts.append(f"pattern `{schema['pattern']}`")
    names = schema.get("propertyNames")
    if isinstance(names, Mapping) and "pattern" in names:
        parts.append(f"keys match `{names['pattern']}`")
    return "; ".join(parts)


def _default(key: SchemaKey, overrides: frozenset[str]) -> str:
    if key.required:
        return "required"
    if key.parent == "stages[]" and key.name in overrides:
        return "the top-level value"
    if "default" not in key.schema or key.schema["default"] in ({}, None):
        return ""
    return _code(key.schema["default"])


def _row(key: SchemaKey, overrides: frozenset[str]) -> str:
    cells = [f"`{key.path}`", _type(key.schema), _default(key, overrides), _allowed(key.schema),
             str(key.schema.get("description", ""))]  # fmt: skip
    return "| " + " | ".join(_cell(cell) for cell in cells) + " |"


def _table(keys: list[SchemaKey], overrides: frozenset[str]) -> list[str]:
    head = ["| Key | Type | Default | Allowed | Description |", "|---|---|---|---|---|"]
    return head + [_row(key, overrides) for key in keys]


def _example(section: str) -> list[str]:
    return ["Example:", "", "```yaml", EXAMPLES[section].rstrip("\n"), "```", ""]


def _section(
    title: str, section: str, keys: list[SchemaKey], intro: str, overrides: frozenset[str]
) -> list[str]:
    lines = [f"## {title}", ""]
    if intro:
        lines += [intro, ""]
    return lines + _table(keys, overrides) + [""] + _example(section)


def _sections(schema: Mapping[str, Any]) -> list[str]:
    keys = [key for key in walk(schema) if not key.parent.startswith("stages[].")]
    top = [key for key in keys if key.depth == 0]
    # stage keys that override a top-level or app key take that value when unset
    overrides = frozenset(key.name for key in keys if key.parent in ("", "app"))
    scalars = [key for key in top if key.schema.get("type") not in ("object", "array")]
    lines = _section("Top-level keys", "", scalars, "", overrides)
    for key in top:
        if key in scalars:
            continue
        inner = [k for k in keys if k.path == key.path or k.path.startswith(key.path + ".")
                 or k.path.startswith(key.path + "[].")]  # fmt: skip
        intro = str(key.schema.get("description", ""))
        if key.name == "stages":
            intro += (
                " An override key of a stage takes the same keys as the top-level one. A "
                "stage's mapping merges over the top-level one key by key; a list or a "
                "single value replaces it; defaults apply after the merge, so `min: 2` "
                "in a stage also makes that stage's `desired` 2."
            )
        lines += _section(f"`{key.name}`", key.name, inner, intro, overrides)
    return lines


def _codes() -> list[str]:
    lines = ["## Diagnostics", "",
             "Every problem is printed as `FILE:LINE:COL: error: PATH: MESSAGE. Hint. [CODE]` "
             "(or `warning:`), all of them in one run, then a count. Warnings do not fail. "
             "The code at the end of the line is the one to look up here; the example is "
             "the line of a spec that gets it, and what `tsc validate` says about it.", "",
             "| Code | Severity | Reports | Example |", "|---|---|---|---|"]  # fmt: skip
    rows = [f"| {r.code} | {r.severity.value} | {_cell(r.summary)} | {_cell(_shown(r.code))} |"
            for r in CODES.values()]  # fmt: skip
    return [*lines, *rows, ""]


def _shown(code: str) -> str:
    """The example of `code`: the spec line that gets it and the message, or a situation."""
    if code in SITUATIONS:
        return SITUATIONS[code]
    if code not in SPECS:  # a programming error: the docs test shows it
        raise ValueError(f"{code} has no example: add one to compiler/spec/code_examples.py")
    text = SPECS[code]
    loaded, diagnostics = load_text("tinystack.yaml", text)
    if loaded is not None:
        diagnostics = check_loaded(loaded)[1]
    found = next((d for d in diagnostics if d.code == code), None)
    if found is None:  # a programming error: the docs test shows it
        raise ValueError(f"the example of {code} does not get it: {diagnostics}")
    line = text.split("\n")[found.line - 1].strip()
    line = line if len(line) <= _EXAMPLE_CHARS else line[: _EXAMPLE_CHARS - 3] + "..."
    path = f"{found.path}: " if found.path else ""
    return f"`{line}` gives {path}{found.message}"


def _yaml_notes() -> list[str]:
    return [
        "## YAML", "",
        "- Plain scalars follow YAML 1.2: only `true`/`false` are booleans, so `yes`, `no`, "
        "`on` and `off` stay text (write `approval: true`), and `2024-01-01` or `1:20` stay "
        "strings.",
        "- Anchors, aliases and merge keys (`<<: *defaults`) work; a problem inside an "
        "aliased value is reported where the alias is used.",
        "- A key written twice in one mapping is an error (YAML parsers usually keep the "
        "last one silently).",
        f"- Limits: {MAX_BYTES // 1024} KiB per file, {MAX_NODES:,} values once aliases are "
        f"expanded, {MAX_DEPTH} levels of nesting, one document per file.",
        "",
    ]  # fmt: skip


def render_reference() -> str:
    """The whole of docs/spec.md."""
    schema = load_schema()
    lines = [
        "# tinystack.yaml reference (language version 1)", "",
        "<!-- Generated by `tsc schema --markdown` from schemas/tinystack.schema.json; "
        "do not edit by hand. -->", "",
        str(schema.get("description", "")), "",
        "Only `version` and `name` are required: every other key has a default, so a "
        "two-line file compiles to a complete stack. Point an editor at the schema with "
        "`# yaml-language-server: $schema=schemas/tinystack.schema.json` (or the output of "
        "`tsc schema`) for completion and hover help.", "",
        "Paths are dotted (`app.health_check.path`); `[]` marks the items of a list "
        "(`stages[].name`).", "",
    ]  # fmt: skip
    lines += _sections(schema) + _codes() + _yaml_notes()
    return "\n".join(lines).rstrip("\n") + "\n"
