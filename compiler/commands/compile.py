"""`tsc compile`: print what compiler.compile.compile_spec wrote, or its diagnostics."""

from __future__ import annotations

import json
from pathlib import Path

import click

from compiler.commands.conventions import spec_argument
from compiler.commands.folders import OUT_FOLDER
from compiler.commands.validate import print_ir
from compiler.compile import Compiled, Format, compile_spec
from compiler.diagnostics import printable, write_diagnostics

# what a file that is not a template holds, by its name's ending
_KIND = {".yml": "   buildspec", "json": "    the IR", ".mmd": "     diagram"}


def _summary(compiled: Compiled, out_dir: Path) -> str:
    lines = [f"wrote {printable(str(out_dir))}/ ({len(compiled.files) + 2} files)"]
    width = max(len(name) for name in compiled.files)
    for name, text in compiled.files.items():
        count = compiled.resources.get(name)
        noun = "resource " if count == 1 else "resources"
        what = f"{count:4d} {noun}" if count is not None else _KIND.get(name[-4:], "")
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
@spec_argument()
@click.option(
    "--out", "out_root", type=OUT_FOLDER, default=Path("out"),
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

    SPEC defaults to tinystack.yaml in the current folder.

    \b
    Example:
      tsc compile tinystack.yaml --out out/
      aws s3 sync out/crud-api s3://my-bucket/crud-api/
    """
    if emit_ir:
        print_ir(spec)
        return
    result = compile_spec(spec, out_root, fmt)
    compiled, out_dir = result.compiled, result.out_dir
    write_diagnostics(result.diagnostics)
    if compiled is None or out_dir is None:
        raise SystemExit(1)
    click.echo(
        _summary_json(compiled, out_dir) if as_json else _summary(compiled, out_dir), nl=False
    )
