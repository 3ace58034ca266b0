"""The code table is read from the declarations: each code once, in its family's room."""

from __future__ import annotations

import re

import pytest
from spec_diagnose import diagnose

from compiler import compile as compile_module
from compiler import writer
from compiler.diagnostics import Rule
from compiler.spec import codes, compose, load, schema_check
from compiler.spec.checks import RULES
from compiler.spec.code_examples import SITUATIONS, SPECS
from compiler.spec.codes import CODES, COMPILE_RULES
from compiler.spec.reference_doc import render_reference

FAMILIES = {"TS0": (compose, load), "TS1": (schema_check,)}


def test_codes_are_in_order_and_each_names_its_rule() -> None:
    assert list(CODES) == sorted(CODES)
    assert all(re.fullmatch(r"TS\d{3}", code) and rule.code == code for code, rule in CODES.items())
    assert all(rule.summary and "\n" not in rule.summary for rule in CODES.values())  # one line


def test_each_family_is_declared_where_it_is_reported() -> None:
    for prefix, modules in FAMILIES.items():
        declared = {v.code for m in modules for v in vars(m).values() if isinstance(v, Rule)}
        assert declared == {code for code in CODES if code.startswith(prefix)}
    assert {rule.code for rule in RULES} == {code for code in CODES if code.startswith("TS2")}
    assert {r.code for r in COMPILE_RULES} == {c for c in CODES if c[2] in "345"}
    # the writer sits below the spec room, so it names its code as text
    assert codes.UNWRITABLE.code == writer.CODE_UNWRITABLE
    assert compile_module.OVER_QUOTA is codes.OVER_QUOTA


def test_the_reference_lists_every_code_with_its_severity_and_an_example() -> None:
    reference = render_reference()
    for code, rule in CODES.items():
        assert f"| {code} | {rule.severity.value} | {rule.summary} | " in reference
    assert set(SPECS) | set(SITUATIONS) == set(CODES) and not set(SPECS) & set(SITUATIONS)
    # what a user reads for TS102: the line written, and the message tsc prints for it
    assert (
        '| TS102 | error | a value of the wrong type | `app: {port: "80"}` gives app.port: '
        "expected a whole number, found '80' |"
    ) in reference


@pytest.mark.parametrize("code", sorted(SPECS))
def test_each_example_gets_its_code_and_nothing_worse(code: str) -> None:
    found = diagnose(SPECS[code])
    assert code in {d.code for d in found}
    # the example shows its one mistake: no other error (a file-level one stops the rest)
    assert {d.code for d in found if d.severity.value == "error"} <= {code}
