"""The `tsc` command line: a thin group whose commands live in compiler/commands/.

Commands load lazily so that `tsc validate` never pays for (or imports) what
`tsc deploy` needs: boto3 and cfn-lint stay out of the compile path.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Sequence
from typing import Any

import click

from compiler import __version__

# command name -> "module:attribute" of its click command
COMMANDS: dict[str, str] = {
    "validate": "compiler.commands.validate:validate",
    "schema": "compiler.commands.schema:schema",
    "compile": "compiler.commands.compile:compile_command",
    "cost": "compiler.commands.cost:cost",
    "deploy": "compiler.commands.deploy:deploy",
    "diff": "compiler.commands.deploy:diff",
    "destroy": "compiler.commands.deploy:destroy",
    "init": "compiler.commands.init:init",
}


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
        return sorted(name for name in COMMANDS if _available(name))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None or not _available(cmd_name):
            return None
        module_name, attribute = target.split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        return command


def _available(name: str) -> bool:
    module_name = COMMANDS[name].split(":")[0]
    return importlib.util.find_spec(module_name) is not None


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
