"""What every command shares: the SPEC argument, which defaults to ./tinystack.yaml, the
--jobs option, reading a spec's IR, and how a failure ends a command (one `error:` line,
written by compiler.diagnostics, and exit status 1)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from compiler.diagnostics import has_errors, write_diagnostics, write_error

if TYPE_CHECKING:  # the IR model and lowering load only when a command reads an IR
    from compiler.ir.model import StackIR

DEFAULT_SPEC = Path("tinystack.yaml")
JOBS = click.option(
    "--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True, metavar="N",
    help="Work across N processes (1: all in this one).",
)  # fmt: skip
F = TypeVar("F", bound=Callable[..., Any])


def spec_argument(name: str = "spec", metavar: str = "SPEC") -> Callable[[F], F]:
    """The optional SPEC argument: a path, `tinystack.yaml` in the current folder if omitted."""
    return click.argument(
        name, metavar=f"[{metavar}]", required=False, default=DEFAULT_SPEC,
        type=click.Path(path_type=Path),
    )  # fmt: skip


def fail(message: str, hint: str = "") -> click.exceptions.Exit:
    """Write `error: MESSAGE. Hint.` and return the exit (status 1) to raise."""
    write_error(message, hint)
    return click.exceptions.Exit(1)


def read_ir(spec: Path) -> StackIR:
    """The IR of `spec`, its diagnostics written to stderr; exit 1 when it has errors."""
    from compiler.compile import read_stack

    ir, diagnostics = read_stack(spec)
    write_diagnostics(diagnostics)
    if ir is None or has_errors(diagnostics):
        raise click.exceptions.Exit(1)
    return ir
