"""What a change does to the bill: the monthly estimate before and after, and the line
items that moved (`tsc diff`, and `tsc deploy` before it asks).

Both IRs are priced with the built-in table at their own traffic, so the difference is
the spec's change alone. Items are matched by their `key` (an EC2 line is the same item
at x1 and x2): `~ $49.05 -> $56.89/month (+$7.84: EC2 t3.micro x2 instead of x1)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from compiler.cost.estimate import Estimate, estimate_cost
from compiler.cost.lines import LineItem
from compiler.cost.prices import builtin_prices
from compiler.ir.model import StackIR
from compiler.ir.read import IrReadError, ir_from_json

MOVED_USD = 0.005  # below half a cent an item has not moved
SHARED = "shared"


@dataclass(frozen=True)
class ItemChange:
    """One line item (or a whole stage) before and after; `what` None where it is absent."""

    scope: str  # the stage's name, or "shared"
    before_what: str | None
    after_what: str | None
    before_usd: float
    after_usd: float

    @property
    def delta_usd(self) -> float:
        return self.after_usd - self.before_usd

    def describe(self) -> str:
        """`EC2 t3.micro x2 instead of x1`, `new: ...`, `no more: ...`, or what it is."""
        before, after = self.before_what, self.after_what
        if after is None:
            return f"no more {before}"
        if before is None:
            return f"new {after}"
        if before == after:
            return after
        return f"{after} instead of {_after_common_words(before, after)}"


@dataclass(frozen=True)
class CostChange:
    """The monthly total before (None: unknown) and after, and the items that moved."""

    before_usd: float | None
    after_usd: float
    moved: tuple[ItemChange, ...]  # largest change first
    note: str = ""  # why the before figure is what it is (a new stack, unknown)
    name_stages: bool = False  # several stages: say whose item moved


def cost_change(before: StackIR | None, after: StackIR) -> CostChange:
    """Compare the estimates of two IRs (`before` None: a stack not yet created)."""
    table = builtin_prices()
    new = estimate_cost(after, table)
    if before is None:
        return CostChange(0.0, new.monthly_usd, (), "new stack")
    old = estimate_cost(before, table)
    moved = [c for c in _changes(old, new) if abs(c.delta_usd) >= MOVED_USD]
    moved.sort(key=lambda c: (-abs(c.delta_usd), c.scope, c.after_what or c.before_what or ""))
    several = max(len(before.stages), len(after.stages)) > 1
    return CostChange(old.monthly_usd, new.monthly_usd, tuple(moved), name_stages=several)


def change_from_json(before: str | None, after: str, new_stack: bool) -> CostChange:
    """`cost_change` of two IR files' texts; a deployed stack without a readable IR file
    (`before` None and not new) has an unknown before figure."""
    now = ir_from_json(after)
    if new_stack:
        return cost_change(None, now)
    if before is None:
        return _unknown_before(now, "no compiled IR kept with the deployed stack")
    try:
        then = ir_from_json(before)
    except IrReadError as exc:
        return _unknown_before(now, f"deployed IR: {exc}")
    return cost_change(then, now)


def _unknown_before(now: StackIR, note: str) -> CostChange:
    return CostChange(None, cost_change(None, now).after_usd, (), note)


def render_change(change: CostChange) -> list[str]:
    """The cost line, and one line per moved item when more than one moved."""
    after = f"${change.after_usd:,.2f}/month"
    if change.before_usd is None:
        return [f"cost: before: unknown ({change.note}) -> {after}"]
    if change.note:
        return [f"cost: + ${change.before_usd:,.2f} -> {after} ({change.note})"]
    delta = change.after_usd - change.before_usd
    if not change.moved:
        return [f"cost: = {after} (no line item moved)"]
    head = f"cost: ~ ${change.before_usd:,.2f} -> {after} ({_signed(delta)}"
    labels = [_label(c, change.name_stages) for c in change.moved]
    if len(labels) == 1:
        return [f"{head}: {labels[0]})"]
    return [f"{head})"] + [
        f"  {_signed(c.delta_usd):>10}  {label}"
        for c, label in zip(change.moved, labels, strict=True)
    ]


def _label(change: ItemChange, name_stage: bool) -> str:
    where = f"stage {change.scope}: " if name_stage and change.scope != SHARED else ""
    return where + change.describe()


def _signed(usd: float) -> str:
    return f"{'-' if usd < 0 else '+'}${abs(usd):,.2f}"


def _after_common_words(before: str, after: str) -> str:
    """`before` without the leading words it shares with `after` ("x1" of "EC2 t3.micro x1")."""
    old, new = before.split(), after.split()
    shared = 0
    while shared < min(len(old), len(new)) - 1 and old[shared] == new[shared]:
        shared += 1
    return " ".join(old[shared:])


def _changes(old: Estimate, new: Estimate) -> list[ItemChange]:
    olds = {s.name: s for s in old.stages}
    news = {s.name: s for s in new.stages}
    found = [_items(SHARED, old.shared, new.shared)]
    for name in [*olds, *(n for n in news if n not in olds)]:
        if name in olds and name in news:
            found.append(_items(name, olds[name].items, news[name].items))
            continue
        was, now = olds.get(name), news.get(name)
        what = f"stage {name}"
        found.append(
            [
                ItemChange(
                    SHARED,
                    what if was else None,
                    what if now else None,
                    was.monthly_usd if was else 0.0,
                    now.monthly_usd if now else 0.0,
                )
            ]
        )
    return [change for group in found for change in group]


def _items(scope: str, old: tuple[LineItem, ...], new: tuple[LineItem, ...]) -> list[ItemChange]:
    before, after = _by_key(old), _by_key(new)
    return [
        ItemChange(
            scope,
            before[key][0] if key in before else None,
            after[key][0] if key in after else None,
            before[key][1] if key in before else 0.0,
            after[key][1] if key in after else 0.0,
        )
        for key in [*before, *(k for k in after if k not in before)]
    ]


def _by_key(items: tuple[LineItem, ...]) -> dict[str, tuple[str, float]]:
    """key -> (what it says, monthly); tier parts of one item are summed under its kind."""
    found: dict[str, tuple[str, float]] = {}
    for item in items:
        what = item.kind if item.kind and item.what.startswith(item.kind) else item.what
        if item.key in found:
            found[item.key] = (item.key, found[item.key][1] + item.monthly_usd)
        else:
            found[item.key] = (what, item.monthly_usd)
    return found
