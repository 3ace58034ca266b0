"""`tsc exec`: a shell, or a command, in a running task of a stage (ECS Exec)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from compiler.commands.observe import SPEC, STAGE, read_view
from compiler.commands.stack_target import aws_options, reporting_errors


class _CommandAfterDashes(click.Command):
    """Everything after `--` is the remote command (click would give it to [SPEC] first)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if "--" in args:
            at = args.index("--")
            ctx.meta[_REMOTE] = tuple(args[at + 1 :])
            args = args[:at]
        return super().parse_args(ctx, args)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, "[SPEC] [OPTIONS] [-- COMMAND...]")


_REMOTE = "tinystack.exec.command"


@click.command(name="exec", cls=_CommandAfterDashes)
@SPEC
@aws_options
@STAGE
@reporting_errors
def exec_command(spec: Path, stage: str | None, **options: Any) -> int:
    """Open a shell (or run COMMAND) in a running task of a stage, through ECS Exec.

    Needs the Session Manager plugin (session-manager-plugin on PATH) and `exec: true`
    for the stage in tinystack.yaml.

    \b
    Example:
      tsc exec --stage dev
      tsc exec tinystack.yaml --stage dev -- python manage.py migrate
    """
    from compiler.deploy.ecs_exec import plan, plugin_path, run

    command: tuple[str, ...] = click.get_current_context().meta.get(_REMOTE, ())
    plugin = plugin_path()  # before any call, as the AWS CLI checks
    aws, view = read_view(spec, options)
    call = plan(aws, view.stage(stage), command)
    click.echo(f"exec into {call.task_arn} ({call.container}): {call.command}", err=True)
    return run(aws, call, plugin)
