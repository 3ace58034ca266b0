"""Fuzzing tinystack.yaml: valid specs from the schema, hostile mutations of them, and the
judge that carries one case through the whole compile.

- `valid_specs(seed, count)`: specs drawn by hypothesis-jsonschema from the language
  schema, steered so most also pass the semantic checks (enums for instance types,
  Fargate-shaped sizes, CIDRs, ARNs), dumped as YAML the loader reads back exactly.
- `mutate(text, rng)`: one named mutation of a valid spec: wrong types, missing and
  extra keys, extreme numbers, NaN, long and Unicode strings, lookalike substitutions,
  shell metacharacters, and YAML tricks (anchors, merge keys, `!!python/object` and other
  tags, several documents, a BOM, CRLF, truncation).
- `judge(text)`: load, check, lower, settle `scale: auto`, compile every template and
  buildspec; a finding is a traceback, an unlocated diagnostic, or (with a linter) a valid
  spec whose templates cfn-lint rejects.
- `shrink(text, still_fails)`: the smallest text (line by line) that still fails.
Used by tests/test_fuzz.py (a few hundred seeded cases) and benchmarks/fuzz.py (10,000+).
"""

from __future__ import annotations

import copy
import random
import re
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis_jsonschema import from_schema

from compiler.compile import compile_ir
from compiler.cost.choice import settle_auto_endpoints
from compiler.data.store_tables import cache_node_types, database_classes
from compiler.data.tables import instance_types
from compiler.diagnostics import Diagnostic, has_errors
from compiler.ir.lower import lower
from compiler.spec import check_loaded
from compiler.spec.language_schema import load_schema
from compiler.spec.load import load_text
from compiler.spec.patterns import whole_value
from compiler.spec.schema_index import walk

# The loader refuses control characters (but tab and newline) in any value; the schema
# leaves that to it, so generated free text has none.
_NO_CONTROL = "(?=[^\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f]*\\Z)"
_ARN = (
    "^arn:aws:(ssm:us-east-1:[0-9]{12}:parameter/[a-z]+"
    "|secretsmanager:eu-west-1:[0-9]{12}:secret:[a-z]+)$"
)


def as_loaded(node: Any) -> Any:
    """A schema with patterns in Python's `\\Z` form and free strings free of control
    characters: what the front end accepts, for a generator that reads Python regexes."""
    if isinstance(node, list):
        return [as_loaded(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: as_loaded(value) for key, value in node.items()}
    if out.get("type") == "string" and "enum" not in out:
        out["pattern"] = f"^{_NO_CONTROL}(?:{whole_value(out.get('pattern', ''))})"
    return out


def narrowed_schema() -> dict[str, Any]:
    """A copy of the language schema, narrowed where random values would nearly always
    fail a semantic check, so that most generated specs get through lowering."""
    schema = copy.deepcopy(load_schema())
    defs, props = schema["$defs"], schema["properties"]
    defs["compute"]["properties"]["instance_type"] = {"enum": sorted(instance_types())}
    props["app"]["properties"]["cpu"] = {"enum": [256, 512, 1024]}
    props["app"]["properties"]["memory"] = {"enum": [512, 1024, 2048]}
    props["network"]["properties"]["cidr"] = {"enum": ["10.0.0.0/16", "192.168.4.0/24"]}
    defs["secrets"]["additionalProperties"] = {"type": "string", "pattern": _ARN}
    # hypothesis-jsonschema ignores `prefixItems`: it would make the first word anything
    check = props["app"]["properties"]["health_check"]["properties"]
    check["command"] = {"enum": [["CMD", "/app/healthcheck"], ["CMD-SHELL", "exit 0"]]}
    database = defs["database"]["properties"]
    database["instance_class"] = {"enum": sorted(database_classes())}
    database["version"] = {"enum": ["16", "17"]}  # postgres, the default engine
    defs["cache"]["properties"]["node_type"] = {"enum": sorted(cache_node_types())}
    return schema


def steered_schema() -> dict[str, Any]:
    """The narrowed schema with few names and tags, in the form the front end accepts."""
    schema = narrowed_schema()
    props = schema["properties"]
    props["tags"]["maxProperties"] = 3
    # few stack and stage names, so templates that only carry names repeat and are linted
    # once (the mutations still give names of every shape)
    props["name"] = {"enum": ["app", "fuzz-api", "x1"]}
    props["stages"]["items"]["properties"]["name"] = {"enum": ["dev", "qa", "prod", "s1"]}
    # tag values of AWS's characters (TS261 checks Unicode classes the pattern cannot)
    props["tags"]["additionalProperties"]["pattern"] = "^[A-Za-z0-9 _.:/=+@\u00e0-\u00f6-]{1,255}$"
    return as_loaded(schema)


class SpecDumper(yaml.SafeDumper):
    """Quotes strings that YAML 1.2 (our loader) would read as numbers, as PyYAML's 1.1
    resolver does not know `0o17` or `1e5`."""


SpecDumper.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$|^0o[0-7]+$"),
    list("-+.0123456789"),
)


