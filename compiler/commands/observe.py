"""`tsc status`, `tsc logs`, `tsc outputs`: read a deployed stack, change nothing.

Thin: [SPEC] and flags -> which stack where (stack_target) -> compiler.deploy -> print.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from compiler.commands.conventions import spec_argument
from compiler.commands.stack_target import (
    aws_options,
    consoles,
    reporting_errors,
    resolve,
    session,
)

SPEC = spec_argument()
STAGE = click.option("--stage", help="The stage (default: the only one).")
JSON = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout.")


def _since(ctx: click.Context, param: click.Parameter, value: str) -> int:
    from compiler.deploy.logs import since_seconds

    try:
        return since_seconds(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def read_view(spec: Path, options: dict[str, Any], stages: bool = True) -> Any:
    from compiler.deploy.stack_view import read_stack

    where = resolve(spec, options)
    aws = session(where)
    return aws, read_stack(aws, where.stack_name, stages=stages)


@click.command()
@SPEC
@aws_options
@STAGE
@JSON
@reporting_errors
def status(spec: Path, stage: str | None, as_json: bool, **options: Any) -> int:
    """Show each stage's tasks, image, endpoint health, last release and open alarms.

    \b
    Example:
      tsc status
      tsc status tinystack.yaml --stage prod --json
    """
    from compiler.deploy.status import render_status, stack_status, status_json

    aws, view = read_view(spec, options)
    found = stack_status(aws, view, stage)
    out, _ = consoles()
    if as_json:
        out.out(status_json(found), end="")
    else:
        render_status(out, found)
    return 0


@click.command()
@SPEC
@aws_options
@STAGE
@click.option("--follow", "-f", is_flag=True, help="Keep printing new lines until Ctrl-C.")
@click.option(
    "--since", default="10m", show_default=True, callback=_since,
    help="How far back to start: 30s, 10m, 2h, 1d.",
)  # fmt: skip
@click.option("--build", "which", flag_value="build", help="The last build's CodeBuild log.")
@click.option(
    "--release", "which", flag_value="release", help="The stage's last release's CodeBuild log."
)
@reporting_errors
def logs(
    spec: Path, stage: str | None, follow: bool, since: int, which: str | None, **options: Any
) -> int:
    """Print a stage's service log, or the last build's or release's log.

    \b
    Example:
      tsc logs --stage dev --follow
      tsc logs --build --since 1h
    """
    from compiler.deploy.logs import build_source, service_source, show

    aws, view = read_view(spec, options, stages=which != "build")
    if which is None:
        source = service_source(view, stage)
    else:
        source = build_source(aws, view, stage, release=which == "release")
    click.echo(f"{source.group}: {source.what}", err=True)
    try:
        show(aws, source, since, follow, click.echo)
    except KeyboardInterrupt:
        return 130  # Ctrl-C is how a follow ends
    return 0


@click.command()
@SPEC
@aws_options
@JSON
@reporting_errors
def outputs(spec: Path, as_json: bool, **options: Any) -> int:
    """Print the stack's outputs, and each stage's.

    \b
    Example:
      tsc outputs
      tsc outputs tinystack.yaml --json
    """
    from compiler.deploy.report import render_outputs

    _, view = read_view(spec, options)
    out, _ = consoles()
    if as_json:
        doc = {
            "stack": view.name,
            "outputs": view.outputs,
            "stages": {s.name: s.outputs for s in view.stages},
        }
        out.out(json.dumps(doc, indent=2, sort_keys=True))
        return 0
    render_outputs(out, view.outputs, view.notes)
    for stage in view.stages:
        out.print(f"Stage {stage.name}:")
        render_outputs(out, stage.outputs, {}, title=False)
    return 0
