"""docs/spec.md is generated from the schema and stays in step with it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from spec_diagnose import diagnose

from compiler.cli import main
from compiler.spec.language_schema import load_schema
from compiler.spec.reference_doc import render_reference
from compiler.spec.reference_examples import EXAMPLES
from compiler.spec.schema_index import walk

DOC = Path(__file__).resolve().parents[2] / "docs" / "spec.md"


def test_docs_spec_md_is_not_stale() -> None:
    assert DOC.read_text(encoding="utf-8") == render_reference(), (
        "docs/spec.md is stale: run `tsc schema --markdown > docs/spec.md`"
    )


def test_schema_markdown_flag_prints_the_reference() -> None:
    result = CliRunner().invoke(main, ["schema", "--markdown"])
    assert result.exit_code == 0 and result.stdout == render_reference()


def test_every_key_of_the_schema_is_documented() -> None:
    text = render_reference()
    keys = [key.path for key in walk(load_schema())]
    # a stage override's inner keys are the top-level ones, documented there
    rows = [k for k in keys if not (k.startswith("stages[].") and k.count(".") >= 2)]
    assert len(rows) > 80
    assert [k for k in rows if f"| `{k}` |" not in text] == []


def test_every_section_has_a_worked_example() -> None:
    top = [k for k, v in load_schema()["properties"].items() if "$ref" in v or
           v.get("type") in ("object", "array")]  # fmt: skip
    sections = {key for key in top if key not in ("scale",)}
    assert sections <= set(EXAMPLES)


@pytest.mark.parametrize("section", sorted(EXAMPLES))
def test_worked_example_is_a_valid_spec(section: str) -> None:
    head = "" if section == "" else "version: 1\nname: demo\n"
    assert diagnose(head + EXAMPLES[section]) == []
