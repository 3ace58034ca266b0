"""`tsc validate`: check specs (or every spec below folders) and report every problem at once.

Imports only the front end: no boto3, no cfn-lint, no troposphere (a test keeps it so).
"""

from __future__ import annotations

from pathlib import Path

import click

from compiler.batch import check_many, find_specs
from compiler.commands.conventions import DEFAULT_SPEC, JOBS, fail, read_ir
from compiler.diagnostics import (
    Diagnostic,
    has_errors,
    printable,
    render_count,
    render_json,
    write_diagnostics,
)


def _status(file: str, diagnostics: list[Diagnostic]) -> str:
    mine = [d for d in diagnostics if d.file == file]
    if has_errors(mine):
        return f"{printable(file)}: invalid"
    return f"{printable(file)}: ok" + (f" ({render_count(mine)})" if mine else "")


def print_ir(spec: Path) -> None:
    """Print the IR of `spec` as JSON (`--emit-ir` of validate and compile); exit 1 on errors."""
    # Lowering (and, for scale: auto, the cost model) only when the IR is asked for.
    from compiler.ir.model import ir_json

    click.echo(ir_json(read_ir(spec)), nl=False)


@click.command(name="validate")
@click.argument("paths", metavar="[SPEC|FOLDER]...", nargs=-1, type=click.Path(path_type=Path))
@JOBS
@click.option("--json", "as_json", is_flag=True, help="Print the diagnostics as JSON on stdout.")
@click.option("--emit-ir", is_flag=True, help="Print the IR of the (single) SPEC as JSON.")
def validate(paths: tuple[Path, ...], jobs: int, as_json: bool, emit_ir: bool) -> None:
    """Check specs against the tinystack.yaml language; exit 1 if any has an error.

    A FOLDER stands for every tinystack.yaml and *.tinystack.yaml below it. Every problem
    of every SPEC is reported, located as FILE:LINE:COL, then a count. Warnings do not
    fail the run. SPEC defaults to tinystack.yaml in the current folder.

    \b
    Example:
      tsc validate
      tsc validate examples/*.yaml --json
      tsc validate services/ --jobs 2
      tsc validate tinystack.yaml --emit-ir > ir.json
    """
    if emit_ir:
        if len(paths) > 1 or as_json:
            raise fail("--emit-ir takes one SPEC, without --json", "See 'tsc validate --help'.")
        print_ir(paths[0] if paths else DEFAULT_SPEC)
        return
    files, diagnostics = find_specs(paths or (DEFAULT_SPEC,))
    diagnostics += [d for found in check_many(files, jobs) for d in found]
    names = [str(path) for path in files]
    if as_json:
        click.echo(render_json(diagnostics, names), nl=False)
    else:
        write_diagnostics(diagnostics)
        click.echo("\n".join(_status(name, diagnostics) for name in names))
    if has_errors(diagnostics):
        raise SystemExit(1)
