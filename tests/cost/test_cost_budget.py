"""`alarms.monthly_budget`: `auto` is the estimate x 1.25 rounded up to a whole dollar, set
by the cost pass after lowering; the root template carries an AWS::Budgets::Budget only
when asked, filtered to the stack's tag, alerting the emails at 80% forecast and 100%
actual; `tsc cost` prints it next to the estimate. The template is checked by cfn-lint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cfn_templates import lint_problems, of_type, only
from click.testing import CliRunner
from cost_specs import lowered

from compiler.cfn.stack_set import build_templates
from compiler.cli import main
from compiler.cost.budget import auto_budget_usd
from compiler.cost.estimate import estimate_cost
from compiler.cost.prices import builtin_prices

EMAILS = ["ops@example.com", "cfo@example.com"]


def test_auto_is_the_estimate_times_1_25_rounded_up() -> None:
    ir = lowered(alarms={"emails": EMAILS, "monthly_budget": "auto"})
    budget = ir.alarms.monthly_budget
    assert budget is not None and budget.requested == "auto"
    estimate = estimate_cost(ir, builtin_prices()).monthly_usd
    assert budget.amount_usd == auto_budget_usd(estimate)
    assert estimate * 1.25 <= budget.amount_usd < estimate * 1.25 + 1
    assert budget.amount_usd.is_integer()
    assert f"${estimate:,.2f}/month x 1.25" in budget.reason


@pytest.mark.parametrize(("estimate", "budget"), [(39.2, 49), (40.0, 50), (40.01, 51), (0, 0)])
def test_rounding_is_up_to_the_next_whole_dollar(estimate: float, budget: int) -> None:
    assert auto_budget_usd(estimate) == budget


def test_the_budget_resource_appears_only_when_asked_and_lints_clean() -> None:
    plain = build_templates(lowered(alarms={"emails": EMAILS}), "yaml")
    assert not any(of_type(t, "AWS::Budgets::Budget") for t in plain.values())
    ir = lowered(alarms={"emails": EMAILS, "monthly_budget": 75.5})
    root = build_templates(ir, "yaml")["root.yaml"]
    assert lint_problems(root) == ()
    budget = only(root, "AWS::Budgets::Budget")
    data = budget["Budget"]
    assert (data["BudgetType"], data["TimeUnit"]) == ("COST", "MONTHLY")
    assert data["BudgetLimit"] == {"Amount": 75.5, "Unit": "USD"}
    assert data["CostFilters"] == {"TagKeyValue": ["user:tinystack-stack$shop"]}
    alerts = [
        (n["Notification"]["NotificationType"], n["Notification"]["Threshold"],
         n["Notification"]["ThresholdType"], [s["Address"] for s in n["Subscribers"]])
        for n in budget["NotificationsWithSubscribers"]
    ]  # fmt: skip
    assert alerts == [
        ("FORECASTED", 80, "PERCENTAGE", EMAILS),
        ("ACTUAL", 100, "PERCENTAGE", EMAILS),
    ]


def test_every_taggable_resource_carries_the_tag_the_budget_filters_on() -> None:
    from cfn_templates import untagged

    ir = lowered(alarms={"emails": EMAILS, "monthly_budget": "auto"})
    for name, template in build_templates(ir, "yaml").items():
        assert untagged(template, {"tinystack-stack": "shop"}) == [], name


def test_cost_prints_the_budget_next_to_the_estimate(tmp_path: Path) -> None:
    spec = tmp_path / "tinystack.yaml"
    alarms = {"emails": EMAILS, "monthly_budget": "auto"}
    spec.write_text(json.dumps({"version": 1, "name": "shop", "alarms": alarms}))
    out = CliRunner().invoke(main, ["cost", str(spec), "--json"]).stdout
    data = json.loads(out)
    amount = data["budget"]["amount_usd"]
    assert amount == auto_budget_usd(data["total_monthly_usd"])
    text = CliRunner().invoke(main, ["cost", str(spec)]).stdout.splitlines()
    total = text.index(f"Total: ${data['total_monthly_usd']:,.2f}/month")
    assert text[total + 1].startswith(f"Budget: ${amount:,.0f}/month (auto: the estimate")
