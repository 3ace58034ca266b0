"""StackIRs the way the compiler builds them: a spec mapping through the whole front end."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from compiler.compile import read_stack_text
from compiler.diagnostics import has_errors, render_text
from compiler.ir.model import StackIR


def lowered(data: Mapping[str, Any]) -> StackIR:
    """The IR of a tinystack.yaml mapping: checked, lowered and `scale: auto` settled.

    A spec with errors fails the calling test with the diagnostics, so no test can build
    an IR the compiler would refuse.
    """
    text = yaml.safe_dump(dict(data), sort_keys=False)
    ir, diagnostics = read_stack_text("tinystack.yaml", text)
    assert ir is not None and not has_errors(diagnostics), render_text(diagnostics)
    return ir
