"""Golden logical IDs per bundled example: a renamed ID replaces a live resource.

tests/golden/<example>/logical_ids.txt lists, for every template compiled from
examples/<example>.yaml, each resource as `<file> <LogicalId> <Type>`. A change shows
up in review; `pytest --update-golden` rewrites the lists after a deliberate change.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.cfn.render import template_data
from compiler.cfn.stack_set import build_templates
from compiler.compile import read_stack

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def logical_ids(example: Path) -> str:
    """The `<file> <LogicalId> <Type>` lines of every template compiled from `example`."""
    ir, diagnostics = read_stack(example)
    assert ir is not None, diagnostics
    lines = []
    for name, template in sorted(build_templates(ir, "yaml").items()):
        resources = template_data(template)["Resources"]
        lines += [f"{name} {rid} {body['Type']}" for rid, body in sorted(resources.items())]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_logical_ids_match_the_golden_list(example: Path, request: pytest.FixtureRequest) -> None:
    golden = GOLDEN / example.stem / "logical_ids.txt"
    actual = logical_ids(example)
    if request.config.getoption("--update-golden"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"no golden list for {example.name}: run pytest --update-golden"
    assert actual == golden.read_text(encoding="utf-8")


def test_every_golden_list_has_its_example() -> None:
    listed = {p.parent.name for p in GOLDEN.glob("*/logical_ids.txt")}
    assert listed == {p.stem for p in EXAMPLES}  # none missing, none left from a removed example
