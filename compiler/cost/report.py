"""Rendering of a CostReport as aligned text tables for people (report_json has the JSON)."""

from __future__ import annotations

from compiler.cost.analysis import CostReport
from compiler.cost.crossover import Crossover
from compiler.cost.estimate import StageEstimate
from compiler.cost.lines import LineItem
from compiler.cost.network_items import NAT_FLOWS, NOT_THROUGH_NAT
from compiler.cost.traffic import ACTIVE_PER_MINUTE, NEW_PER_SECOND

DERIVATION = {
    NEW_PER_SECOND: "derived: one connection per request over the month",
    ACTIVE_PER_MINUTE: "derived: new connections per second x 60",
}
NOT_PRICED = (
    "Not priced: Lambda invocations of the stack's helper functions (within the free tier),",
    "S3 buckets, ECR API calls through the NAT (small), the account's free 5 GB of CloudWatch",
    "Logs (not credited: an upper bound). ALB access logs are off.",
)
HEADER = f"  {'What':<58} {'Quantity':>12}  {'Unit':<26} {'Unit price':>10} {'Monthly':>10}"


def render_text(report: CostReport) -> str:
    """The report as aligned text tables."""
    lines = [*_heading(report), ""]
    for stage, ceiling in zip(report.estimate.stages, report.ceilings, strict=True):
        own = _own_traffic(report, stage)
        lines.append(f"Stage {stage.name} ({stage.endpoint}, {stage.compute}, {_size(stage)}{own})")
        lines += [HEADER, *(_row(item) for item in stage.items)]
        lines.append(_total_row(f"Stage {stage.name}", stage.monthly_usd))
        lines.append(f"  scaled out to {_size(ceiling)}: {_money(ceiling.monthly_usd, 2)}/month")
        lines.append("")
    lines += ["Shared", HEADER, *(_row(item) for item in report.estimate.shared)]
    lines += [_total_row("Shared", report.estimate.shared_usd), ""]
    lines.append(f"Total: ${report.estimate.monthly_usd:,.2f}/month")
    lines += _budget(report)
    lines += ["", *_scales(report), "", *_options(report)]
    lines += ["", f"Recommendation: {report.recommendation}", "", *_assumptions(report)]
    return "\n".join(lines) + "\n"


def _size(stage: StageEstimate) -> str:
    """`2 tasks on 1 instance`, or `2 tasks` under Fargate."""
    tasks = f"{stage.tasks} task" + ("" if stage.tasks == 1 else "s")
    if not stage.instances:
        return tasks
    return f"{tasks} on {stage.instances} instance" + ("" if stage.instances == 1 else "s")


def _own_traffic(report: CostReport, stage: StageEstimate) -> str:
    """`; its own traffic: N requests/month, K KB` for a stage with `stages[].traffic`."""
    if stage.traffic == report.estimate.traffic:
        return ""
    t = stage.traffic
    return f"; own traffic: {t.requests_per_month:,} requests/month, {t.avg_response_kb:g} KB"


def _heading(report: CostReport) -> list[str]:
    p, t, lcu = report.prices, report.estimate.traffic, report.lcu
    whose = "per stage"
    if any(s.traffic != t for s in report.estimate.stages):
        whose = "of the stages without their own"
    return [
        f"Monthly cost of {report.estimate.stack}: {p.region}, {p.currency}, prices "
        f"'{p.origin}' read {p.retrieved}, {p.hours_per_month:g} hours a month",
        _free_tiers(report),
        f"Traffic {whose}: {t.requests_per_month:,} requests/month, "
        f"{t.avg_response_kb:g} KB average response",
        f"  peak new connections/s: {_plain(t.peak_new_connections_per_second)}"
        + _derived(t.derived, NEW_PER_SECOND),
        f"  peak active connections/min: {_plain(t.peak_active_connections_per_minute)}"
        + _derived(t.derived, ACTIVE_PER_MINUTE),
        f"  ALB LCUs per hour: new connections {lcu.new_connections:.4g}, active connections "
        f"{lcu.active_connections:.4g}, processed bytes {lcu.processed_bytes:.4g} "
        f"({lcu.processed_gb_per_hour:.4g} GB/h), rule evaluations {lcu.rule_evaluations:.4g}"
        f" -> billed {lcu.billed:.4g} ({lcu.driver})",
    ]