def dump(data: Any) -> str:
    """YAML text of a spec that our loader reads back as exactly `data`."""
    return yaml.dump(data, Dumper=SpecDumper, allow_unicode=True, sort_keys=False, width=1 << 16)


def valid_specs(seed_value: int, count: int) -> list[dict[str, Any]]:
    """`count` schema-valid specs, the same for the same seed."""
    found: list[dict[str, Any]] = []

    @seed(seed_value)
    @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(from_schema(steered_schema()))
    def collect(spec: dict[str, Any]) -> None:
        found.append(spec)

    collect()
    return found


# ---------------------------------------------------------------- mutations


def _paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*path, index))


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


_ODD_VALUES: tuple[Any, ...] = (
    None, True, 0, -1, 2**63, 10**39, 1e308, -0.0, 0.5, "", " ", [], {}, [1, "a"], {"a": 1},
    "x" * 5000, "é" * 300, "🦆" * 40, "\u202eevil", "a\u200bb", "${AWS::Region}", "${Cluster}",
    "$(touch pwned)", "`id`", "a;b&c|d", "'\"", "a\nb", "\t", "aws:tag", "AWS:x", "../..",
    "/health?x=1&y=2", "http://[::1]", "yes", "on", "0o17", "1e5", "-.inf", "null",
)  # fmt: skip
_EXTRA_KEYS = ("helth_check", "Port", "name ", "__proto__", "<<", "0", "é", "app.port", "x" * 200)


def _replace_value(data: dict[str, Any], rng: random.Random) -> str:
    paths = [p for p in _paths(data) if p]
    path = rng.choice(paths)
    _parent(data, path)[path[-1]] = copy.deepcopy(rng.choice(_ODD_VALUES))
    return "value"


def _drop_key(data: dict[str, Any], rng: random.Random) -> str:
    paths = [p for p in _paths(data) if p and isinstance(p[-1], str)]
    path = rng.choice(paths)
    del _parent(data, path)[path[-1]]
    return "drop"


def _add_key(data: dict[str, Any], rng: random.Random) -> str:
    mappings = [p for p in _paths(data) if isinstance(_at(data, p), dict)]
    target = _at(data, rng.choice(mappings))
    target[rng.choice(_EXTRA_KEYS)] = copy.deepcopy(rng.choice(_ODD_VALUES))
    return "extra"


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


_DATA_MUTATIONS: tuple[Callable[[dict[str, Any], random.Random], str], ...] = (
    _replace_value, _replace_value, _replace_value, _drop_key, _add_key,
)  # fmt: skip

# text -> mutated text; each one a way YAML can surprise a loader
_NUMBER = re.compile(r"(?<=: )-?\d+(?:\.\d+)?$", re.M)
_TEXT_MUTATIONS: dict[str, Callable[[str, random.Random], str]] = {
    "nan": lambda t, r: _NUMBER.sub(
        r.choice([".nan", ".inf", "-.Inf", "1e999", "!!float nan"]), t, count=1
    ),
    "python-object": lambda t, r: (
        t
        + r.choice(
            [
                "x: !!python/object/apply:os.system ['touch pwned']\n",
                "x: !!python/object:collections.OrderedDict {}\n",
                "x: !!python/name:os.system\n",
                "x: !!binary aGVsbG8=\n",
                "x: !custom 1\n",
                "x: !!set {a, b}\n",
                "x: !!omap [a: 1]\n",
                "x: !!timestamp 2001-12-14\n",
            ]
        )
    ),
    "anchor": lambda t, r: (
        "defaults: &d {port: 8080}\n"
        + t
        + r.choice(["app: *d\n", "app:\n  <<: *d\n", "alarms: {<<: [*d, *d]}\n", "stages: [*d]\n"])
    ),
    "laughs": lambda t, r: (
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
            for p, c in zip("abcdefg", "bcdefgh", strict=True)
        )
        + t
    ),
    "documents": lambda t, r: t + r.choice(["---\nversion: 1\n", "...\n---\n", "--- |\n  x\n"]),
    "bom": lambda t, r: "\ufeff" + t,
    "crlf": lambda t, r: t.replace("\n", "\r\n"),
    "truncate": lambda t, r: t[: r.randrange(len(t) + 1)],
    "tab": lambda t, r: t.replace("\n  ", "\n\t", 1),
    "duplicate": lambda t, r: t + t.splitlines(keepends=True)[0],
    "deep": lambda t, r: t + "x: " + "[" * 60 + "]" * 60 + "\n",
    "bytes": lambda t, r: t + r.choice(["\x00", "\x1b[31m", "\ud7ff\ue000", "\x85", "\u2028"]),
}


