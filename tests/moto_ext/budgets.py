"""AWS::Budgets::Budget through moto's Budgets API (moto's CloudFormation lacks the type).

The budget is created, replaced on any change (delete, then create) and deleted through
`CreateBudget`/`DeleteBudget`, so `describe_budgets` and `describe_notifications_for_budget`
show what a stack asked for. A budget without a name gets the one CloudFormation would
generate.
"""

from __future__ import annotations

from tests.moto_ext.cfn_api import Ctx, Handler, Props, Result, call, client


def _create(props: Props, ctx: Ctx) -> Result:
    budget = {**props["Budget"], "BudgetName": props["Budget"].get("BudgetName") or ctx.name}
    call(
        "budgets",
        ctx.region,
        "create_budget",
        {},
        AccountId=ctx.account,
        Budget=budget,
        NotificationsWithSubscribers=props.get("NotificationsWithSubscribers", []),
    )
    return budget["BudgetName"], {"Id": budget["BudgetName"]}


def _delete(pid: str, props: Props, ctx: Ctx) -> None:
    try:
        client("budgets", ctx.region).delete_budget(AccountId=ctx.account, BudgetName=pid)
    except client("budgets", ctx.region).exceptions.NotFoundException:
        pass  # already gone


BUDGET_HANDLERS: dict[str, Handler] = {
    "AWS::Budgets::Budget": Handler(create=_create, delete=_delete),
}
