"""The spec room: read a tinystack.yaml, validate it, resolve its stages.

`read_spec` runs load (YAML with positions) -> schema check -> resolve (stage merge and
defaults) -> semantic checks, and returns every problem of the file at once. The semantic
checks run whatever the schema found: unknown keys are dropped, and each value the schema
refused is replaced by `broken.BROKEN`, so a check that needs it is skipped (for that stage)
and every other check still reports.
`compiler.ir.lower` turns the result into the IR.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from compiler.diagnostics import Diagnostic, has_errors
from compiler.spec.broken import is_broken, without_broken
from compiler.spec.checks import check_spec
from compiler.spec.language_schema import without_unknown_keys
from compiler.spec.load import LoadedSpec, load_spec
from compiler.spec.resolve import ResolvedSpec, resolve_spec
from compiler.spec.schema_check import check_schema

__all__ = ["LoadedSpec", "ResolvedSpec", "Spec", "check_loaded", "read_spec"]


@dataclass(frozen=True)
class Spec:
    """A spec without errors: the document as loaded and its resolved stages."""

    loaded: LoadedSpec
    resolved: ResolvedSpec


def check_loaded(loaded: LoadedSpec) -> tuple[Spec | None, list[Diagnostic]]:
    """Schema check, then resolve and semantic checks; Spec only when there are no errors."""
    diagnostics, refused = check_schema(loaded)
    checked = without_unknown_keys(without_broken(loaded.data, refused))
    if is_broken(checked):  # the document itself is refused: nothing to check further
        return None, diagnostics
    resolved = resolve_spec(checked)
    diagnostics = sorted({*diagnostics, *check_spec(resolved, replace(loaded, data=checked))})
    if has_errors(diagnostics):
        return None, diagnostics
    return Spec(loaded, resolved), diagnostics


def read_spec(path: Path) -> tuple[Spec | None, list[Diagnostic]]:
    """Load and check one tinystack.yaml; Spec only when there are no errors."""
    loaded, diagnostics = load_spec(path)
    if loaded is None:
        return None, diagnostics
    return check_loaded(loaded)
