"""Helpers for the spec tests: run the whole front end on YAML text."""

from __future__ import annotations

import textwrap

from compiler.diagnostics import Diagnostic
from compiler.spec import Spec, check_loaded
from compiler.spec.checks.declare import SpecCheck, StageCheck
from compiler.spec.checks.view import StageView
from compiler.spec.language_schema import without_unknown_keys
from compiler.spec.load import load_text
from compiler.spec.resolve import resolve_spec

FILE = "tinystack.yaml"


def read_text(text: str) -> tuple[Spec | None, list[Diagnostic]]:
    """Load and check dedented YAML text as if it came from tinystack.yaml."""
    loaded, diagnostics = load_text(FILE, textwrap.dedent(text))
    if loaded is None:
        return None, diagnostics
    return check_loaded(loaded)


def diagnose(text: str) -> list[Diagnostic]:
    """Every diagnostic of the dedented YAML text."""
    return read_text(text)[1]


def only(text: str, code: str) -> Diagnostic:
    """The one diagnostic with `code`; fails when there are none or several."""
    found = [d for d in diagnose(text) if d.code == code]
    assert len(found) == 1, f"expected one {code}, got {found}"
    return found[0]


def summary(d: Diagnostic) -> tuple[str, str, int, int, str]:
    """(severity, path, line, col, message): what a user reads in one line."""
    return (d.severity.value, d.path, d.line, d.col, d.message)


def run_alone(check: StageCheck | SpecCheck, text: str) -> list[Diagnostic]:
    """What one semantic check reports on the dedented YAML text (schema-valid but for
    unknown keys), as check_spec would run it, without the others."""
    loaded, _ = load_text(FILE, textwrap.dedent(text))
    assert loaded is not None
    resolved = resolve_spec(without_unknown_keys(loaded.data))
    if isinstance(check, SpecCheck):
        return check(resolved, loaded)
    return [found for stage in resolved.stages for found in check(StageView(stage, loaded))]
