"""`tsc deploy` and `tsc diff` as steps: preflight, bucket, upload, change set, execute.

Both share everything up to the readable change summary; deploy then confirms,
executes and follows the events, diff deletes the change set (and the empty stack a
CREATE change set leaves behind). Exit status: 0 done or nothing to do, 1 failure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.console import Console

from compiler.deploy import changes, data_safety, report, upload, values
from compiler.deploy.aws import Aws
from compiler.deploy.bundle import Bundle, file_stem
from compiler.deploy.cost_note import PriceChange, cost_note
from compiler.deploy.errors import DeployError, Unanswered
from compiler.deploy.preflight import CONNECTIONS_CONSOLE, Preflight, preflight
from compiler.deploy.watch import last_event_time, watch

CONNECTION_OUTPUT = "ConnectionArn"
ROOT_LABEL = "root"


@dataclass(frozen=True)
class Options:
    stack_name: str | None
    bucket: str | None
    prefix: str
    create_bucket: bool
    yes: bool
    as_json: bool
    price: PriceChange | None = None  # prices the deployed and new IR for the cost line
    allow_data_replacement: bool = False  # deploy only: replace data stores when a change does


@dataclass(frozen=True)
class Io:
    """Where results (out) and progress (err) go, and how to ask the user.

    `confirm` raises Unanswered when no answer can come (stdin closed, Ctrl-C).
    """

    out: Console
    err: Console
    confirm: Callable[[str], bool]


@dataclass(frozen=True)
class Done:
    """How a deploy or diff ended, and the template bucket it used (to remember it)."""

    status: int  # the exit status
    bucket: str


@dataclass(frozen=True)
class _Prepared:
    bucket: str
    stack_name: str
    state: changes.StackState | None
    proposed: changes.Proposed | None
    labels: dict[tuple[str, str], str]
    templates: dict[str, dict[str, Any]]  # by stack label: what the deploy puts in place


def _labels(bundle: Bundle) -> dict[tuple[str, str], str]:
    """(parent template stem, nested stack logical ID) -> child template stem."""
    return {
        (file_stem(parent), lid): file_stem(file)
        for (parent, lid), file in bundle.child_files().items()
    }


def _warn(io: Io, checks: Preflight) -> None:
    for warning in checks.warnings:
        io.err.print(f"[yellow]warning:[/] {warning}", soft_wrap=True)


def _prepare(aws: Aws, bundle: Bundle, opts: Options, io: Io) -> _Prepared:
    stack_name = opts.stack_name or bundle.name
    state = changes.stack_state(aws, stack_name)
    changes.change_set_type(state, stack_name, aws.flags())  # refuse early, before uploading
    created_connection = state.outputs.get(CONNECTION_OUTPUT) if state else None
    checks = preflight(aws, bundle, created_connection)
    _warn(io, checks)
    account = checks.identity.account
    bucket = opts.bucket or upload.default_bucket(account, aws.region)
    if upload.ensure_bucket(aws, bucket, account, opts.create_bucket):
        io.err.print(f"created template bucket {bucket} (encrypted, versioned, private)")
    prefix = upload.stack_prefix(opts.prefix, stack_name)
    done = upload.upload_bundle(aws, bundle, bucket, prefix, account)
    io.err.print(
        f"templates: s3://{bucket}/{prefix} ({len(done.uploaded)} uploaded, "
        f"{len(done.unchanged)} unchanged)"
    )
    url = upload.template_url(aws, bucket, done.root_key)
    given = {"TemplateBucket": bucket, "TemplatePrefix": prefix}
    proposed = changes.create_change_set(aws, stack_name, url, given, bundle.root_parameters())
    templates = {file_stem(name): t for name, t in bundle.templates.items()}
    templates[ROOT_LABEL] = bundle.root
    return _Prepared(bucket, stack_name, state, proposed, _labels(bundle), templates)


def _summary(aws: Aws, prepared: _Prepared) -> changes.ChangeSummary:
    assert prepared.proposed is not None
    summary = changes.summarize(aws, prepared.proposed, ROOT_LABEL, prepared.labels)
    return values.with_values(aws, summary, prepared.templates)


def _discard(aws: Aws, prepared: _Prepared, summary: changes.ChangeSummary) -> None:
    """Delete the change set, and the empty stack a CREATE change set leaves behind."""
    changes.delete_change_set(aws, summary.change_set_id)
    if summary.kind == "CREATE" and prepared.state is None:
        aws.call("cloudformation", "delete_stack", StackName=summary.stack_id)


def _print_cost(aws: Aws, bundle: Bundle, prepared: _Prepared, opts: Options, to: Console) -> None:
    """The monthly estimate before and after the change (compiler.deploy.cost_note)."""
    for line in cost_note(aws, bundle, prepared.state, opts.price):
        to.print(line, soft_wrap=True, markup=False)


def _refusal(io: Io) -> str | None:
    """None when the user confirms; otherwise why nothing is deployed."""
    try:
        return None if io.confirm("Deploy these changes?") else "deploy cancelled"
    except Unanswered as exc:
        return str(exc)


def run_diff(aws: Aws, bundle: Bundle, opts: Options, io: Io) -> Done:
    """Show what a deploy would change, then throw the change set away."""
    prepared = _prepare(aws, bundle, opts, io)
    if prepared.proposed is None:
        if opts.as_json:
            io.out.out(report.summary_json(None), end="")
        else:
            io.out.print(f"no changes: stack {prepared.stack_name} is up to date")
        return Done(0, prepared.bucket)
    summary = _summary(aws, prepared)
    if opts.as_json:
        io.out.out(report.summary_json(summary), end="")
    else:
        report.render_summary(io.out, summary, prepared.stack_name)
        data_safety.render_store_replacements(io.out, data_safety.store_replacements(summary))
        _print_cost(aws, bundle, prepared, opts, io.out)
    _discard(aws, prepared, summary)
    return Done(0, prepared.bucket)


def _refuse_store_replacements(
    aws: Aws, prepared: _Prepared, summary: changes.ChangeSummary, opts: Options, io: Io
) -> None:
    """Stop a deploy that would replace a data store unless the user allowed it."""
    found = data_safety.store_replacements(summary)
    data_safety.render_store_replacements(io.err if opts.as_json else io.out, found)
    if found and not opts.allow_data_replacement:
        _discard(aws, prepared, summary)
        raise DeployError(data_safety.refusal(found))


def _reminders(aws: Aws, state: changes.StackState, io: Io) -> None:
    arn = state.outputs.get(CONNECTION_OUTPUT)
    if not arn:
        return
    from compiler.deploy.preflight import connection_status

    if connection_status(aws, arn) != "AVAILABLE":
        console = CONNECTIONS_CONSOLE.format(region=aws.region)
        io.out.print(
            f"next: activate the source connection once in the console: {console} "
            f"(connection {arn}); the pipeline starts after that",
            soft_wrap=True,
        )


def _finish(
    aws: Aws, stack_name: str, io: Io, as_json: bool, summary: changes.ChangeSummary | None
) -> int:
    state = changes.stack_state(aws, stack_name)
    if state is None:
        raise DeployError(f"stack '{stack_name}' disappeared while deploying")
    if as_json:
        io.out.out(report.deployed_json(stack_name, state.status, summary, state.outputs), end="")
        return 0
    io.out.print(f"stack {stack_name}: {state.status}")
    report.render_outputs(io.out, state.outputs, state.notes)
    _reminders(aws, state, io)
    return 0


def run_deploy(aws: Aws, bundle: Bundle, opts: Options, io: Io) -> Done:
    """Deploy the bundle: change set, confirmation, execution, events, outputs."""
    prepared = _prepare(aws, bundle, opts, io)
    if prepared.proposed is None:
        io.err.print(f"no changes: stack {prepared.stack_name} is up to date")
        return Done(_finish(aws, prepared.stack_name, io, opts.as_json, None), prepared.bucket)
    summary = _summary(aws, prepared)
    # with --json, stdout carries one document at the end; the person confirming reads stderr
    report.render_summary(io.err if opts.as_json else io.out, summary, prepared.stack_name)
    _print_cost(aws, bundle, prepared, opts, io.err if opts.as_json else io.out)
    _refuse_store_replacements(aws, prepared, summary, opts, io)
    refusal = None if opts.yes else _refusal(io)
    if refusal is not None:
        # an unanswered prompt is a no: leave no change set (or empty new stack) behind
        _discard(aws, prepared, summary)
        io.err.print(f"{refusal}; nothing was changed", soft_wrap=True)
        return Done(1, "")
    since = last_event_time(aws, summary.stack_id)
    aws.call("cloudformation", "execute_change_set", ChangeSetName=summary.change_set_id)
    with report.live_events(io.err) as render:
        outcome = watch(
            aws,
            prepared.stack_name,
            summary.stack_id,
            since,
            prepared.labels,
            render,
            root_label=ROOT_LABEL,
            totals={s.label: s.total for s in summary.stacks},
        )
    if not outcome.succeeded:
        cause = (
            report.render_failure(outcome.first_failure)
            if outcome.first_failure
            else "no failed resource reported"
        )
        hint = (
            f"; delete it with `tsc destroy {prepared.stack_name} {aws.flags()}` before deploying "
            "again"
            if outcome.status == "ROLLBACK_COMPLETE"
            else ""
        )
        raise DeployError(f"deploy failed ({outcome.status}): {cause}{hint}")
    return Done(_finish(aws, prepared.stack_name, io, opts.as_json, summary), prepared.bucket)
