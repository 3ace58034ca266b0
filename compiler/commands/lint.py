"""`tsc lint`: cfn-lint's verdict on compiled templates, in our diagnostic format.

Findings go to stderr as `out/x/service-dev.yaml:12:7: warning: ... [W3011]`, then a count;
stdout has a line per compiled folder. Errors fail the run, warnings do not. `tsc compile
--lint` reports the same way through `report_lint`.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import click

from compiler.commands.conventions import DEFAULT_SPEC, fail
from compiler.commands.folders import OUT_FOLDER
from compiler.diagnostics import (
    Diagnostic,
    has_errors,
    printable,
    render_count,
    write_diagnostics,
    write_error,
)
from compiler.writer import MANIFEST

MISSING = ("linting needs cfn-lint", "Install the lint extra: pip install 'tinystack[lint]'.")


def require_cfn_lint() -> None:
    """Exit 1 with one line when cfn-lint is not installed (before any work is done)."""
    try:
        found = importlib.util.find_spec("cfnlint") is not None
    except ValueError:  # sys.modules holds None for it: imports of it are blocked
        found = False
    if not found:
        raise fail(*MISSING)


def report_lint(folders: list[Path], jobs: int, to_stderr: bool = False) -> bool:
    """Lint every template of `folders`, print the findings and a line per folder (on
    stderr with `to_stderr`); True when a finding is an error."""
    from compiler.template_lint import LintUnavailable, lint_templates, template_files

    templates = {folder: template_files(folder) for folder in folders}
    try:
        found = lint_templates([t for ts in templates.values() for t in ts], jobs)
    except LintUnavailable:
        raise fail(*MISSING) from None
    write_diagnostics(found)
    for folder, files in templates.items():
        click.echo(f"{folder}/: {len(files)} templates, {_verdict(found, files)}", err=to_stderr)
    return has_errors(found)


def _verdict(found: list[Diagnostic], files: list[Path]) -> str:
    names = {str(path) for path in files}
    mine = [d for d in found if d.file in names]
    return render_count(mine) if mine else "clean"


@click.command("lint")
@click.argument("paths", metavar="[SPEC|OUTDIR]...", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out", "out_root", type=OUT_FOLDER, default=Path("out"),
    show_default=True, help="Where a given SPEC is compiled first.",
)  # fmt: skip
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), default=os.cpu_count() or 1, metavar="N",
    help="Lint across N processes (default: one per core).",
)  # fmt: skip
def lint(paths: tuple[Path, ...], out_root: Path, jobs: int) -> None:
    """Check compiled templates with cfn-lint; exit 1 if it finds an error.

    An OUTDIR is a compiled folder (or a folder holding several, like out/); a SPEC
    (default: tinystack.yaml) is compiled into OUT first. cfn-lint reads its own
    configuration (.cfnlintrc). Needs the lint extra: pip install 'tinystack[lint]'.

    \b
    Example:
      tsc lint out/crud-api
      tsc lint tinystack.yaml
    """
    from compiler.batch import compile_many
    from compiler.template_lint import compiled_folders

    require_cfn_lint()
    given = paths or (DEFAULT_SPEC,)
    folders = [f for p in given if p.is_dir() for f in compiled_folders(p)]
    empty = [p for p in given if p.is_dir() and not compiled_folders(p)]
    for folder in empty:
        write_error(
            f"no compiled templates in {printable(str(folder))} (no {MANIFEST} below it)",
            "Give a folder tsc compile wrote, such as out/<name>, or a SPEC.",
        )
    outcomes = compile_many([p for p in given if not p.is_dir()], out_root)
    write_diagnostics([d for o in outcomes for d in o.diagnostics])
    folders += [o.out_dir for o in outcomes if o.out_dir is not None]
    failed = bool(empty) or any(o.out_dir is None for o in outcomes)
    if (folders and report_lint(folders, jobs)) or failed:
        raise SystemExit(1)
