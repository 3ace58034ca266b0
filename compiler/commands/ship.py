"""`tsc push`, `tsc approve`, `tsc rollback`: move code through a deployed stack's stages.

Thin: [SPEC] and flags -> which stack where (stack_target) -> compiler.deploy -> print.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from compiler.commands.observe import JSON, SPEC, STAGE, read_view
from compiler.commands.stack_target import aws_options, reporting_errors


def _progress(line: str) -> None:
    """Progress goes to stderr; with --json, stdout carries one document at the end."""
    click.echo(line, err=True)


@click.command()
@SPEC
@aws_options
@click.option("--no-wait", is_flag=True, help="Return once the pipeline has started.")
@JSON
@reporting_errors
def push(spec: Path, no_wait: bool, as_json: bool, **options: Any) -> int:
    """Ship the project's working tree to the stack's pipeline and follow the release.

    \b
    Example:
      tsc push
      tsc push tinystack.yaml --no-wait
    """
    from compiler.deploy import pipeline
    from compiler.deploy.push import follow, ship

    aws, view = read_view(spec, options, stages=False)
    name = view.output("PipelineName")
    shipped = ship(aws, name, spec.resolve().parent, _progress)
    _progress(f"pipeline {name}: execution {shipped.execution_id}")
    outcome = "started"
    if not no_wait:
        order = pipeline.release_order(pipeline.definition(aws, name))
        outcome = follow(aws, name, shipped.execution_id, order[0], _progress)
        _progress(outcome)
    if as_json:
        doc = {
            "pipeline": name, "execution_id": shipped.execution_id, "outcome": outcome,
            "source": shipped.source.__dict__, "commit": shipped.commit,
            "version_id": shipped.version_id, "files": list(shipped.files),
        }  # fmt: skip
        click.echo(json.dumps(doc, indent=2, sort_keys=True))
    return 0


@click.command()
@SPEC
@aws_options
@STAGE
@click.option(
    "--reject", "reason", metavar="REASON", help="Reject, saying why, instead of approving."
)
@click.option("--yes", "-y", is_flag=True, help="Approve without asking.")
@reporting_errors
def approve(spec: Path, stage: str | None, reason: str | None, yes: bool, **options: Any) -> int:
    """Approve (or --reject) the release waiting before a stage.

    \b
    Example:
      tsc approve --stage prod
      tsc approve --stage prod --reject "breaks the checkout page"
    """
    from compiler.deploy.pipeline import decide, pending_approval

    aws, view = read_view(spec, options)
    chosen = view.stage(stage).name
    name = view.output("PipelineName")
    waiting = pending_approval(aws, name, chosen)
    digest = waiting.digest or "an image whose digest the pipeline did not record"
    click.echo(
        f"stage {chosen} waits to release {digest} (execution {waiting.execution_id})", err=True
    )
    if reason is None and not yes and not click.confirm(f"Release it to {chosen}?", err=True):
        click.echo("nothing was approved", err=True)
        return 1
    decide(aws, name, waiting, approve=reason is None, reason=reason or "approved with tsc")
    if reason is None:
        click.echo(f"approved; stage {chosen} releases {digest}")
    else:
        click.echo(f"rejected: {reason}; stage {chosen} will not release {digest}")
    return 0


@click.command()
@SPEC
@aws_options
@STAGE
@click.option(
    "--to",
    "digest",
    metavar="DIGEST",
    help="The digest to go back to (default: the previous release).",
)
@JSON
@reporting_errors
def rollback(
    spec: Path, stage: str | None, digest: str | None, as_json: bool, **options: Any
) -> int:
    """Move a stage back to its previous released image and roll its service.

    \b
    Example:
      tsc rollback --stage prod
      tsc rollback --stage prod --to sha256:4f1c...
    """
    from compiler.deploy.rollback import roll_back

    aws, view = read_view(spec, options)
    done = roll_back(aws, view, view.stage(stage).name, digest, _progress)
    if as_json:
        click.echo(json.dumps(done.__dict__, indent=2, sort_keys=True))
    else:
        click.echo(f"stage {done.stage} runs {done.digest} again (was {done.previous})")
    return 0
