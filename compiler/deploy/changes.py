"""Change sets on the root stack (nested stacks included) and their summary as data.

`create_change_set` decides CREATE or UPDATE from the stack's state (refusing states
that cannot take one, with how to clear them), waits for it, and returns `None` when
there is nothing to change. `summarize` walks the nested change sets and keeps, per
stack, whether it is created or updated and the resources added, modified or removed
(a modified nested stack is a stack of its own in the summary, not a resource change of
its parent). compiler.deploy.values adds the old and new values.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from compiler.deploy.aws import Aws, poll_seconds
from compiler.deploy.errors import AwsError, DeployError, follow_command

CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
_NO_CHANGES = ("didn't contain changes", "No updates are to be performed")
_WAITING = ("CREATE_PENDING", "CREATE_IN_PROGRESS")


@dataclass(frozen=True)
class StackState:
    stack_id: str
    status: str
    parameters: dict[str, str]
    outputs: dict[str, str]
    notes: dict[str, str]  # output key -> its Description


@dataclass(frozen=True)
class Proposed:
    """A created change set waiting to be shown, executed or deleted."""

    change_set_id: str
    kind: str  # CREATE | UPDATE


@dataclass(frozen=True)
class PropertyChange:
    path: str  # 'MaxCapacity', 'ContainerDefinitions[0].Cpu'
    before: Any  # None when the property is new
    after: Any  # None when it goes away


@dataclass(frozen=True)
class ResourceChange:
    action: str  # Add | Modify | Remove | Import | Dynamic
    logical_id: str
    resource_type: str
    replacement: str  # "True" | "Conditional" | "False" | "" (not a modification)
    properties: tuple[str, ...]  # top-level properties that change
    values: tuple[PropertyChange, ...] | None = None  # old -> new by leaf (None: not read)
    reason: str = ""  # why the compiler's own bookkeeping changes it


@dataclass(frozen=True)
class StackChanges:
    label: str  # the template file's stem ('service-dev'), or the logical path
    changes: tuple[ResourceChange, ...]
    action: str = "Modify"  # what happens to the stack itself: Add (created) or Modify
    stack_id: str = ""  # the stack's ID (for a created nested stack: '')
    total: int = 0  # changes in its change set, nested stacks included: the deploy's work


@dataclass(frozen=True)
class ChangeSummary:
    change_set_id: str
    stack_id: str
    kind: str  # CREATE | UPDATE
    stacks: tuple[StackChanges, ...]

    def count(self, action: str) -> int:
        return sum(c.action == action for s in self.stacks for c in s.changes)

    def replacements(self) -> int:
        return sum(c.replacement in ("True", "Conditional") for s in self.stacks for c in s.changes)

    def stacks_to(self, action: str) -> list[str]:
        """Labels of the stacks the deploy creates (Add) or updates (Modify)."""
        return [s.label for s in self.stacks if s.action == action]


def stack_state(aws: Aws, stack_name: str) -> StackState | None:
    """The stack's status, parameters and outputs, or None when there is no such stack."""
    try:
        found = aws.call("cloudformation", "describe_stacks", StackName=stack_name)
    except AwsError as exc:
        if exc.code == "ValidationError" and "does not exist" in str(exc):
            return None
        raise
    stack = found["Stacks"][0]
    return StackState(
        stack_id=stack["StackId"],
        status=stack["StackStatus"],
        parameters={
            p["ParameterKey"]: p.get("ParameterValue", "") for p in stack.get("Parameters") or []
        },
        outputs={o["OutputKey"]: o.get("OutputValue", "") for o in stack.get("Outputs") or []},
        notes={o["OutputKey"]: o.get("Description") or "" for o in stack.get("Outputs") or []},
    )


def change_set_type(state: StackState | None, stack_name: str, flags: str) -> str:
    """CREATE or UPDATE for a stack in `state`; a DeployError for a stack that can take none.

    `flags` (`--region R [--profile P]`) goes into every command a message suggests."""
    if state is None or state.status == "REVIEW_IN_PROGRESS":
        return "CREATE"
    if state.status == "ROLLBACK_COMPLETE":
        raise DeployError(
            f"stack '{stack_name}' is in ROLLBACK_COMPLETE (its first create failed) and "
            f"cannot be updated; delete it with `tsc destroy {stack_name} {flags}` and deploy again"
        )
    if state.status.endswith("_IN_PROGRESS"):
        raise DeployError(
            f"stack '{stack_name}' is busy ({state.status}); wait for it to finish "
            f"(follow it: {follow_command(stack_name, flags)}) and rerun"
        )
    if state.status in ("ROLLBACK_FAILED", "DELETE_FAILED", "UPDATE_ROLLBACK_FAILED"):
        raise DeployError(
            f"stack '{stack_name}' is in {state.status}; fix it in the CloudFormation console "
            f"(or `tsc destroy {stack_name} {flags}`) before deploying"
        )
    return "UPDATE"


