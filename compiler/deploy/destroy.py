"""`tsc destroy NAME`: empty the stack's own buckets, delete it, list what stays.

CloudFormation cannot delete a bucket that holds objects, so every object version and
delete marker of the buckets the stack created goes first (not of retained buckets).
Resources whose DeletionPolicy keeps them (the ECR repository, log groups, data tables and
buckets, a database's final snapshot: kept_stores.py) are listed afterwards with the
command that removes each; `--purge` removes them after a second confirmation (data
stores only with `--purge-data` too; compiler.deploy.purge).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from rich.console import Console
from rich.markup import escape

from compiler.deploy import changes, report
from compiler.deploy.aws import Aws
from compiler.deploy.errors import DeployError
from compiler.deploy.kept_stores import kept_store
from compiler.deploy.purge import DATA_TYPES, Purged, empty_bucket, purge
from compiler.deploy.stack_view import Resource, stack_resources
from compiler.deploy.values import deployed_template
from compiler.deploy.watch import last_event_time, watch

_KEPT = ("Retain", "RetainExceptOnCreate", "Snapshot")
_REMOVE = {
    "AWS::ECR::Repository": "aws ecr delete-repository --repository-name {id} --force {flags}",
    "AWS::Logs::LogGroup": "aws logs delete-log-group --log-group-name {id} {flags}",
}  # fmt: skip


@dataclass(frozen=True)
class Choices:
    """What the person asked for: skip the question, purge what is kept, print JSON."""

    yes: bool = False
    purge: bool = False
    purge_data: bool = False
    as_json: bool = False


def _kept(aws: Aws, resources: list[Resource]) -> list[Resource]:
    """The resources a stack delete leaves in place (their DeletionPolicy)."""
    policies: dict[tuple[str, str], str] = {}
    for stack_id in {r.stack_id for r in resources}:
        for logical_id, body in (deployed_template(aws, stack_id).get("Resources") or {}).items():
            policies[(stack_id, logical_id)] = str(body.get("DeletionPolicy", "Delete"))
    return [r for r in resources if policies.get((r.stack_id, r.logical_id)) in _KEPT]


def _confirm(stack_name: str, yes: bool, ask: Callable[[str], str], question: str) -> None:
    if yes:
        return
    typed = ask(question)
    if typed.strip() != stack_name:
        raise DeployError(f"'{typed.strip()}' does not match '{stack_name}'; nothing was deleted")


def _purge_question(stack_name: str, kept: list[Resource], data: bool) -> str:
    doomed = [r for r in kept if data or r.resource_type not in DATA_TYPES]
    what = ", ".join(sorted({r.resource_type.split("::")[-1] for r in doomed})) or "nothing"
    stores = ", DATA STORES INCLUDED" if data else ""
    return (
        f"--purge also deletes what is kept by design ({what}){stores}: type '{stack_name}' again"
    )


def run_destroy(
    aws: Aws,
    stack_name: str,
    choices: Choices,
    ask: Callable[[str], str],
    out: Console,
    err: Console,
) -> int:
    """Delete the stack after confirmation; report what stays behind."""
    state = changes.stack_state(aws, stack_name)
    if state is None:
        raise DeployError(
            f"no stack named '{stack_name}' in {aws.region}; name it as deployed, with --region"
        )
    if state.status.endswith("_IN_PROGRESS") and state.status != "REVIEW_IN_PROGRESS":
        raise DeployError(
            f"stack '{stack_name}' is busy ({state.status}); wait for it to finish and rerun"
        )
    resources = list(stack_resources(aws, state.stack_id))
    kept = _kept(aws, resources)
    question = f"Type the stack name '{stack_name}' to delete it and everything it created"
    _confirm(stack_name, choices.yes, ask, question)
    if choices.purge:
        _confirm(
            stack_name, choices.yes, ask, _purge_question(stack_name, kept, choices.purge_data)
        )
    for bucket in [
        r
        for r in resources
        if r.resource_type == "AWS::S3::Bucket" and r not in kept and r.physical_id
    ]:
        count = empty_bucket(aws, bucket.physical_id)
        err.print(f"emptied bucket {bucket.physical_id} ({count} object versions)")
    since = last_event_time(aws, state.stack_id)
    aws.call("cloudformation", "delete_stack", StackName=state.stack_id)
    with report.live_events(err) as render:
        outcome = watch(aws, stack_name, state.stack_id, since, {}, render)
    if not outcome.succeeded:
        cause = (
            report.render_failure(outcome.first_failure)
            if outcome.first_failure
            else "no failed resource reported"
        )
        raise DeployError(f"delete failed ({outcome.status}): {cause}")
    purged = (
        purge(aws, [(r.resource_type, r.physical_id) for r in kept], choices.purge_data)
        if choices.purge
        else []
    )
    left = [
        r for r in kept if not any(p.removed and p.physical_id == r.physical_id for p in purged)
    ]
    if choices.as_json:
        out.out(_destroyed_json(aws, stack_name, purged, left, state.parameters), end="")
        return 0
    out.print(f"deleted stack {stack_name}")
    for gone in (p for p in purged if p.removed):
        out.print(f"purged {gone.resource_type} {escape(gone.physical_id)}", soft_wrap=True)
    _report_kept(out, left, aws)
    _report_templates(out, stack_name, state.parameters)
    return 0


def _destroyed_json(
    aws: Aws,
    stack_name: str,
    purged: list[Purged],
    left: list[Resource],
    parameters: dict[str, str],
) -> str:
    doc = {
        "stack": stack_name,
        "status": "DELETE_COMPLETE",
        "purged": [{"type": p.resource_type, "id": p.physical_id} for p in purged if p.removed],
        "retained": [
            {
                "type": r.resource_type,
                "id": r.physical_id,
                "remove": _removal(aws, r)[1],
                "data_store": r.resource_type in DATA_TYPES,
            }
            for r in sorted(left, key=lambda r: (r.resource_type, r.physical_id))
        ],
        "templates": _templates_at(stack_name, parameters),
    }
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def _templates_at(stack_name: str, parameters: dict[str, str]) -> str | None:
    """Where the uploaded templates stay (the template bucket is not the stack's)."""
    bucket = parameters.get("TemplateBucket")
    prefix = parameters.get("TemplatePrefix", "")
    # our TemplatePrefix is '<prefix><stack>/'; anything else we leave unnamed
    if not bucket or prefix.strip("/").split("/")[-1] != stack_name:
        return None
    return f"s3://{bucket}/{prefix}"


def _report_templates(out: Console, stack_name: str, parameters: dict[str, str]) -> None:
    where = _templates_at(stack_name, parameters)
    if where is None:
        return
    out.print(
        f"Uploaded templates stay in {where}  remove: aws s3 rm {where} --recursive", soft_wrap=True
    )


def _removal(aws: Aws, resource: Resource) -> tuple[str, str]:
    """(what is kept, the command that removes it); data stores by kept_stores.py."""
    store = kept_store(aws, resource.resource_type, resource.physical_id)
    if store is not None:
        return store
    command = _REMOVE.get(resource.resource_type, "delete it in the console if unneeded")
    what = f"{resource.resource_type} {resource.physical_id}"
    return what, command.format(id=resource.physical_id, flags=aws.flags())


def _report_kept(out: Console, kept: list[Resource], aws: Aws) -> None:
    if not kept:
        return
    out.print("Retained (not deleted, by design):")
    for r in sorted(kept, key=lambda r: (r.resource_type, r.physical_id)):
        what, how = _removal(aws, r)
        out.print(f"  {escape(what)}  remove: {escape(how)}", soft_wrap=True)
