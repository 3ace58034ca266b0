"""`tsc graph`: the architecture diagram of a spec, drawn from its IR.

dot and mermaid are text this package writes itself; png and svg carry the AWS icons and
need the `diagrams` package and Graphviz (compiler/graph/icons.py). Every bad input is
one `error:` line on stderr and exit status 1; a file is written whole or not at all.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from compiler.commands.conventions import fail, read_ir, spec_argument
from compiler.graph.describe import UnknownStage, describe_stack
from compiler.graph.dot import render_dot
from compiler.graph.icons import GraphError, render_picture
from compiler.graph.mermaid import render_mermaid
from compiler.graph.model import ArchitectureGraph

# format -> file extension; text formats print to stdout without -o
EXTENSIONS = {"png": ".png", "svg": ".svg", "dot": ".dot", "mermaid": ".mmd"}
BY_EXTENSION = {
    **{ext: fmt for fmt, ext in EXTENSIONS.items()},
    ".gv": "dot",
    ".mermaid": "mermaid",
}
TEXT_FORMATS = {"dot": render_dot, "mermaid": render_mermaid}


@click.command("graph")
@spec_argument("spec_file")
@click.option("--stage", metavar="NAME", help="Draw this stage only (with the shared parts).")
@click.option(
    "--format", "fmt", type=click.Choice(list(EXTENSIONS)),
    help="png, svg, dot or mermaid (default: from -o's extension, else png).",
)  # fmt: skip
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
    help="File to write (default: <name>.png or .svg here; dot and mermaid print).",
)  # fmt: skip
def graph(spec_file: Path, stage: str | None, fmt: str | None, output: Path | None) -> None:
    """Draw the architecture of SPEC: its components and what flows between them.

    Labels carry the decisions: sizes, ranges, thresholds, approvals and the monthly
    cost per stage. png and svg carry the AWS icons and need Graphviz. SPEC defaults to
    tinystack.yaml in the current folder.

    \b
    Example:
      tsc graph examples/crud-api.yaml -o crud-api.png
      tsc graph tinystack.yaml --stage prod --format svg -o prod.svg
      tsc graph --format mermaid
    """
    fmt = fmt or BY_EXTENSION.get(output.suffix.lower() if output else "", "png")
    ir = read_ir(spec_file)
    try:
        drawing = _draw(describe_stack(ir, stage), fmt)
    except (UnknownStage, GraphError) as error:
        raise fail(str(error)) from None
    if output is None and isinstance(drawing, str):
        click.echo(drawing, nl=False)
        return
    target = output or Path(f"{ir.name}{f'-{stage}' if stage else ''}{EXTENSIONS[fmt]}")
    _write(target, drawing.encode() if isinstance(drawing, str) else drawing)
    click.echo(f"wrote {target}")


def _draw(architecture: ArchitectureGraph, fmt: str) -> str | bytes:
    text = TEXT_FORMATS.get(fmt)
    return text(architecture) if text else render_picture(architecture, fmt)


def _write(target: Path, data: bytes) -> None:
    """Write `target` whole or not at all (a temp file beside it, then a rename)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        Path(temp).chmod(0o644)
        Path(temp).replace(target)
    except OSError as error:
        raise fail(f"cannot write '{target}': {(error.strerror or str(error)).lower()}") from None
