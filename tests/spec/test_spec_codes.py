"""The code table is read from the declarations: each code once, in its family's room."""

from __future__ import annotations

import re

from compiler.diagnostics import Rule
from compiler.spec import compose, load, schema_check
from compiler.spec.checks import RULES
from compiler.spec.codes import CODES
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


def test_the_reference_lists_every_code_with_its_severity() -> None:
    reference = render_reference()
    for code, rule in CODES.items():
        assert f"| {code} | {rule.severity.value} | {rule.summary} |" in reference
