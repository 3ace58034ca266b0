"""`tsc lint` and `tsc compile --lint`: cfn-lint's verdict in our diagnostic format.

The source of truth is the cfn-lint command line run on the same file: every finding
appears with its rule, line, column and message, errors fail the run, warnings do not.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from compiler.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "crud-api.yaml"
BAD_TOPIC = "  BadTopic:\n    Type: AWS::SNS::Topic\n    Properties:\n      Nope: 1\n"  # E3002
UNUSED = "Parameters:\n  Unused:\n    Type: String\n"  # W2001


def tsc(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("lint") / "out"
    assert tsc("compile", EXAMPLE, "--out", out).exit_code == 0
    return out / "crud-api"


def _registry(folder: Path) -> Path:
    (found,) = folder.glob("registry.*.yaml")
    return found


def _broken(compiled: Path, tmp_path: Path, *, error: bool) -> tuple[Path, Path]:
    folder = tmp_path / "crud-api"
    shutil.copytree(compiled, folder)
    template = _registry(folder)
    text = template.read_text().replace("Resources:\n", UNUSED + "Resources:\n", 1)
    if error:
        text = text.replace("Resources:\n", "Resources:\n" + BAD_TOPIC, 1)
    template.write_text(text)
    return folder, template


def _cfn_lint_cli(template: Path) -> list[str]:
    """cfn-lint's own findings on `template`, in our line format."""
    done = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), "--format", "parseable", "--",
         str(template)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    lines = []
    for found in done.stdout.splitlines():
        file, line, col, _, _, rule, message = found.split(":", 6)
        severity = "error" if rule.startswith("E") else "warning"
        lines.append(f"{file}:{line}:{col}: {severity}: {message} [{rule}]")
    return lines


def test_a_compiled_folder_of_the_example_lints_clean(compiled: Path) -> None:
    result = tsc("lint", compiled, "--jobs", "2")
    assert (result.exit_code, result.stderr) == (0, "")
    templates = len(list(compiled.glob("*.yaml")))
    assert result.stdout == f"{compiled}/: {templates} templates, clean\n"


@pytest.fixture(scope="module")
def broken(compiled: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A copy with one error and one warning in a template, and what cfn-lint's CLI says."""
    folder, template = _broken(compiled, tmp_path_factory.mktemp("broken"), error=True)
    return folder, _cfn_lint_cli(template)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_findings_are_what_the_cfn_lint_cli_reports_and_an_error_fails(
    broken: tuple[Path, list[str]], jobs: str
) -> None:
    folder, expected = broken
    result = tsc("lint", folder, "--jobs", jobs)
    assert result.exit_code == 1
    assert {line.rsplit(" [", 1)[1] for line in expected} == {"E3002]", "W2001]"}
    by_line = sorted(expected, key=lambda line: int(line.split(":")[1]))  # in file order
    assert result.stderr.splitlines() == [*by_line, "1 error, 1 warning"]
    assert result.stdout.endswith(" templates, 1 error, 1 warning\n")


def test_warnings_alone_do_not_fail(compiled: Path, tmp_path: Path) -> None:
    folder, _ = _broken(compiled, tmp_path, error=False)
    result = tsc("lint", tmp_path)  # the folder holding compiled folders
    assert result.exit_code == 0
    assert "[W2001]\n" in result.stderr
    assert result.stdout.startswith(f"{folder}/: ")


def test_a_spec_is_compiled_first_and_compile_lint_reports_the_same(tmp_path: Path) -> None:
    linted = tsc("lint", EXAMPLE, "--out", tmp_path / "a")
    assert linted.exit_code == 0, linted.output
    assert linted.stdout.startswith(f"{tmp_path / 'a' / 'crud-api'}/: ")
    assert linted.stdout.endswith(" templates, clean\n")
    both = tsc("compile", EXAMPLE, "--out", tmp_path / "b", "--lint", "--jobs", "2")
    assert both.exit_code == 0, both.output
    assert both.stdout.startswith(f"wrote {tmp_path / 'b' / 'crud-api'}/")
    assert both.stdout.endswith(" templates, clean\n")


@pytest.mark.parametrize("argv", [["lint", "out/x"], ["compile", str(EXAMPLE), "--lint"]])
def test_without_cfn_lint_it_says_how_to_get_it_in_one_line(
    argv: list[str], tmp_path: Path
) -> None:
    probe = (
        "import sys\nsys.modules['cfnlint'] = None\n"
        "from compiler.cli import main\nmain(sys.argv[1:])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *argv], cwd=tmp_path, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (
        1,
        "error: linting needs cfn-lint. Install the lint extra: pip install 'tinystack[lint]'.\n",
    )
    assert list(tmp_path.iterdir()) == []  # checked before anything was compiled
