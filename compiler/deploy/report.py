"""Printing for deploy, diff and destroy: change summaries, live events, outputs.

Everything here takes data (from changes.py, watch.py) and a rich Console; nothing
here calls AWS. Data a person acts on (the summary, the outputs) goes to stdout; the
live progress goes to stderr.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.markup import escape
from rich.table import Table

from compiler.deploy.changes import ChangeSummary, ResourceChange, StackChanges
from compiler.deploy.data_safety import store_replacements
from compiler.deploy.values import is_bookkeeping, property_lines
from compiler.deploy.watch import Event, Progress, Render

_MARK = {"Add": "+", "Modify": "~", "Remove": "-", "Import": ">", "Dynamic": "?"}
_STYLE = {"Add": "green", "Modify": "yellow", "Remove": "red", "Import": "cyan"}
_STATUS_STYLE = {"COMPLETE": "green", "FAILED": "bold red", "IN_PROGRESS": "yellow"}


def _counts(section: StackChanges) -> str:
    parts = []
    for action, word in (("Add", "to add"), ("Modify", "to modify"), ("Remove", "to remove")):
        n = sum(c.action == action for c in section.changes)
        if n:
            parts.append(f"{n} {word}")
    return ", ".join(parts)


def _lines(change: ResourceChange) -> list[str]:
    """The resource's line, then its values (or why the compiler changes it)."""
    mark = _MARK.get(change.action, "?")
    style = _STYLE.get(change.action, "white")
    own = [p for p in change.properties if not is_bookkeeping(change.resource_type, p)]
    props = f" ({', '.join(own)})" if own else ""
    text = f"[{style}]{mark} {escape(change.logical_id)}[/] {change.resource_type}{props}"
    if change.replacement == "True":
        text += "  [bold red]!! REPLACEMENT: deleted and created anew[/]"
    elif change.replacement == "Conditional":
        text += "  [bold red]!! may be REPLACED[/]"
    details = [escape(line) for line in property_lines(change)] if change.action == "Modify" else []
    if change.reason:
        details.append(f"[dim]not your change: tinystack {escape(change.reason)}[/]")
    return ["    " + text, *("        " + line for line in details)]


def _stack_lists(summary: ChangeSummary) -> list[str]:
    return [
        f"  stacks to {word}: {', '.join(labels)}"
        for word, labels in (
            ("create", summary.stacks_to("Add")),
            ("update", summary.stacks_to("Modify")),
        )
        if labels
    ]


def render_summary(console: Console, summary: ChangeSummary, stack_name: str) -> None:
    """Which stacks change; per stack what is added, modified (old -> new) or removed."""
    verb = "create" if summary.kind == "CREATE" else "update"
    console.print(f"Changes to {verb} stack [bold]{escape(stack_name)}[/]:")
    for line in _stack_lists(summary):
        console.print(line)
    for section in summary.stacks:
        if not section.changes:
            continue  # it changes only through its nested stacks, shown below it
        console.print(f"  [bold]{escape(section.label)}[/]: {_counts(section)}")
        for change in section.changes:
            for line in _lines(change):
                console.print(line, soft_wrap=True)
    total = (
        f"{summary.count('Add')} to add, {summary.count('Modify')} to modify, "
        f"{summary.count('Remove')} to remove"
    )
    replaced = summary.replacements()
    if replaced:
        total += f", [bold red]{replaced} REPLACED[/]"
    console.print(total)


def _summary_doc(summary: ChangeSummary | None) -> dict[str, Any]:
    if summary is None:
        return {"changes": False}
    replaced = [
        {"stack": r.stack, "logical_id": r.change.logical_id, "type": r.change.resource_type,
         "why": r.why()}
        for r in store_replacements(summary)
    ]  # fmt: skip
    return {
        "changes": True,
        "kind": summary.kind,
        "data_replacements": replaced,
        "stacks": [
            {
                "stack": s.label,
                "action": s.action,
                "resources": [
                    {
                        "action": c.action,
                        "logical_id": c.logical_id,
                        "type": c.resource_type,
                        "replacement": c.replacement,
                        "properties": list(c.properties),
                        "values": _values_doc(c),
                        "reason": c.reason,
                    }
                    for c in s.changes
                ],
            }
            for s in summary.stacks
        ],
    }


def _values_doc(change: ResourceChange) -> list[dict[str, Any]] | None:
    if change.values is None:
        return None
    return [{"path": v.path, "before": v.before, "after": v.after} for v in change.values]


def summary_json(summary: ChangeSummary | None) -> str:
    """The change summary as JSON (`{"changes": false}` when there are none)."""
    return json.dumps(_summary_doc(summary), indent=2, sort_keys=True) + "\n"


def deployed_json(
    stack: str, status: str, summary: ChangeSummary | None, outputs: dict[str, str]
) -> str:
    """What `tsc deploy --json` prints: the stack, its status, what changed, its outputs."""
    doc = {"stack": stack, "status": status, "changes": _summary_doc(summary), "outputs": outputs}
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def _status(status: str) -> str:
    style = next((v for k, v in _STATUS_STYLE.items() if status.endswith(k)), "white")
    return f"[{style}]{status}[/]"


def _event_line(event: Event) -> str:
    reason = f"  {escape(event.reason)}" if event.reason else ""
    return (
        f"{event.timestamp:%H:%M:%S} {escape(event.stack_label)} "
        f"{escape(event.logical_id)} {_status(event.status)}{reason}"
    )


def _table(progress: Progress) -> Table:
    minutes, seconds = divmod(int(progress.elapsed), 60)
    table = Table(box=None, show_header=False, pad_edge=False, title_justify="left")
    table.title = f"elapsed {minutes}m{seconds:02d}s"
    for label, (status, done, total) in progress.stacks.items():
        table.add_row(label, _status(status), f"{done}/{total} done" if total else f"{done} done")
    return table


@contextmanager
def live_events(console: Console) -> Iterator[Render]:
    """A render callback for `watch` that prints events under a live per-stack table."""
    with Live(
        _table(Progress({}, 0.0)), console=console, transient=True, refresh_per_second=8
    ) as live:

        def render(event: Event | None, progress: Progress) -> None:
            if event is not None:
                live.console.print(_event_line(event))
            live.update(_table(progress))

        yield render


def render_outputs(
    console: Console, outputs: dict[str, str], notes: dict[str, str], title: bool = True
) -> None:
    """A stack's outputs, one per line: key, value, what it is for."""
    if not outputs:
        return
    if title:
        console.print("Outputs:")
    width = max(len(k) for k in outputs)
    for key in sorted(outputs):
        note = f"  [dim]# {escape(notes[key])}[/]" if notes.get(key) else ""
        console.print(f"  {key:<{width}}  {escape(outputs[key])}{note}", soft_wrap=True)


def render_failure(event: Event) -> str:
    """One line naming the first failed resource, where, and why."""
    where = f"in stack '{event.stack_label}'"
    return (
        f"{event.logical_id} ({event.resource_type}) {where} failed ({event.status}): "
        f"{event.reason or 'no reason given'}"
    )
