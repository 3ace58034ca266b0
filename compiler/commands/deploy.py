"""`tsc deploy`, `tsc diff`, `tsc destroy`: ship a compiled stack with boto3.

Thin: options -> a session (compiler.deploy.aws) -> a flow -> exit status. Every failure
is one `error:` line on stderr and exit 1; Ctrl-C while waiting leaves the stack to
CloudFormation, says how to follow it, and exits 130.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

_SPEC_SUFFIXES = (".yaml", ".yml")
# packages of the optional `deploy` extra, imported only when an AWS command runs
_DEPLOY_EXTRAS = ("boto3", "botocore", "rich")


def _aws_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options every AWS command shares."""
    options = [
        click.option("--region", help="AWS region (default: AWS_REGION or the profile's)."),
        click.option("--profile", help="Named AWS profile (default: AWS_PROFILE)."),
        click.option(
            "--endpoint-url",
            help="Send every AWS call here (default: AWS_ENDPOINT_URL, as boto3 does).",
        ),
        click.option("--stack-name", help="Root stack name (default: the spec's name)."),
        click.option(
            "--bucket", help="Template bucket (default: tinystack-templates-<account>-<region>)."
        ),
        click.option(
            "--prefix",
            default="tinystack",
            show_default=True,
            help="Key prefix of the templates in the bucket.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _consoles() -> tuple[Any, Any]:
    from rich.console import Console

    out = Console(highlight=False, soft_wrap=True)
    return out, Console(stderr=True, highlight=False, soft_wrap=True)


def _reporting_errors(run: Callable[..., int]) -> Callable[..., None]:
    """Turn DeployError into one line + exit 1, and Ctrl-C into how to follow the stack."""

    @wraps(run)
    def wrapper(**kwargs: Any) -> None:
        from compiler.deploy.errors import DeployError, Interrupted
        from compiler.deploy.preflight import PreflightFailed

        try:
            code = run(**kwargs)
        except PreflightFailed as exc:
            for problem in exc.problems:
                click.echo(f"error: {problem}", err=True)
            code = 1
        except DeployError as exc:
            click.echo(f"error: {exc}", err=True)
            code = 1
        except Interrupted as exc:
            click.echo(
                f"interrupted: stack '{exc.stack_name}' goes on in CloudFormation; follow it "
                f"with `aws cloudformation describe-stack-events --stack-name "
                f"{exc.stack_name} --region {exc.region}` or in the console",
                err=True,
            )
            code = 130
        except ModuleNotFoundError as exc:
            if exc.name not in _DEPLOY_EXTRAS:
                raise
            click.echo(
                f"error: `tsc deploy`, `diff` and `destroy` need {exc.name}: "
                "pip install 'tinystack[deploy]'", err=True)  # fmt: skip
            code = 1
        except KeyboardInterrupt:
            click.echo("interrupted; nothing more was sent to AWS", err=True)
            code = 130
        sys.exit(code)

    return wrapper


def _session(region: str | None, profile: str | None, endpoint_url: str | None) -> Any:
    from compiler.deploy.aws import Target, connect

    return connect(Target(region=region, profile=profile, endpoint_url=endpoint_url))


def _compile_first(spec: Path, out_root: Path) -> Path:
    from compiler.compile import compile_spec
    from compiler.deploy.errors import DeployError
    from compiler.diagnostics import Severity, render_text

    result = compile_spec(spec, out_root)
    compiled, out_dir, diagnostics = result.compiled, result.out_dir, result.diagnostics
    if compiled is None or out_dir is not None:
        sys.stderr.write(render_text(diagnostics))
        if out_dir is None:
            raise DeployError(f"{spec} does not compile; nothing was deployed")
        return out_dir
    # the spec compiled and only writing failed: the writer's own words, not "does not compile"
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    sys.stderr.write(render_text([d for d in diagnostics if d not in errors]))
    first = errors[0]
    hint = f". {first.hint}" if first.hint else ""
    raise DeployError(f"{first.file}: {first.message}; nothing was deployed{hint}")


def _bundle(source: Path, out_root: Path) -> Any:
    from compiler.deploy.bundle import read_bundle
    from compiler.deploy.errors import DeployError

    if source.is_dir():
        return read_bundle(source)
    if not source.exists():
        raise DeployError(
            f"{source} does not exist; give a tinystack.yaml or an out/<name>/ folder"
        )
    if source.suffix not in _SPEC_SUFFIXES:
        raise DeployError(f"{source} is neither a spec (.yaml) nor a compiled folder")
    return read_bundle(_compile_first(source, out_root))


def _confirm(question: str) -> bool:
    """Ask on stderr; a closed stdin or Ctrl-C at the prompt is Unanswered, not click's abort."""
    from compiler.deploy.errors import Unanswered

    try:
        return bool(click.confirm(question, default=False, err=True))
    except click.Abort:
        click.echo(err=True)  # the prompt's line was left open
        if not sys.stdin.isatty():
            raise Unanswered(
                "stdin is not a terminal: pass --yes to deploy without asking"
            ) from None
        raise Unanswered("deploy cancelled") from None


def _run(
    kind: str,
    source: Path,
    out_root: Path,
    yes: bool,
    as_json: bool,
    create_bucket: bool,
    **aws_options: Any,
) -> int:
    from compiler.deploy.flow import Io, Options, run_deploy, run_diff

    bundle = _bundle(source, out_root)
    aws = _session(aws_options["region"], aws_options["profile"], aws_options["endpoint_url"])
    out, err = _consoles()
    opts = Options(
        stack_name=aws_options["stack_name"],
        bucket=aws_options["bucket"],
        prefix=aws_options["prefix"],
        create_bucket=create_bucket,
        yes=yes,
        as_json=as_json,
    )
    flow = run_deploy if kind == "deploy" else run_diff
    return flow(aws, bundle, opts, Io(out, err, _confirm))


_SOURCE = click.argument("source", metavar="SPEC|OUTDIR", type=click.Path(path_type=Path))
_OUT = click.option(
    "--out",
    "out_root",
    type=click.Path(path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Where a given spec is compiled to first.",
)
_CREATE = click.option(
    "--create-bucket",
    is_flag=True,
    help="Create the template bucket if missing (encrypted, versioned, public access blocked).",
)
_JSON = click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the result as JSON on stdout (deploy: stack, changes, outputs).",
)


@click.command()
@_SOURCE
@_aws_options
@_OUT
@_CREATE
@click.option("--yes", "-y", is_flag=True, help="Deploy without asking.")
@_JSON
@_reporting_errors
def deploy(source: Path, **options: Any) -> int:
    """Deploy SPEC (compiled first) or a compiled OUTDIR to AWS.

    Uploads the templates, creates a change set on the root stack (nested stacks
    included), shows it, asks, executes it and follows the events to the end.

    \b
    Example:
      tsc deploy tinystack.yaml --region eu-west-1 --create-bucket
      tsc deploy out/crud-api --yes
    """
    return _run("deploy", source, **options)


@click.command()
@_SOURCE
@_aws_options
@_OUT
@_CREATE
@_JSON
@_reporting_errors
def diff(source: Path, **options: Any) -> int:
    """Show what deploying SPEC or OUTDIR would change, without changing anything.

    \b
    Example:
      tsc diff tinystack.yaml --region eu-west-1
    """
    return _run("diff", source, yes=False, **options)


@click.command()
@click.argument("name")
@_aws_options
@click.option("--yes", "-y", is_flag=True, help="Delete without asking for the name.")
@_reporting_errors
def destroy(name: str, yes: bool, **options: Any) -> int:
    """Delete stack NAME: empty its buckets, delete it, list what is retained.

    \b
    Example:
      tsc destroy crud-api --region eu-west-1
    """
    from compiler.deploy.destroy import run_destroy

    aws = _session(options["region"], options["profile"], options["endpoint_url"])
    out, err = _consoles()

    def ask(question: str) -> str:
        return str(click.prompt(question, default="", show_default=False, err=True))

    return run_destroy(aws, options["stack_name"] or name, yes, ask, out, err)