@dataclass(frozen=True)
class Case:
    """One fuzz case: how it was made, and the YAML text."""

    kind: str
    text: str


def mutate(data: dict[str, Any], rng: random.Random) -> Case:
    """One mutation of the valid spec `data`: on the data (then dumped) or on the text."""
    if rng.random() < 0.5:
        changed = copy.deepcopy(data)
        kind = rng.choice(_DATA_MUTATIONS)(changed, rng)
        return Case(kind, dump(changed))
    kind = rng.choice(sorted(_TEXT_MUTATIONS))
    return Case(kind, _TEXT_MUTATIONS[kind](dump(data), rng))


def cases(seed_value: int, count: int, valid_share: float = 0.4) -> Iterator[Case]:
    """`count` cases: about `valid_share` valid specs as generated, the rest mutations."""
    rng = random.Random(seed_value)
    specs = valid_specs(seed_value, max(1, round(count * valid_share)))
    for index in range(count):
        spec = specs[index % len(specs)]
        if index < len(specs):
            yield Case("valid", dump(spec))
        else:
            yield mutate(spec, rng)


# ---------------------------------------------------------------- the judge

_KEY_PATHS = {key.path for key in walk(load_schema())}
_MAP_PATHS = {
    key.path for key in walk(load_schema())
    if isinstance(key.schema.get("additionalProperties"), dict)
}  # fmt: skip


def _is_real_path(path: str) -> bool:
    shape = re.sub(r"\[\d+\]", "[]", path).removesuffix("[]")  # a list item: its list
    # a free-named mapping's key (a tag, a variable) may itself hold dots
    return shape in _KEY_PATHS or any(shape.startswith(f"{m}.") for m in _MAP_PATHS)


def unlocated(diagnostics: list[Diagnostic], text: str) -> list[Diagnostic]:
    """Diagnostics without a real place: a line/column outside the text, a path the
    schema does not have (an unknown key's path is the key the user wrote)."""
    lines = text.count("\n") + 2
    return [
        d for d in diagnostics
        if not (1 <= d.line <= lines and d.col >= 1 and d.message)
        or not (d.path == "" or d.code == "TS101" or _is_real_path(d.path))
    ]  # fmt: skip


@dataclass(frozen=True)
class Verdict:
    """What one case did: compiled (`files`), refused (`diagnostics`), or a finding."""

    finding: str  # "" when the compiler behaved; else "traceback", "unlocated", "lint"
    detail: str
    files: dict[str, str] | None
    diagnostics: tuple[Diagnostic, ...]


def judge(text: str, lint: Callable[[str], tuple[str, ...]] | None = None) -> Verdict:
    """Carry one case through the whole compile and say whether the compiler behaved."""
    try:
        loaded, diagnostics = load_text("fuzz.yaml", text)
        spec = None
        if loaded is not None:
            spec, diagnostics = check_loaded(loaded)
        files, templates = None, set()
        if spec is not None and not has_errors(diagnostics):
            ir = lower(spec.resolved)
            if any(stage.endpoint.choice.open for stage in ir.stages):
                ir = settle_auto_endpoints(ir)
            compiled = compile_ir(ir)
            # over a CloudFormation quota: refused like an error (tsc compile writes nothing)
            files = None if compiled.over_quota else compiled.files
            templates = set(compiled.resources)  # not the buildspecs, not the IR file
    except Exception:  # the finding itself: any exception escaping the compiler
        return Verdict("traceback", traceback.format_exc(limit=-3), None, ())
    wrong = unlocated(diagnostics, text)
    if wrong:
        return Verdict("unlocated", repr(wrong[0]), files, tuple(diagnostics))
    if files is not None and lint is not None:
        for name, body in sorted(files.items()):
            found = lint(body) if name in templates else ()
            if found:
                return Verdict("lint", f"{name}: {found[0]}", files, tuple(diagnostics))
    return Verdict("", "", files, tuple(diagnostics))


def shrink(text: str, still_fails: Callable[[str], bool], budget: int = 400) -> str:
    """The text with every line removed that the failure does not need (greedy, bounded)."""
    lines = text.splitlines(keepends=True)
    index = 0
    while index < len(lines) and budget > 0:
        trial = lines[:index] + lines[index + 1 :]
        budget -= 1
        if still_fails("".join(trial)):
            lines = trial
        else:
            index += 1
    return "".join(lines)
