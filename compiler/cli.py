"""The `tsc` command line: a thin group whose commands live in compiler/commands/.

A command's module is imported only when that command runs, so `tsc --help` and
`--version` load click alone, `tsc validate` never pays for troposphere, and boto3 or
cfn-lint load only for the commands that use them (tests/test_startup_imports.py).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import Any, NamedTuple

import click

from compiler import __version__


class Entry(NamedTuple):
    """Where a command lives and the line `tsc --help` shows for it without importing it
    (a test keeps it equal to the first line of the command's docstring)."""

    target: str  # "module:attribute" of the click command
    summary: str


# A new command is one line here.
COMMANDS: dict[str, Entry] = {
    "validate": Entry("compiler.commands.validate:validate", "Check FILES against the tinystack.yaml language; exit 1 if any has an error."),
    "schema": Entry("compiler.commands.schema:schema", "Print the JSON Schema (2020-12) of tinystack.yaml, for editors and other tools."),
    "compile": Entry("compiler.commands.compile:compile_command", "Compile SPEC into nested CloudFormation stacks and buildspecs in OUT/<name>/."),
    "cost": Entry("compiler.commands.cost:cost", "Estimate the monthly AWS cost of FILE, standard vs hyperscale, with the crossover."),
    "graph": Entry("compiler.commands.graph:graph", "Draw the architecture of SPEC: its components and what flows between them."),
    "deploy": Entry("compiler.commands.deploy:deploy", "Deploy SPEC (compiled first) or a compiled OUTDIR to AWS."),
    "diff": Entry("compiler.commands.deploy:diff", "Show what deploying SPEC or OUTDIR would change, without changing anything."),
    "destroy": Entry("compiler.commands.deploy:destroy", "Delete stack NAME: empty its buckets, delete it, list what is retained."),
    "init": Entry("compiler.commands.init:init", "Create a project in DIRECTORY (default: here) from a starter blueprint."),
    "push": Entry("compiler.commands.ship:push", "Ship the project's working tree to the stack's pipeline and follow the release."),
    "status": Entry("compiler.commands.observe:status", "Show each stage's tasks, image, endpoint health, last release and open alarms."),
    "logs": Entry("compiler.commands.observe:logs", "Print a stage's service log, or the last build's or release's log."),
    "outputs": Entry("compiler.commands.observe:outputs", "Print the stack's outputs, and each stage's."),
    "approve": Entry("compiler.commands.ship:approve", "Approve (or --reject) the release waiting before a stage."),
    "rollback": Entry("compiler.commands.ship:rollback", "Move a stage back to its previous released image and roll its service."),
    "exec": Entry("compiler.commands.ecs_exec:exec_command", "Open a shell (or run COMMAND) in a running task of a stage, through ECS Exec."),
}  # fmt: skip


class LazyGroup(click.Group):
    """A click group that imports a command's module only when that command runs.

    A usage mistake (unknown option, missing argument) is one line and exit status 1,
    like every other user error, instead of click's usage block and status 2.
    """

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            result = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as error:
            command = error.ctx.command_path if error.ctx else "tsc"
            click.echo(
                f"{command}: error: {error.format_message()} (see '{command} --help')", err=True
            )
            sys.exit(1)
        except click.ClickException as error:
            click.echo(f"tsc: error: {error.format_message()}", err=True)
            sys.exit(1)
        except click.Abort:
            click.echo("tsc: aborted", err=True)
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module_name, attribute = entry.target.split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the table: no command module is imported to print it."""
        rows = [(name, COMMANDS[name].summary) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tsc")
def main() -> None:
    """tinystack: compile tinystack.yaml into AWS CloudFormation nested stacks.

    \b
    Example:
      tsc validate tinystack.yaml
      tsc compile tinystack.yaml --out out/
    """


if __name__ == "__main__":
    main()
