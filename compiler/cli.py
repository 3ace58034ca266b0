"""The `tsc` command line: a thin group whose commands live in compiler/commands/.

A command's module is imported only when that command runs, so `tsc --help`,
`--version` and the shell completion of command names load click alone, `tsc validate`
never pays for troposphere, and boto3 or cfn-lint load only for the commands that use
them (tests/test_startup_imports.py). Every error line is `compiler.diagnostics`' own.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

import click

from compiler import __version__

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem


class Entry(NamedTuple):
    """Where a command lives and the line `tsc --help` shows for it without importing it
    (a test keeps it equal to the first line of the command's docstring)."""

    target: str  # "module:attribute" of the click command
    summary: str


# A new command is one line here.
COMMANDS: dict[str, Entry] = {
    "validate": Entry("compiler.commands.validate:validate", "Check specs against the tinystack.yaml language; exit 1 if any has an error."),
    "schema": Entry("compiler.commands.schema:schema", "Print the JSON Schema (2020-12) of tinystack.yaml, for editors and other tools."),
    "compile": Entry("compiler.commands.compile:compile_command", "Compile specs into nested CloudFormation stacks and buildspecs in OUT/<name>/."),
    "cost": Entry("compiler.commands.cost:cost", "Estimate the monthly AWS cost of SPEC, standard vs hyperscale, with the crossover."),
    "graph": Entry("compiler.commands.graph:graph", "Draw the architecture of SPEC: its components and what flows between them."),
    "deploy": Entry("compiler.commands.deploy:deploy", "Deploy SPEC (compiled first) or a compiled OUTDIR to AWS."),
    "diff": Entry("compiler.commands.deploy:diff", "Show what deploying SPEC or OUTDIR would change, without changing anything."),
    "destroy": Entry("compiler.commands.deploy:destroy", "Delete stack NAME: empty its buckets, delete it, list what is retained."),
    "lint": Entry("compiler.commands.lint:lint", "Check compiled templates with cfn-lint; exit 1 if it finds an error."),
    "init": Entry("compiler.commands.init:init", "Create a project in DIRECTORY (default: here) from a starter blueprint."),
    "push": Entry("compiler.commands.ship:push", "Ship the project's working tree to the stack's pipeline and follow the release."),
    "status": Entry("compiler.commands.observe:status", "Show each stage's tasks, image, endpoint health, last release and open alarms."),
    "logs": Entry("compiler.commands.observe:logs", "Print a stage's service log, or the last build's or release's log."),
    "outputs": Entry("compiler.commands.observe:outputs", "Print the stack's outputs, and each stage's."),
    "approve": Entry("compiler.commands.ship:approve", "Approve (or --reject) the release waiting before a stage."),
    "rollback": Entry("compiler.commands.ship:rollback", "Move a stage back to its previous released image and roll its service."),
    "exec": Entry("compiler.commands.ecs_exec:exec_command", "Open a shell (or run COMMAND) in a running task of a stage, through ECS Exec."),
}  # fmt: skip


class UnknownCommand(click.UsageError):
    """A command name that is not in COMMANDS, with the closest one (or all of them)."""

    def __init__(self, name: str, ctx: click.Context) -> None:
        from compiler.diagnostics import did_you_mean

        super().__init__(f"no such command '{name}'", ctx)
        self.hint = did_you_mean(name, COMMANDS) or f"The commands: {', '.join(sorted(COMMANDS))}."


class LazyGroup(click.Group):
    """A click group that imports a command's module only when that command runs.

    A usage mistake (unknown command or option, missing argument) is one `error:` line and
    exit status 1, like every other user error, instead of click's usage block and status 2.
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
            _fail(*_usage(error))
        except click.ClickException as error:
            _fail(_clause(error.format_message()))
        except click.Abort:
            _fail("aborted")
        sys.exit(result if isinstance(result, int) else 0)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in COMMANDS and not args[0].startswith("-"):
            raise UnknownCommand(args[0], ctx)
        return super().resolve_command(ctx, args)

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[CompletionItem]:
        """Command names with their summaries from the table: a TAB imports no command."""
        from click.shell_completion import CompletionItem

        names = [
            CompletionItem(name, help=entry.summary)
            for name, entry in COMMANDS.items()
            if name.startswith(incomplete)
        ]
        return names + click.Command.shell_complete(self, ctx, incomplete)

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


def _clause(message: str) -> str:
    """Click's sentence as our clause: `Missing argument 'SPEC'.` -> `missing argument 'SPEC'`."""
    message = message.strip()
    message = message[:-1] if message.endswith(".") else message
    return message[:1].lower() + message[1:]


def _usage(error: click.UsageError) -> tuple[str, str]:
    """(message, hint) of a usage mistake; a mistyped option gets our "did you mean"."""
    from compiler.diagnostics import did_you_mean

    command = error.ctx.command_path if error.ctx else "tsc"
    see = f"See '{command} --help'."
    if isinstance(error, UnknownCommand):
        return error.format_message(), error.hint
    if isinstance(error, click.NoSuchOption) and error.ctx is not None:
        options = [name for param in error.ctx.command.params for name in param.opts]
        guess = did_you_mean(error.option_name, options)
        return f"no such option '{error.option_name}'", f"{guess} {see}".strip()
    return _clause(error.format_message()), see


def _fail(message: str, hint: str = "") -> NoReturn:
    from compiler.diagnostics import write_error

    write_error(message, hint)
    sys.exit(1)


# a summary line up to 86 characters stays on one line in a terminal 100 columns wide
SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(cls=LazyGroup, context_settings=SETTINGS)
@click.version_option(__version__, prog_name="tinystack", message="%(prog)s %(version)s")
def main() -> None:
    """tinystack: compile tinystack.yaml into AWS CloudFormation nested stacks.

    \b
    Example:
      tsc validate tinystack.yaml
      tsc compile tinystack.yaml --out out/
    """


if __name__ == "__main__":
    main()
