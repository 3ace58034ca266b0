"""What every command shares: the SPEC argument, which defaults to ./tinystack.yaml, the
--jobs option, and how a failure ends a command (one `error:` line, written by
compiler.diagnostics, and exit status 1)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from compiler.diagnostics import write_error

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
