"""What every AWS command shares: its options, which stack where, and one-line failures.

Which stack and where, most specific first: a flag; the settings of the spec's last deploy
(`.tinystack/deploy.json`, compiler.deploy.settings); AWS_REGION; boto3's own defaults
(AWS_DEFAULT_REGION, the profile's region). The stack name defaults to the spec's `name`.
Nothing here imports boto3 or rich at module level: `tsc <command> --help` stays instant.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any

import click

from compiler.commands.conventions import DEFAULT_SPEC
from compiler.diagnostics import write_error

DEFAULT_PREFIX = "tinystack"
# packages of the optional `deploy` extra, imported only when an AWS command runs
_DEPLOY_EXTRAS = ("boto3", "botocore", "rich", "pathspec")


def aws_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options every AWS command shares."""
    options = [
        click.option(
            "--region", help="AWS region (default: the last deploy's, AWS_REGION, the profile's)."
        ),
        click.option("--profile", help="Named AWS profile (default: AWS_PROFILE)."),
        click.option(
            "--endpoint-url",
            help="Send every AWS call here (default: AWS_ENDPOINT_URL, as boto3 does).",
        ),
        click.option(
            "--stack-name", help="Root stack name (default: the last deploy's, or the spec's name)."
        ),
        click.option(
            "--bucket",
            help="Template bucket (default: the last deploy's, else "
            "tinystack-templates-<account>-<region>).",
        ),
        click.option(
            "--prefix",
            help=f"Key prefix of the templates in the bucket (default: {DEFAULT_PREFIX}).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@dataclass(frozen=True)
class Where:
    """The stack a command acts on, and the AWS settings to reach it."""

    stack_name: str
    region: str | None
    profile: str | None
    endpoint_url: str | None
    bucket: str | None
    prefix: str
    remembered: bool  # some setting came from .tinystack/deploy.json


def spec_name(spec: Path) -> str | None:
    """The `name` a spec file declares, read without the compiler (None when unreadable)."""
    import yaml

    try:
        data = yaml.safe_load(spec.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    name = data.get("name") if isinstance(data, dict) else None
    return name if isinstance(name, str) else None


def resolve(spec: Path | None, options: dict[str, Any], default_name: str | None = None) -> Where:
    """Flags, then the spec's remembered settings, then defaults (see the docstring)."""
    from compiler.deploy.errors import DeployError
    from compiler.deploy.settings import Remembered, read_settings

    kept = (read_settings(spec) if spec is not None and spec.is_file() else None) or Remembered()
    name = options.get("stack_name") or kept.stack_name or default_name
    if not name and spec is not None:
        name = spec_name(spec)
    if not name:
        where = (
            f"{spec} has no readable name"
            if spec and spec.exists()
            else f"no {spec or DEFAULT_SPEC} here"
        )
        raise DeployError(f"which stack? {where}; give the spec or --stack-name")
    given = {k: options.get(k) for k in ("region", "bucket", "prefix", "stack_name")}
    remembered = any(getattr(kept, k) and not given[k] for k in given)
    return Where(
        stack_name=name,
        region=options.get("region") or kept.region or None,
        profile=options.get("profile"),
        endpoint_url=options.get("endpoint_url"),
        bucket=options.get("bucket") or kept.bucket or None,
        prefix=options.get("prefix") or kept.prefix or DEFAULT_PREFIX,
        remembered=remembered,
    )


def session(where: Where) -> Any:
    """A boto3 session for `where` (compiler.deploy.aws.connect)."""
    from compiler.deploy.aws import Target, connect

    return connect(
        Target(region=where.region, profile=where.profile, endpoint_url=where.endpoint_url)
    )


def consoles() -> tuple[Any, Any]:
    """Consoles for results (stdout) and progress (stderr)."""
    from rich.console import Console

    out = Console(highlight=False, soft_wrap=True)
    return out, Console(stderr=True, highlight=False, soft_wrap=True)


def _fail_json(as_json: bool, problems: list[str], status: str = "failed") -> None:
    """With --json, a failure is a JSON object on stdout too (a machine reads stdout)."""
    if as_json:
        doc = {"status": status, "error": problems[0], "problems": problems}
        click.echo(json.dumps(doc, indent=2, sort_keys=True))


def reporting_errors(run: Callable[..., int]) -> Callable[..., None]:
    """DeployError: one line + exit 1; Ctrl-C while waiting: how to follow, exit 130."""

    @wraps(run)
    def wrapper(**kwargs: Any) -> None:
        from compiler.deploy.errors import DeployError, Interrupted
        from compiler.deploy.preflight import PreflightFailed

        as_json = bool(kwargs.get("as_json"))
        try:
            code = run(**kwargs)
        except PreflightFailed as exc:
            for problem in exc.problems:
                write_error(problem)
            _fail_json(as_json, list(exc.problems))
            code = 1
        except DeployError as exc:
            write_error(str(exc))
            _fail_json(as_json, [str(exc)])
            code = 1
        except Interrupted as exc:
            click.echo(f"interrupted: {exc.follow}", err=True)
            _fail_json(as_json, [f"interrupted: {exc.follow}"], "interrupted")
            code = 130
        except ModuleNotFoundError as exc:
            if exc.name not in _DEPLOY_EXTRAS:
                raise
            message = f"the AWS commands need {exc.name}: pip install 'tinystack[deploy]'"
            write_error(message)
            _fail_json(as_json, [message])
            code = 1
        except KeyboardInterrupt:
            click.echo("interrupted; nothing more was sent to AWS", err=True)
            code = 130
        sys.exit(code)

    return wrapper
