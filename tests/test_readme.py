"""The commands the README shows a newcomer really run (deploy ones need AWS; tests/deploy)."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
NEEDS_AWS = {"deploy", "diff", "destroy", "push", "status", "logs", "approve", "rollback", "exec",
             "outputs"}  # fmt: skip


def _shown_tsc_commands() -> list[str]:
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", README, flags=re.S):
        for line in block.splitlines():
            for part in line.split("&&"):
                command = part.split("#")[0].strip()
                if command.startswith("tsc ") and command.split()[1] not in NEEDS_AWS:
                    commands.append(command)
    return commands


COMMANDS = _shown_tsc_commands()


def test_readme_shows_the_main_job_and_the_tests() -> None:
    assert "tsc compile examples/crud-api.yaml" in COMMANDS
    assert "python -m pytest" in README
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pytest" in ci
    for gate in ("ruff check compiler tests", "ruff format --check compiler tests",
                 "mypy --strict compiler"):  # fmt: skip
        assert f"\n{gate}\n" in ci and gate in README


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command_runs(command: str, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    argv = [sys.executable, "-m", "compiler.cli", *shlex.split(command)[1:]]
    done = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    if " compile " in f" {command} ":
        assert (tmp_path / "out" / "crud-api" / "root.yaml").is_file()
