"""The spec room: read a tinystack.yaml, validate it, resolve its stages.

`read_spec` runs load (YAML with positions) -> schema check -> resolve (stage merge and
defaults) -> semantic checks, and returns every problem of the file at once. Semantic
checks run when the schema found nothing worse than unknown keys (checked without them);
a wrong type or range stops before them, since they would misread it.
`compiler.ir.lower` turns the result into the IR.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from compiler.diagnostics import Diagnostic, Severity, has_errors
from compiler.spec.checks import check_spec
from compiler.spec.language_schema import without_unknown_keys
from compiler.spec.load import LoadedSpec, load_spec
from compiler.spec.resolve import ResolvedSpec, resolve_spec
from compiler.spec.schema_check import UNKNOWN_KEY, check_schema

__all__ = ["LoadedSpec", "ResolvedSpec", "Spec", "check_loaded", "read_spec"]


@dataclass(frozen=True)
class Spec:
    """A spec without errors: the document as loaded and its resolved stages."""

    loaded: LoadedSpec
    resolved: ResolvedSpec


def check_loaded(loaded: LoadedSpec) -> tuple[Spec | None, list[Diagnostic]]:
    """Schema check, then resolve and semantic checks; Spec only when there are no errors."""
    diagnostics = check_schema(loaded)
    errors = {d.code for d in diagnostics if d.severity is Severity.ERROR}
    if errors - {UNKNOWN_KEY.code}:
        return None, diagnostics  # wrong types or ranges: semantic checks would misread them
    # Unknown keys alone (typos, the commonest mistake) still let every other check run.
    resolved = resolve_spec(without_unknown_keys(loaded.data))
    diagnostics = sorted([*diagnostics, *check_spec(resolved, loaded)])
    if has_errors(diagnostics):
        return None, diagnostics
    return Spec(loaded, resolved), diagnostics


def read_spec(path: Path) -> tuple[Spec | None, list[Diagnostic]]:
    """Load and check one tinystack.yaml; Spec only when there are no errors."""
    loaded, diagnostics = load_spec(path)
    if loaded is None:
        return None, diagnostics
    return check_loaded(loaded)
