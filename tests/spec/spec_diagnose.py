"""Helpers for the spec tests: run the whole front end on YAML text."""

from __future__ import annotations

import textwrap

from compiler.diagnostics import Diagnostic
from compiler.spec import Spec, check_loaded
from compiler.spec.load import load_text

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
