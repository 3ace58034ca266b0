"""`tsc schema`: print the JSON Schema of tinystack.yaml, or the language reference."""

from __future__ import annotations

import click

from compiler.shipped import shipped_dir


@click.command(name="schema")
@click.option("--markdown", is_flag=True, help="Print the language reference (docs/spec.md).")
def schema(markdown: bool) -> None:
    """Print the JSON Schema (2020-12) of tinystack.yaml, for editors and other tools.

    \b
    Example:
      tsc schema > tinystack.schema.json
      tsc schema --markdown > docs/spec.md
    """
    if markdown:
        from compiler.spec.reference_doc import render_reference

        click.echo(render_reference(), nl=False)
        return
    path = shipped_dir("schemas") / "tinystack.schema.json"
    click.echo(path.read_text(encoding="utf-8"), nl=False)
