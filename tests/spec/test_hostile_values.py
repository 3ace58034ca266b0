"""Hostile values in a tinystack.yaml: each is a located error, never a traceback and never
text that reaches a template, a shell or an AWS name unchecked."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spec_diagnose import diagnose, summary

from compiler.spec.checks.aws_values import MAX_DESCRIPTION_BYTES
from compiler.spec.language_schema import load_schema
from compiler.spec.load import load_spec
from compiler.spec.patterns import whole_value
from compiler.spec.schema_check import validator


def _patterns(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """(schema location, pattern) of every `pattern` keyword in the schema."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield where, value
            else:
                yield from _patterns(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _patterns(value, f"{where}/{index}")


PATTERNS = sorted(set(_patterns(load_schema())))


def test_a_list_where_a_boolean_belongs_is_a_located_type_error() -> None:
    # failed on the old code: TypeError: unhashable type: 'list' in the hint's lookup
    found = diagnose("""\
        version: 1
        name: demo
        stages: [{name: dev, approval: []}, {name: qa, approval: {a: 1}}]
    """)
    assert [summary(d)[:4] for d in found] == [
        ("error", "stages[0].approval", 3, 32),
        ("error", "stages[1].approval", 3, 58),
    ]
    assert {d.message for d in found} == {"expected true or false, found a list",
                                          "expected true or false, found a mapping"}  # fmt: skip


def test_a_trailing_newline_does_not_pass_an_anchored_pattern() -> None:
    # failed on the old code: "demo\n" matched ^[a-z][a-z0-9-]{1,24}$ and compiled to out/demo\n/
    found = diagnose('version: 1\nname: "demo\\n"\nstages: [{name: "dev\\n"}]\n')
    assert [(d.code, d.path, d.line) for d in found] == [
        ("TS106", "name", 2),
        ("TS106", "stages[0].name", 3),
    ]


def test_every_pattern_of_the_schema_is_anchored_at_both_ends() -> None:
    assert len(PATTERNS) > 15
    loose = [(at, p) for at, p in PATTERNS if not (p.startswith("^") and p.endswith("$"))]
    assert loose == []


@settings(max_examples=len(PATTERNS) * 4, deadline=None)
@given(st.sampled_from(PATTERNS).flatmap(
    lambda found: st.tuples(st.just(found), st.from_regex(whole_value(found[1]), fullmatch=True))
))  # fmt: skip
def test_every_pattern_refuses_its_valid_value_with_a_trailing_newline(
    case: tuple[tuple[str, str], str],
) -> None:
    (where, pattern), value = case
    check = type(validator())({"type": "string", "pattern": pattern})
    assert check.is_valid(value), (where, value)
    assert not check.is_valid(value + "\n"), (where, value)


@pytest.mark.parametrize("written", [".nan", ".NaN", ".inf", "-.Inf", "1e999", "!!float nan"])
def test_nan_and_infinities_are_located_errors(written: str) -> None:
    # failed on the old code: .nan passed every range check and `tsc cost` printed "nan"
    found = diagnose(f"version: 1\nname: demo\ntraffic:\n  avg_response_kb: {written}\n")
    assert [(d.code, d.line, d.col) for d in found] == [("TS006", 4, 20)]
    assert "not a finite number" in found[0].message


def test_a_quoted_nan_is_still_text() -> None:
    assert diagnose('version: 1\nname: demo\napp: {environment: {X: ".nan"}}\n') == []


@pytest.mark.parametrize(
    ("escape", "code_point"), [("\\x01", "U+0001"), ("\\0", "U+0000"), ("\\e", "U+001B"),
                               ("\\x7f", "U+007F"), ("\\x85", "U+0085"), ("\\r", "U+000D")],
)  # fmt: skip
def test_escaped_control_characters_in_values_are_located_errors(
    escape: str, code_point: str
) -> None:
    found = diagnose(f'version: 1\nname: demo\napp:\n  environment: {{A: "x{escape}y"}}\n')
    assert [(d.code, d.path, d.line, d.col) for d in found] == [
        ("TS003", "app.environment.A", 4, 20)
    ]
    assert code_point in found[0].message


def test_an_escaped_control_character_in_a_key_is_located() -> None:
    found = diagnose('version: 1\nname: demo\ntags: {"a\\x02": b}\n')
    assert [(d.code, d.line) for d in found] == [("TS003", 3)]


def test_tab_and_newline_stay_ordinary_text_in_values() -> None:
    assert diagnose('version: 1\nname: demo\napp: {environment: {A: "a\\tb\\nc"}}\n') == []


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    # failed on the old code: open() on a FIFO with no writer waits forever
    fifo = tmp_path / "tinystack.yaml"
    os.mkfifo(fifo)
    loaded, found = load_spec(fifo)
    assert loaded is None
    assert [(d.code, d.message) for d in found] == [
        ("TS001", "is a named pipe, not a regular file")
    ]


def test_a_device_is_refused() -> None:
    loaded, found = load_spec(Path("/dev/zero"))
    assert loaded is None and [d.message for d in found] == ["is a device, not a regular file"]


@pytest.mark.parametrize(
    ("key", "value", "code"),
    [
        ("aws:owner", "x", "TS106"),
        ("AWS:owner", "x", "TS106"),
        ("Aws:owner", "x", "TS106"),
        ("k" * 128, "x", "TS106"),  # ECR: keys up to 127
        ("team", "v" * 256, "TS104"),  # ECR: values up to 255
        ("team", "", "TS104"),  # CloudWatch alarms and ECR: values at least 1
        ("team", "a$b", "TS261"),
        ("team", "a\tb", "TS261"),
        ("team", "a,b", "TS261"),
    ],
)
def test_tags_aws_refuses_are_located_errors(key: str, value: str, code: str) -> None:
    text = f'version: 1\nname: demo\ntags:\n  "{key}": "{value}"\n'.replace("\t", "\\t")
    found = diagnose(text)
    assert [(d.code, d.line) for d in found] == [(code, 4)]


def test_tags_within_every_resource_types_limits_are_accepted() -> None:
    text = f'version: 1\nname: demo\ntags:\n  "{"k" * 127}": "{"é" * 255}"\n  a b: "x=y+z@w/v:u"\n'
    assert diagnose(text) == []


def test_a_description_over_1024_bytes_is_refused_even_under_1000_characters() -> None:
    text = "é" * 600  # 600 characters, 1,200 bytes
    found = diagnose(f"version: 1\nname: demo\ndescription: {text}\n")
    assert [(d.code, d.path, d.line) for d in found] == [("TS262", "description", 3)]
    assert f"at most {MAX_DESCRIPTION_BYTES}" in found[0].message


def test_a_description_holding_a_substitution_is_refused() -> None:
    found = diagnose("version: 1\nname: demo\ndescription: costs ${AWS::Region} money\n")
    assert [(d.code, d.path) for d in found] == [("TS263", "description")]
    assert diagnose("version: 1\nname: demo\ndescription: costs $5 {a} money\n") == []


@pytest.mark.parametrize(
    "path",
    ["/$(touch /tmp/x)", "/a b", "/a`b`", '/a"b', "/a\\b", "/a|b", "/a<b", "/" + "a" * 1024],
)
def test_a_health_check_path_is_url_characters_only(path: str) -> None:
    found = diagnose(f"version: 1\nname: demo\napp:\n  health_check: {{path: '{path}'}}\n")
    assert [(d.code, d.path) for d in found] == [("TS106", "app.health_check.path")] or [
        (d.code, d.path) for d in found
    ] == [("TS104", "app.health_check.path")]


def test_a_health_check_path_may_hold_a_query() -> None:
    assert diagnose("version: 1\nname: demo\napp: {health_check: {path: '/h?x=1&y=2'}}\n") == []


def test_one_long_string_aliased_many_times_stops_at_the_alias() -> None:
    # a 100 KB string aliased 20 times: 2 MB of environment (and of every service template)
    # from a 100 KB file; failed on the old code, which counted an alias of a string as 1
    lines = [f"    V{i}: *big" for i in range(20)]
    text = "version: 1\nname: demo\nbig: &big " + "x" * 100_000 + "\napp:\n  environment:\n"
    found = diagnose(text + "\n".join(lines) + "\n")
    assert [(d.code, d.line) for d in found] == [("TS007", 15)]  # the 10th alias
    assert "once aliases are expanded" in found[0].message
