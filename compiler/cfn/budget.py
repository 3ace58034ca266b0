"""The stack's monthly cost budget (`alarms.monthly_budget`), part of root.yaml.

An `AWS::Budgets::Budget` of type COST, monthly, limited to the IR's amount and filtered
to the resources carrying the stack's `tinystack-stack` tag (a cost allocation tag, which
must be activated once in the Billing console before the budget sees its costs). It
alerts `alarms.emails` when the month's forecast passes 80% of the amount and when the
actual cost passes 100%. The budget name is left to AWS (budgets are account-wide).
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-budgets-budget.html
"""

from __future__ import annotations

from troposphere import Template, budgets

from compiler.ir.model import BudgetIR, StackIR

BUDGET = "MonthlyBudget"
# (notification type, percent of the amount)
ALERTS = (("FORECASTED", 80), ("ACTUAL", 100))


def add_budget(template: Template, ir: StackIR) -> None:
    """The monthly budget resource, when the spec asks for one."""
    budget = ir.alarms.monthly_budget
    if budget is None:
        return
    template.add_resource(
        budgets.Budget(
            BUDGET,
            Budget=budgets.BudgetData(
                BudgetType="COST",
                TimeUnit="MONTHLY",
                BudgetLimit=budgets.Spend(Amount=_whole(budget.amount_usd), Unit="USD"),
                CostFilters={"TagKeyValue": [cost_allocation_filter(budget)]},
            ),
            NotificationsWithSubscribers=_alerts(ir.alarms.emails),
            ResourceTags=[budgets.ResourceTag(Key=k, Value=v) for k, v in ir.tags],
        )
    )


def cost_allocation_filter(budget: BudgetIR) -> str:
    """The budget's tag filter: `user:<key>$<value>` (a user-defined cost allocation tag)."""
    key, value = budget.tag
    return f"user:{key}${value}"


def _alerts(emails: tuple[str, ...]) -> list[budgets.NotificationWithSubscribers]:
    if not emails:  # a notification needs a subscriber; the checks warn about this
        return []
    subscribers = [budgets.Subscriber(SubscriptionType="EMAIL", Address=e) for e in emails]
    return [
        budgets.NotificationWithSubscribers(
            Notification=budgets.Notification(
                NotificationType=kind,
                ComparisonOperator="GREATER_THAN",
                Threshold=percent,
                ThresholdType="PERCENTAGE",
            ),
            Subscribers=subscribers,
        )
        for kind, percent in ALERTS
    ]


def _whole(amount: float) -> float | int:
    return int(amount) if amount.is_integer() else amount
