"""Follow a stack operation: events of the root and every nested stack until it ends.

New events are printed as they come, in time order across every stack, above a live
progress line per stack (rich, on stderr): its status and how many of its changes are done
out of the change set's count, and the time since the operation began. Nested stacks are
discovered from their parent's events. Only events newer than the root's last event
before the operation count, so no clock is compared.
When the operation fails, the first failed resource is the earliest `*_FAILED` event that
is not a nested stack merely reporting its child (nor a cancellation): the root cause.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from compiler.deploy.aws import Aws, poll_seconds
from compiler.deploy.bundle import STACK_TYPE
from compiler.deploy.errors import AwsError, Interrupted

_COLLATERAL = ("cancelled", "canceled")


@dataclass(frozen=True)
class Event:
    stack_label: str
    logical_id: str
    resource_type: str
    status: str
    reason: str
    timestamp: datetime
    physical_id: str


@dataclass(frozen=True)
class Outcome:
    status: str
    succeeded: bool
    first_failure: Event | None


@dataclass
class _Followed:
    label: str
    seen: set[str] = field(default_factory=set)
    status: str = ""
    done: int = 0


def last_event_time(aws: Aws, stack_id: str) -> datetime | None:
    """Timestamp of the stack's newest event (the baseline for `watch`), if any."""
    try:
        page = aws.call("cloudformation", "describe_stack_events", StackName=stack_id)
    except AwsError:
        return None
    events = page.get("StackEvents") or []
    return max((e["Timestamp"] for e in events), default=None)


def _new_events(
    aws: Aws, stack_id: str, followed: _Followed, since: datetime | None
) -> list[dict[str, Any]]:
    fresh: list[dict[str, Any]] = []
    try:
        for page in aws.pages("cloudformation", "describe_stack_events", StackName=stack_id):
            batch = page.get("StackEvents") or []
            older = [e for e in batch if since is not None and e["Timestamp"] <= since]
            fresh += [e for e in batch if e not in older and e["EventId"] not in followed.seen]
            if older or all(e["EventId"] in followed.seen for e in batch):
                break  # newest first: the rest is history
    except AwsError as exc:
        if "does not exist" not in str(exc):
            raise  # a nested stack already gone has nothing more to tell
    followed.seen.update(e["EventId"] for e in fresh)
    return list(reversed(fresh))


def _to_event(raw: dict[str, Any], label: str) -> Event:
    return Event(
        stack_label=label,
        logical_id=raw.get("LogicalResourceId", ""),
        resource_type=raw.get("ResourceType", ""),
        status=raw.get("ResourceStatus", ""),
        reason=raw.get("ResourceStatusReason") or "",
        timestamp=raw["Timestamp"],
        physical_id=raw.get("PhysicalResourceId") or "",
    )


def first_failure(events: list[Event]) -> Event | None:
    """The root cause among failed events (see the module docstring)."""
    failed = [e for e in events if e.status.endswith("_FAILED")]
    causes = [
        e
        for e in failed
        if e.resource_type != STACK_TYPE
        and not any(word in e.reason.lower() for word in _COLLATERAL)
    ]
    pool = causes or failed
    return min(pool, key=lambda e: e.timestamp) if pool else None


def _terminal(status: str) -> bool:
    return not status.endswith("_IN_PROGRESS")


@dataclass(frozen=True)
class Progress:
    """Per stack label: (status, resources done, resources to do or 0 when unknown)."""

    stacks: dict[str, tuple[str, int, int]]
    elapsed: float  # seconds since the watch began


Render = Callable[[Event | None, Progress], None]


def watch(
    aws: Aws,
    stack_name: str,
    stack_id: str,
    since: datetime | None,
    labels: dict[tuple[str, str], str],
    render: Render,
    root_label: str = "",
    totals: dict[str, int] | None = None,
) -> Outcome:
    """Poll events until the root stack settles; Ctrl-C raises Interrupted.

    `totals` gives, per stack label, how many changes the change set makes there.
    """
    followed: dict[str, _Followed] = {stack_id: _Followed(root_label or stack_name)}
    history: list[Event] = []
    began = time.monotonic()

    def progress() -> Progress:
        stacks = {
            f.label: (f.status or "waiting", f.done, (totals or {}).get(f.label, 0))
            for f in followed.values()
        }
        return Progress(stacks, time.monotonic() - began)

    try:
        while True:
            _poll_all(aws, followed, since, labels, history, lambda e: render(e, progress()))
            root_status = followed[stack_id].status
            if root_status and _terminal(root_status) and root_status != "REVIEW_IN_PROGRESS":
                break
            render(None, progress())
            time.sleep(poll_seconds())
    except KeyboardInterrupt:
        raise Interrupted(stack_name, aws.region, aws.flags()) from None
    ok = root_status in ("CREATE_COMPLETE", "UPDATE_COMPLETE", "DELETE_COMPLETE")
    return Outcome(root_status, ok, None if ok else first_failure(history))


def _poll_all(
    aws: Aws,
    followed: dict[str, _Followed],
    since: datetime | None,
    labels: dict[tuple[str, str], str],
    history: list[Event],
    render: Callable[[Event], None],
) -> None:
    """One pass over every followed stack, repeated while it discovers nested stacks;
    the new events are rendered in time order across all of them."""
    polled: set[str] = set()
    fresh: list[Event] = []
    while set(followed) - polled:
        for sid in sorted(set(followed) - polled):
            polled.add(sid)
            state = followed[sid]
            for raw in _new_events(aws, sid, state, since):
                event = _to_event(raw, state.label)
                _track(followed, sid, raw, event, labels)
                fresh.append(event)
    for event in sorted(fresh, key=lambda e: e.timestamp):
        history.append(event)
        render(event)


def _track(
    followed: dict[str, _Followed],
    sid: str,
    raw: dict[str, Any],
    event: Event,
    labels: dict[tuple[str, str], str],
) -> None:
    state = followed[sid]
    if raw.get("PhysicalResourceId") == sid:
        state.status = event.status
        return
    if event.status.endswith("_COMPLETE"):
        state.done += 1
    child = event.physical_id
    if event.resource_type == STACK_TYPE and child.startswith("arn:") and child not in followed:
        label = labels.get((state.label, event.logical_id), event.logical_id)
        followed[child] = _Followed(label)
