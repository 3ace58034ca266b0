"""The README's picture of the bundled example is what `tsc graph` draws today.

PNG bytes vary with the Graphviz and cairo build, so the check compares what Graphviz
was asked to draw: every PNG `tsc graph` writes records the digest of its Graphviz input
(icon folder left out) in a text chunk, and that digest is recomputed here from today's
code and today's examples/crud-api.yaml.
"""

from __future__ import annotations

from pathlib import Path

from compiler.compile import read_stack
from compiler.graph.describe import describe_stack
from compiler.graph.icons import SOURCE_KEY, graphviz_source, png_text, source_digest

ROOT = Path(__file__).resolve().parents[2]
COMMAND = "tsc graph examples/crud-api.yaml -o docs/crud-api.png"


def test_the_readme_shows_the_picture_and_the_command_that_draws_it() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert COMMAND in readme
    assert "](docs/crud-api.png)" in readme


def test_the_committed_picture_is_what_the_command_draws_today() -> None:
    ir, diagnostics = read_stack(ROOT / "examples" / "crud-api.yaml")
    assert ir is not None, diagnostics
    today = source_digest(graphviz_source(describe_stack(ir)))
    committed = png_text((ROOT / "docs" / "crud-api.png").read_bytes(), SOURCE_KEY)
    assert committed == today, f"docs/crud-api.png is stale: run `{COMMAND}`"
