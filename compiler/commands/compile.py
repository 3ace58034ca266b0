"""`tsc compile`: compile specs (or every spec below folders) and print what was written.

One spec prints each file it wrote; several print a line per spec and a count. Every
diagnostic goes to stderr; a spec that fails leaves the others compiled, and exit 1.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from compiler.batch import Outcome, compile_many, find_specs
from compiler.commands.conventions import DEFAULT_SPEC, JOBS, fail
from compiler.commands.folders import OUT_FOLDER
from compiler.commands.lint import report_lint, require_cfn_lint
from compiler.commands.validate import print_ir
from compiler.compile import Format
from compiler.diagnostics import printable, write_diagnostics

# what a file that is not a template holds, by its name's ending
_KIND = {".yml": "   buildspec", "json": "    the IR", ".mmd": "     diagram"}


def _summary(outcome: Outcome) -> str:
    lines = [f"wrote {printable(str(outcome.out_dir))}/ ({len(outcome.sizes) + 2} files)"]
    width = max(len(name) for name in outcome.sizes)
    for name, size in outcome.sizes.items():
        count = outcome.resources.get(name)
        noun = "resource " if count == 1 else "resources"
        what = f"{count:4d} {noun}" if count is not None else _KIND.get(name[-4:], "")
        lines.append(f"  {name:<{width}}  {what}  {size / 1024:7.1f} KiB")
    return "\n".join(lines) + "\n"


def _summary_many(outcomes: list[Outcome]) -> str:
    lines = [
        f"wrote {printable(str(o.out_dir))}/ ({len(o.sizes) + 2} files, "
        f"{sum(o.resources.values())} resources)"
        for o in outcomes
        if o.out_dir is not None
    ]
    failed = sum(o.out_dir is None for o in outcomes)
    count = f"compiled {len(outcomes) - failed} of {len(outcomes)} specs"
    return "\n".join([*lines, count + (f"; {failed} failed" if failed else "")]) + "\n"


def _files(outcome: Outcome) -> dict[str, Any]:
    return {
        name: {"bytes": size, "resources": outcome.resources.get(name)}
        for name, size in outcome.sizes.items()
    }


def _summary_json(outcomes: list[Outcome]) -> str:
    if len(outcomes) == 1:
        doc: dict[str, Any] = {"out": str(outcomes[0].out_dir), "files": _files(outcomes[0])}
    else:
        specs = [
            {"spec": str(o.spec), "out": o.out_dir and str(o.out_dir), "files": _files(o)}
            for o in outcomes
        ]
        failed = sum(o.out_dir is None for o in outcomes)
        doc = {"specs": specs, "compiled": len(outcomes) - failed, "failed": failed}
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


@click.command(name="compile")
@click.argument("paths", metavar="[SPEC|FOLDER]...", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out", "out_root", type=OUT_FOLDER, default=Path("out"),
    show_default=True, help="Folder that receives <name>/ for each spec.",
)  # fmt: skip
@click.option(
    "--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml",
    show_default=True, help="Template format.",
)  # fmt: skip
@JOBS
@click.option("--lint", is_flag=True, help="Then check the templates with cfn-lint (lint extra).")
@click.option("--emit-ir", is_flag=True, help="Print the IR of the (single) SPEC as JSON.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def compile_command(
    paths: tuple[Path, ...],
    out_root: Path,
    fmt: Format,
    jobs: int,
    lint: bool,
    emit_ir: bool,
    as_json: bool,
) -> None:
    """Compile specs into nested CloudFormation stacks and buildspecs in OUT/<name>/.

    Each SPEC is a tinystack.yaml; each FOLDER stands for every tinystack.yaml and
    *.tinystack.yaml below it. A spec compiles exactly as it would alone; one that fails
    is reported, the others are still written, and the exit status is 1. SPEC defaults
    to tinystack.yaml in the current folder.

    \b
    Example:
      tsc compile tinystack.yaml --out out/
      tsc compile services/ --jobs 2 --lint
      aws s3 sync out/crud-api s3://my-bucket/crud-api/
    """
    if emit_ir:
        if len(paths) > 1 or (paths and paths[0].is_dir()):
            raise fail("--emit-ir takes one SPEC", "See 'tsc compile --help'.")
        print_ir(paths[0] if paths else DEFAULT_SPEC)
        return
    if lint:
        require_cfn_lint()  # before compiling: a missing extra is one line, not a late surprise
    specs, problems = find_specs(paths or (DEFAULT_SPEC,))
    outcomes = compile_many(specs, out_root, fmt, jobs)
    write_diagnostics(problems + [d for o in outcomes for d in o.diagnostics])
    if len(outcomes) == 1 and not problems and outcomes[0].out_dir is None:
        raise SystemExit(1)  # a lone spec that failed: its diagnostics say it all
    if as_json:
        click.echo(_summary_json(outcomes), nl=False)
    elif len(outcomes) == 1 and not problems:
        click.echo(_summary(outcomes[0]), nl=False)
    elif outcomes:
        click.echo(_summary_many(outcomes), nl=False)
    written = [o.out_dir for o in outcomes if o.out_dir is not None]
    lint_jobs = max(jobs, os.cpu_count() or 1)
    lint_failed = lint and bool(written) and report_lint(written, lint_jobs, to_stderr=as_json)
    if problems or lint_failed or any(o.out_dir is None for o in outcomes):
        raise SystemExit(1)
