"""Each command loads what it uses and nothing more (a fresh process per command).

`tsc --help` must be instant: it imports no command module. Heavy libraries load only for
the commands that need them: no backend for `validate`; boto3, cfn-lint, matplotlib and
graphviz nowhere on these paths (`tsc graph` text formats included); multiprocessing
only with --jobs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from compiler.cli import COMMANDS, main

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = str(ROOT / "examples" / "minimal.yaml")
HEAVY = frozenset(
    {"troposphere", "jinja2", "jsonschema", "yaml", "boto3", "botocore", "cfnlint",
     "matplotlib", "graphviz", "diagrams", "rich", "multiprocessing"}
)  # fmt: skip
FRONT_END = frozenset({"jsonschema", "yaml"})
BACKENDS = ("compiler.cfn", "compiler.buildspecs", "compiler.cost", "compiler.deploy")

# argv -> (the heavy libraries it loads, exactly; compiler packages it must not load)
CASES: dict[tuple[str, ...], tuple[frozenset[str], tuple[str, ...]]] = {
    ("--help",): (frozenset(), ("compiler.commands", "compiler.spec", "compiler.ir")),
    ("--version",): (frozenset(), ("compiler.commands", "compiler.spec", "compiler.ir")),
    ("validate", MINIMAL): (FRONT_END, ("compiler.ir", *BACKENDS)),
    # architecture.mmd carries the monthly estimate per stage: the cost model loads
    ("compile", MINIMAL, "--out", "out"): (
        FRONT_END | {"troposphere", "jinja2"}, ("compiler.deploy",),
    ),
    ("compile", MINIMAL, "--emit-ir"): (FRONT_END, BACKENDS),
    ("cost", MINIMAL): (FRONT_END, ("compiler.cfn", "compiler.buildspecs", "compiler.deploy")),
    ("graph", MINIMAL, "--format", "mermaid"): (
        FRONT_END, ("compiler.cfn", "compiler.buildspecs", "compiler.deploy"),
    ),
    # cfn-lint's own imports bring boto3 and multiprocessing; lint never deploys
    ("lint", MINIMAL, "--out", "out", "--jobs", "1"): (
        FRONT_END | {"troposphere", "jinja2", "cfnlint", "boto3", "botocore", "multiprocessing"},
        ("compiler.deploy",),
    ),
    ("lint", "--help"): (frozenset(), ("compiler.spec", *BACKENDS)),
    ("schema",): (frozenset(), ("compiler.spec", *BACKENDS)),
    ("init", "--list"): (frozenset(), ("compiler.spec", *BACKENDS)),
    ("deploy", "--help"): (frozenset(), ("compiler.spec", *BACKENDS)),
    ("push", "--help"): (frozenset(), ("compiler.spec", *BACKENDS)),
    ("status", "--help"): (frozenset(), ("compiler.spec", *BACKENDS)),
    ("exec", "--help"): (frozenset(), ("compiler.spec", *BACKENDS)),
}  # fmt: skip

PROBE = """
import atexit, json, sys
def report():
    with open(sys.argv[1], "w") as out:
        json.dump(sorted(sys.modules), out)
atexit.register(report)
from compiler.cli import main
main(sys.argv[2:], prog_name="tsc")
"""


def _loaded(argv: tuple[str, ...], cwd: Path, env: dict[str, str] | None = None) -> set[str]:
    record = cwd / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(record), *argv],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
        env=os.environ | (env or {}),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return set(json.loads(record.read_text()))


@pytest.mark.parametrize("argv", list(CASES), ids=lambda argv: " ".join(argv[:2]).strip("-/"))
def test_a_command_loads_only_what_it_uses(argv: tuple[str, ...], tmp_path: Path) -> None:
    loads, forbidden = CASES[argv]
    modules = _loaded(argv, tmp_path)
    assert {m.split(".")[0] for m in modules} & HEAVY == loads
    assert [m for m in modules if m.startswith(forbidden)] == []


def test_help_lists_every_command_with_its_docstring_summary() -> None:
    help_text = " ".join(CliRunner().invoke(main, ["--help"]).output.split())
    for name, entry in COMMANDS.items():
        command = main.get_command(click.Context(main), name)
        assert command is not None and command.help is not None
        assert entry.summary == command.help.split("\n")[0], name
        assert f"{name} {entry.summary}" in help_text


def test_completing_a_command_name_imports_no_command(tmp_path: Path) -> None:
    """A TAB after `tsc va` is answered from the command table, as `tsc --help` is."""
    env = {"_TSC_COMPLETE": "bash_complete", "COMP_WORDS": "tsc va", "COMP_CWORD": "1"}
    modules = _loaded((), tmp_path, env)
    assert {m.split(".")[0] for m in modules} & HEAVY == set()
    assert [m for m in modules if m.startswith(("compiler.commands", "compiler.spec"))] == []
