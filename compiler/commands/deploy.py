"""`tsc deploy`, `tsc diff`, `tsc destroy`: ship a compiled stack with boto3.

Thin: options -> which stack where (stack_target) -> a flow -> exit status. Every failure
is one `error:` line on stderr (and, with --json, an error object on stdout) and exit 1;
Ctrl-C while waiting leaves the stack to CloudFormation, says how to follow it, exits 130.
A deploy of a spec remembers where it went (.tinystack/deploy.json beside the spec).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from compiler.commands.conventions import DEFAULT_SPEC, spec_argument
from compiler.commands.folders import OUT_FOLDER
from compiler.commands.stack_target import (
    Where,
    aws_options,
    consoles,
    reporting_errors,
    resolve,
    session,
)

_SPEC_SUFFIXES = (".yaml", ".yml")


def _compile_first(spec: Path, out_root: Path) -> Path:
    from compiler.compile import compile_spec
    from compiler.deploy.errors import DeployError
    from compiler.diagnostics import Severity, write_diagnostics

    result = compile_spec(spec, out_root)
    compiled, out_dir, diagnostics = result.compiled, result.out_dir, result.diagnostics
    if compiled is None or out_dir is not None:
        write_diagnostics(diagnostics)
        if out_dir is None:
            raise DeployError(f"{spec} does not compile; nothing was deployed")
        return out_dir
    # the spec compiled and only writing failed: the writer's own words, not "does not compile"
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    write_diagnostics([d for d in diagnostics if d not in errors])
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


def _price_change(before: str | None, after: str, new_stack: bool) -> list[str]:
    """The cost line of a diff: the deployed and the new IR priced by the cost model."""
    from compiler.cost.change import change_from_json, render_change
    from compiler.ir.read import IrReadError

    try:
        return render_change(change_from_json(before, after, new_stack))
    except IrReadError as exc:  # a folder compiled by another tinystack
        return [f"cost: unknown (the compiled IR: {exc})"]


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


def _note_remembered(where: Where, spec: Path) -> None:
    if where.remembered:
        click.echo(
            f"stack {where.stack_name} in {where.region} (from {spec.parent / '.tinystack'}"
            "/deploy.json; flags override it)",
            err=True,
        )


def _run(kind: str, source: Path, out_root: Path, yes: bool, as_json: bool,
         create_bucket: bool, allow_data_replacement: bool = False,
         **options: Any) -> int:  # fmt: skip
    from compiler.deploy.flow import Io, Options, run_deploy, run_diff
    from compiler.deploy.settings import Remembered, remember

    spec = source if source.is_file() else None
    bundle = _bundle(source, out_root)
    where = resolve(spec, options, default_name=bundle.name)
    if spec is not None:
        _note_remembered(where, spec)
    aws = session(where)
    out, err = consoles()
    opts = Options(
        where.stack_name, where.bucket, where.prefix, create_bucket, yes, as_json, _price_change,
        allow_data_replacement=allow_data_replacement,
    )  # fmt: skip
    flow = run_deploy if kind == "deploy" else run_diff
    done = flow(aws, bundle, opts, Io(out, err, _confirm))
    if kind == "deploy" and spec is not None and done.bucket:
        remember(spec, Remembered(aws.region, done.bucket, where.prefix, where.stack_name))
    return done.status


_SOURCE = spec_argument("source", "SPEC|OUTDIR")
_OUT = click.option(
    "--out",
    "out_root",
    type=OUT_FOLDER,
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
    help="Print the result as JSON on stdout (deploy: stack, changes, outputs; or the error).",
)


@click.command()
@_SOURCE
@aws_options
@_OUT
@_CREATE
@click.option("--yes", "-y", is_flag=True, help="Deploy without asking.")
@click.option(
    "--allow-data-replacement",
    is_flag=True,
    help="Deploy even a change that replaces a table, bucket or database with a new, empty "
    "one (the old one is kept, not used).",
)
@_JSON
@reporting_errors
def deploy(source: Path, **options: Any) -> int:
    """Deploy SPEC (compiled first) or a compiled OUTDIR to AWS.

    Uploads the templates, creates a change set on the root stack (nested stacks
    included), shows it, asks, executes it and follows the events to the end. A change
    that would replace a data store is refused without --allow-data-replacement. A spec's
    region, bucket, prefix and stack name are remembered in .tinystack/deploy.json.
    SPEC defaults to tinystack.yaml in the current folder.

    \b
    Example:
      tsc deploy tinystack.yaml --region eu-west-1 --create-bucket
      tsc deploy out/crud-api --yes
    """
    return _run("deploy", source, **options)


@click.command()
@_SOURCE
@aws_options
@_OUT
@_CREATE
@_JSON
@reporting_errors
def diff(source: Path, **options: Any) -> int:
    """Show what deploying SPEC or OUTDIR would change, without changing anything.

    SPEC defaults to tinystack.yaml in the current folder.

    \b
    Example:
      tsc diff tinystack.yaml --region eu-west-1
    """
    return _run("diff", source, yes=False, **options)


@click.command()
@click.argument("name", required=False)
@aws_options
@click.option("--yes", "-y", is_flag=True, help="Delete without asking for the name.")
@click.option(
    "--purge", is_flag=True,
    help="Also delete what is retained by design (repository, log groups); asks again.",
)  # fmt: skip
@click.option("--purge-data", is_flag=True, help="With --purge: data stores (tables, buckets) too.")
@_JSON
@reporting_errors
def destroy(name: str | None, yes: bool, purge: bool, purge_data: bool, as_json: bool,
            **options: Any) -> int:  # fmt: skip
    """Delete stack NAME: empty its buckets, delete it, list what is retained.

    \b
    Example:
      tsc destroy crud-api --region eu-west-1
      tsc destroy --stack-name crud-api --purge
    """
    from compiler.deploy.destroy import Choices, run_destroy
    from compiler.deploy.errors import DeployError

    if name and options.get("stack_name") and name != options["stack_name"]:
        raise DeployError(f"two stack names, '{name}' and '{options['stack_name']}'; give one")
    if purge_data and not purge:
        raise DeployError("--purge-data goes with --purge")
    spec = DEFAULT_SPEC if not (name or options.get("stack_name")) else None
    where = resolve(spec, {**options, "stack_name": name or options.get("stack_name")})
    aws = session(where)
    out, err = consoles()

    def ask(question: str) -> str:
        return str(click.prompt(question, default="", show_default=False, err=True))

    choices = Choices(yes=yes, purge=purge, purge_data=purge_data, as_json=as_json)
    return run_destroy(aws, where.stack_name, choices, ask, out, err)
