"""Every golden case compiles to exactly its committed files (see golden_outputs.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from golden_outputs import EXAMPLES, GOLDEN, REGENERATE, Case, cases, differences, update

CASES = cases()


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_output_is_the_committed_golden_files(case: Case, request: pytest.FixtureRequest) -> None:
    if request.config.getoption("--update-golden"):
        update(case)
    report = differences(case)
    assert not report, f"the output changed; if that is meant, run `{REGENERATE}`\n{report}"


def test_every_golden_folder_is_a_case() -> None:
    """No folder left behind by a removed example or case, and every example has one."""
    folders = {p.name for p in GOLDEN.iterdir() if p.is_dir() and not p.name.startswith("_")}
    assert folders == {case.name for case in CASES}
    assert {p.stem for p in EXAMPLES.glob("*.yaml")} <= folders


def test_a_changed_template_line_fails_with_a_diff_naming_file_and_line(tmp_path: Path) -> None:
    case = Case(tmp_path / "minimal")
    shutil.copytree(GOLDEN / "minimal", case.folder)
    template = case.folder / "out" / "network.yaml"
    lines = template.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if "10.0.0.0/16" in line)
    changed = lines[at].replace("10.0.0.0/16", "10.9.0.0/16")
    template.write_text("".join([*lines[:at], changed, *lines[at + 1 :]]))
    (case.folder / "out" / "stray.yaml").write_text("x: 1\n")
    (case.folder / "ir.json").unlink()
    report = differences(case)
    assert "minimal: missing out/stray.yaml" in report
    assert "minimal: new file ir.json" in report
    assert "--- golden/minimal/out/network.yaml\n+++ compiled/minimal/out/network.yaml" in report
    assert f"\n-{changed}+{lines[at]}" in report  # the old line, then the new one
    update(case)
    assert differences(case) == ""
