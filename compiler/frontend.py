"""The front end as one call: a tinystack.yaml path in, the StackIR and diagnostics out."""

from __future__ import annotations

from pathlib import Path

from compiler.diagnostics import Diagnostic
from compiler.ir.lower import lower
from compiler.ir.model import StackIR
from compiler.spec import read_spec


def read_stack(path: Path) -> tuple[StackIR | None, list[Diagnostic]]:
    """Load, check and lower a spec; the IR is None when there are errors."""
    spec, diagnostics = read_spec(path)
    if spec is None:
        return None, diagnostics
    return lower(spec.resolved), diagnostics
