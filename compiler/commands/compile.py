"""`tsc compile`: spec -> IR -> every template and buildspec -> out/<name>/ (atomically).

`compile_ir` and `compile_spec` are the library side; `tsc deploy` calls them too.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import click

from compiler.buildspecs import render_buildspecs
from compiler.cfn.render import render_template
from compiler.cfn.stack_set import build_templates
from compiler.commands.validate import print_ir
from compiler.diagnostics import Diagnostic, has_errors, render_text
from compiler.frontend import read_stack
from compiler.ir.model import StackIR
from compiler.writer import write_out

Format = Literal["yaml", "json"]


@dataclass(frozen=True)
class Compiled:
    """The contents of out/<name>/ (before manifest and README) and resources per template."""

    name: str
    files: dict[str, str]
    resources: dict[str, int]


def compile_ir(ir: StackIR, fmt: Format = "yaml") -> Compiled:
    """Every template and both buildspecs of `ir`, as text by file name."""
    templates = build_templates(ir, fmt)
    files = {name: render_template(t, fmt) for name, t in templates.items()}
    files |= render_buildspecs(ir)
    resources = {name: len(t.resources) for name, t in templates.items()}
    return Compiled(ir.name, files, resources)


def compile_spec(
    spec: Path, out_root: Path, fmt: Format = "yaml"
) -> tuple[Compiled | None, Path | None, list[Diagnostic]]:
    """Compile `spec` into out_root/<name>/; the folder is None when nothing was written."""
    ir, diagnostics = read_stack(spec)
    if ir is None or has_errors(diagnostics):
        return None, None, diagnostics
    compiled = compile_ir(ir, fmt)
    out_dir = out_root / ir.name
    problems = write_out(compiled.files, out_dir, fmt)
    if problems:
        return compiled, None, diagnostics + problems
    return compiled, out_dir, diagnostics


def _summary(compiled: Compiled, out_dir: Path) -> str:
    lines = [f"wrote {out_dir}/ ({len(compiled.files) + 2} files)"]
    width = max(len(name) for name in compiled.files)
    for name, text in compiled.files.items():
        count = compiled.resources.get(name)
        noun = "resource " if count == 1 else "resources"
        what = f"{count:4d} {noun}" if count is not None else "   buildspec"
        lines.append(f"  {name:<{width}}  {what}  {len(text.encode()) / 1024:7.1f} KiB")
    return "\n".join(lines) + "\n"


def _summary_json(compiled: Compiled, out_dir: Path) -> str:
    doc = {
        "out": str(out_dir),
        "files": {
            name: {"bytes": len(text.encode()), "resources": compiled.resources.get(name)}
            for name, text in compiled.files.items()
        },
    }
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


@click.command(name="compile")
@click.argument("spec", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--out", "out_root", type=click.Path(path_type=Path), default=Path("out"),
    show_default=True, help="Folder that receives <name>/.",
)  # fmt: skip
@click.option(
    "--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml",
    show_default=True, help="Template format.",
)  # fmt: skip
@click.option("--emit-ir", is_flag=True, help="Print the IR as JSON instead of writing files.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def compile_command(spec: Path, out_root: Path, fmt: Format, emit_ir: bool, as_json: bool) -> None:
    """Compile SPEC into nested CloudFormation stacks and buildspecs in OUT/<name>/.

    \b
    Example:
      tsc compile tinystack.yaml --out out/
      aws s3 sync out/crud-api s3://my-bucket/crud-api/
    """
    if emit_ir:
        print_ir(spec)
        return
    compiled, out_dir, diagnostics = compile_spec(spec, out_root, fmt)
    sys.stderr.write(render_text(diagnostics))
    if compiled is None or out_dir is None:
        raise SystemExit(1)
    click.echo(
        _summary_json(compiled, out_dir) if as_json else _summary(compiled, out_dir), nl=False
    )
