"""Budget checks: a monthly budget must have someone to alert, and AWS Budgets alerts at
most 10 email addresses per notification.
https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_NotificationWithSubscribers.html
"""

from __future__ import annotations

from compiler.diagnostics import Diagnostic, error_rule, warning_rule
from compiler.spec.checks.declare import spec_check
from compiler.spec.load import LoadedSpec
from compiler.spec.resolve import ResolvedSpec

BUDGET_ALERTS_NOBODY = warning_rule("TS281", "alarms.monthly_budget without alarms.emails")
BUDGET_EMAILS = error_rule("TS282", "alarms.monthly_budget with more than 10 alarms.emails")

MAX_BUDGET_EMAILS = 10
_BUDGET = ("alarms", "monthly_budget")
_EMAILS = ("alarms", "emails")


@spec_check(BUDGET_ALERTS_NOBODY, BUDGET_EMAILS)
def check_budget_alerts(spec: ResolvedSpec, loaded: LoadedSpec) -> list[Diagnostic]:
    """Warn on a budget that alerts nobody; forbid one with more emails than AWS allows."""
    alarms = spec.data["alarms"]
    if alarms.get("monthly_budget") is None:
        return []
    emails = alarms["emails"]
    if not emails:
        message = "the monthly budget alerts nobody: alarms.emails is empty"
        hint = "Add alarms.emails; the budget still shows in the AWS Budgets console."
        return [loaded.diagnostic(_BUDGET, BUDGET_ALERTS_NOBODY, message, hint)]
    if len(emails) > MAX_BUDGET_EMAILS:
        message = (
            f"has {len(emails)} addresses; a budget alerts at most "
            f"{MAX_BUDGET_EMAILS} email addresses"
        )
        hint = "Keep 10, or send the alerts to a mailing list."
        return [loaded.diagnostic(_EMAILS, BUDGET_EMAILS, message, hint)]
    return []
