"""`alarms.monthly_budget: auto`: the budget is the estimate x 1.25, rounded up to a whole
dollar. A pass after lowering (like `scale: auto`'s, compiler.cost.choice), so the IR
carries the amount the budget stack is built from and lowering never imports the cost model.
"""

from __future__ import annotations

import math
from dataclasses import replace

from compiler.cost.estimate import estimate_cost
from compiler.cost.prices import builtin_prices
from compiler.ir.model import StackIR

HEADROOM = 1.25  # room above the estimate before the budget's actual alert fires


def auto_budget_usd(estimate_usd: float) -> int:
    """The `auto` amount for an estimate: x 1.25, rounded up to a whole dollar."""
    return math.ceil(round(estimate_usd * HEADROOM, 6))  # rounded first: 39.2 x 1.25 is 49


def settle_budget(ir: StackIR) -> StackIR:
    """The IR with an `auto` monthly budget given its amount (the estimate at the spec's
    traffic and the built-in prices); any other IR unchanged."""
    budget = ir.alarms.monthly_budget
    if budget is None or budget.requested != "auto" or budget.amount_usd:
        return ir
    estimate = estimate_cost(ir, builtin_prices()).monthly_usd
    amount = auto_budget_usd(estimate)
    reason = f"auto: the estimate ${estimate:,.2f}/month x {HEADROOM:g}, rounded up"
    settled = replace(budget, amount_usd=float(amount), reason=reason)
    return replace(ir, alarms=replace(ir.alarms, monthly_budget=settled))
