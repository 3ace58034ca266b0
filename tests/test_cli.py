"""The command line as a user meets it: usage mistakes are one line and exit status 1."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from compiler.cli import main


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["validate"], "tsc validate: error: Missing argument 'FILES...'."),
        (
            ["compile", "--no-such-flag", "x.yaml"],
            "tsc compile: error: No such option '--no-such-flag'",
        ),
        (["bogus"], "tsc: error: No such command 'bogus'."),
        (
            ["compile", "--format", "xml", "examples/minimal.yaml"],
            "tsc compile: error: Invalid value for '--format'",
        ),
    ],
)
def test_usage_mistake_is_one_line_and_exit_1(args: list[str], says: str) -> None:
    result = CliRunner().invoke(main, args, prog_name="tsc")
    assert result.exit_code == 1
    assert result.stderr.startswith(says), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_every_command_has_help_with_an_example() -> None:
    runner = CliRunner()
    for name in main.list_commands(None):  # type: ignore[arg-type]
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert "tsc " in result.stdout.split("Options:")[0], f"{name} --help shows no example"