def _parameters(
    declared: list[str], given: dict[str, str], kind: str, state: StackState | None
) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = [
        {"ParameterKey": k, "ParameterValue": v} for k, v in sorted(given.items())
    ]
    if kind == "UPDATE" and state is not None:
        # keep what was set on the stack before (e.g. the AZ choices) rather than reset it
        params += [
            {"ParameterKey": k, "UsePreviousValue": True}
            for k in declared
            if k not in given and k in state.parameters
        ]
    return params


def create_change_set(
    aws: Aws, stack_name: str, template_url: str, given: dict[str, str], declared: list[str]
) -> Proposed | None:
    """Create a change set on the root stack and wait for it; None when nothing changes."""
    state = stack_state(aws, stack_name)
    kind = change_set_type(state, stack_name, aws.flags())
    name = "tsc-" + datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    created = aws.call(
        "cloudformation",
        "create_change_set",
        StackName=stack_name,
        ChangeSetName=name,
        TemplateURL=template_url,
        ChangeSetType=kind,
        IncludeNestedStacks=True,
        Capabilities=CAPABILITIES,
        Parameters=_parameters(declared, given, kind, state),
    )
    change_set_id: str = created["Id"]
    while True:
        described = aws.call("cloudformation", "describe_change_set", ChangeSetName=change_set_id)
        status = described["Status"]
        if status not in _WAITING:
            break
        time.sleep(poll_seconds())
    if status == "FAILED":
        reason = described.get("StatusReason", "")
        if any(text in reason for text in _NO_CHANGES):
            delete_change_set(aws, change_set_id)
            return None
        raise DeployError(f"CloudFormation rejected the change set: {reason}")
    return Proposed(change_set_id, kind)


def delete_change_set(aws: Aws, change_set_id: str) -> None:
    aws.call("cloudformation", "delete_change_set", ChangeSetName=change_set_id)


def _all_changes(aws: Aws, change_set_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    first: dict[str, Any] = {}
    changes: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        extra = {"NextToken": token} if token else {}
        page = aws.call(
            "cloudformation", "describe_change_set", ChangeSetName=change_set_id, **extra
        )
        first = first or page
        changes += [c["ResourceChange"] for c in page.get("Changes", []) if "ResourceChange" in c]
        token = page.get("NextToken")
        if not token:
            return first, changes


def _resource_change(raw: dict[str, Any]) -> ResourceChange:
    names = sorted(
        {
            d["Target"]["Name"]
            for d in raw.get("Details") or []
            if d.get("Target", {}).get("Attribute") == "Properties" and d["Target"].get("Name")
        }
    )
    return ResourceChange(
        action=raw.get("Action", ""),
        logical_id=raw.get("LogicalResourceId", ""),
        resource_type=raw.get("ResourceType", ""),
        replacement=raw.get("Replacement", "") if raw.get("Action") == "Modify" else "",
        properties=tuple(names),
    )


Labels = dict[tuple[str, str], str]  # (parent label, nested stack logical ID) -> label


def _walk(
    aws: Aws, change_set_id: str, label: str, action: str, labels: Labels, out: list[StackChanges]
) -> None:
    """Append this change set's stack (created or updated) and, after it, its children's."""
    first, raw_changes = _all_changes(aws, change_set_id)
    own: list[ResourceChange] = []
    children: list[tuple[str, str, str]] = []
    for raw in raw_changes:
        nested = raw.get("ChangeSetId")
        logical_id = raw.get("LogicalResourceId", "")
        if nested:
            children.append((nested, labels.get((label, logical_id), logical_id), raw["Action"]))
        # a modified nested stack is shown as a stack of its own, not as a change here
        if not (nested and raw.get("Action") == "Modify"):
            own.append(_resource_change(raw))
    stack_id = first.get("StackId", "") if action == "Modify" else ""
    out.append(StackChanges(label, tuple(own), action, stack_id, len(raw_changes)))
    for nested, child, child_action in children:
        _walk(aws, nested, child, child_action, labels, out)


def summarize(aws: Aws, proposed: Proposed, root_label: str, labels: Labels) -> ChangeSummary:
    """The change set as data; `labels` names nested stacks by their template's stem."""
    first, _ = _all_changes(aws, proposed.change_set_id)
    sections: list[StackChanges] = []
    root_action = "Add" if proposed.kind == "CREATE" else "Modify"
    _walk(aws, proposed.change_set_id, root_label, root_action, labels, sections)
    order = {label: i for i, label in enumerate([root_label, *labels.values()])}
    sections.sort(key=lambda s: (order.get(s.label, len(order)), s.label))
    return ChangeSummary(
        proposed.change_set_id, first.get("StackId", ""), proposed.kind, tuple(sections)
    )