def _free_tiers(report: CostReport) -> str:
    """Which per-account free tiers the estimate credits to this stack."""
    tiers = ", ".join(
        f"{price.free_units or price.free_taken:g} {price.unit}"
        for price in report.prices.free_tiers().values()
    )
    if report.prices.free_tier == "used":
        return f"Free tiers: taken by other stacks of the account (--free-tier used): {tiers}"
    return f"Free tiers: the account's credited to this stack ({tiers}); --free-tier used if not"


def _budget(report: CostReport) -> list[str]:
    budget = report.ir.alarms.monthly_budget
    if budget is None:
        return []
    emails = ", ".join(report.ir.alarms.emails) or "nobody (alarms.emails is empty)"
    amount = budget.amount_usd
    money = f"${amount:,.0f}" if amount.is_integer() else f"${amount:,.2f}"
    return [
        f"Budget: {money}/month ({budget.reason}); alerts {emails} at 80% "
        "of the forecast and 100% of the actual cost of the resources tagged "
        f"{budget.tag[0]}={budget.tag[1]}"
    ]


def _plain(value: float) -> str:
    """A rate without exponent notation: 20,000 rather than 2e+04."""
    return f"{value:,.0f}" if value >= 1000 else f"{value:.4g}"


def _derived(derived: tuple[str, ...], name: str) -> str:
    return f" ({DERIVATION[name]})" if name in derived else " (given)"


def _row(item: LineItem) -> str:
    return (
        f"  {item.what:<58} {item.quantity:>12,.6g}  {item.unit:<26} "
        f"{_money(item.unit_usd, 4):>10} {_money(item.monthly_usd, 2):>10}"
    )


def _total_row(label: str, usd: float) -> str:
    return f"  {label + ' total':<110} {_money(usd, 2):>10}"


def _money(usd: float, places: int) -> str:
    sign = "-" if usd < 0 else ""
    text = f"{abs(usd):,.{places}f}"
    if places > 2:  # unit prices: keep significant digits, drop trailing zeros past cents
        whole, _, cents = text.partition(".")
        text = f"{whole}.{cents[:2]}{cents[2:].rstrip('0')}"
    return f"{sign}${text}"


def _scales(report: CostReport) -> list[str]:
    lines = [
        "Standard vs hyperscale (the same spec, every stage behind one front door)",
        f"  {'':<12} {'as specified':>14} {'standard':>14} {'hyperscale':>14}  crossover",
    ]
    columns = (report.estimate, report.standard, report.hyperscale)
    rows = [
        (c.stage, [s.stages[i].monthly_usd for s in columns], _crossing(c))
        for i, c in enumerate(report.crossovers)
    ]
    rows.append(("shared", [s.shared_usd for s in columns], ""))
    rows.append(("total", [s.monthly_usd for s in columns], _crossing(report.stack_crossover)))
    for label, usd, cross in rows:
        cells = "".join(f" {_money(u, 2):>14}" for u in usd)
        lines.append(f"  {label:<12}{cells}  {cross}".rstrip())
    return lines


def _crossing(crossover: Crossover) -> str:
    if crossover.requests_per_month is None:
        return f"none: {crossover.cheaper_below} is cheaper at every volume"
    return (
        f"{crossover.requests_per_month:,} requests/month "
        f"({crossover.cheaper_below} below, {crossover.cheaper_above} above)"
    )


def _options(report: CostReport) -> list[str]:
    if not report.options:
        return ["Cheaper options: none found; the spec is the cheapest configuration tried."]
    lines = ["Cheaper options (whole stack, monthly)"]
    for option in report.options:
        lines.append(
            f"  {option.change:<60} {_money(option.monthly_usd, 2):>11}/month"
            f"   saves {_money(option.saving_usd, 2)}"
        )
    return lines


def _assumptions(report: CostReport) -> list[str]:
    lines = ["Assumptions (from the price table; --prices FILE to change them)"]
    for name, a in sorted(report.prices.assumptions.items()):
        lines.append(f"  {name} = {a.value:g}: {a.why}")
    lines += _nat_notes(report)
    lines.append(
        "  Not priced: Lambda invocations of the stack's helper functions (within the free"
    )
    lines.append("  tier), S3 buckets, ECR API calls through the NAT (small), the account's free")
    lines.append(
        "  5 GB of CloudWatch Logs (not credited: an upper bound). ALB access logs are off."
    )
    return lines


def _nat_notes(report: CostReport) -> list[str]:
    network = report.ir.network
    if network.tasks_in_public_subnets:
        return ["  Tasks have public IPs: no traffic crosses a NAT."]
    return [
        f"  Through the NAT: {'; '.join(NAT_FLOWS)}.",
        f"  Not through it: {'; '.join(NOT_THROUGH_NAT)}.",
    ]
