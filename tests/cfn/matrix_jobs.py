"""The work test_matrix.py hands to its process pool besides linting: compile one spec.

It runs in worker processes, so it lives in a module the workers import by name.
"""

from __future__ import annotations

from typing import Any

import yaml

from compiler.compile import Compiled, compile_ir, read_stack_text
from compiler.diagnostics import Diagnostic


def compile_data(data: dict[str, Any]) -> tuple[list[Diagnostic], Compiled | None]:
    """The whole front end (as `tsc compile` runs it) then the back end, on a spec as data."""
    ir, diagnostics = read_stack_text("tinystack.yaml", yaml.safe_dump(data, sort_keys=False))
    return diagnostics, compile_ir(ir) if ir is not None else None
