"""Rendering of a CostReport as aligned text tables for people (report_json has the JSON).

The report fits `width` columns (the terminal's, 100 at most): the What column takes what
the others leave and wraps, prose lines wrap under their own indent, and quantities are
shown as people read them: three significant digits, large ones with their scale
("4.5 million").
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

from compiler.cost.analysis import CostReport
from compiler.cost.crossover import Crossover
from compiler.cost.estimate import StageEstimate
from compiler.cost.lines import LineItem
from compiler.cost.network_items import NAT_FLOWS, NOT_THROUGH_NAT
from compiler.cost.traffic import ACTIVE_PER_MINUTE, NEW_PER_SECOND
from compiler.diagnostics import plural

DERIVATION = {
    NEW_PER_SECOND: "derived: one connection per request over the month",
    ACTIVE_PER_MINUTE: "derived: new connections per second x 60",
}
NOT_PRICED = (
    "  Not priced: Lambda invocations and logs of the stack's helper functions (within the "
    "free tier), the pipeline's S3 buckets, requests to data buckets, ECR API calls through "
    "the NAT (small), the account's free 5 GB of CloudWatch Logs (not credited: an upper "
    "bound). ALB access logs are off."
)
WIDTH = 100  # the widest report: longer lines read worse, whatever the terminal
NARROWEST = 60
# the columns after What: Quantity, Unit (as wide as the longest), Unit price, Monthly
_QUANTITY, _PRICE, _MONTHLY = 11, 10, 10
_SCALES = ((1e9, " billion"), (1e6, " million"))


def render_text(report: CostReport, width: int = WIDTH) -> str:
    """The report as aligned text tables, `width` columns wide (60 to 100)."""
    width = min(max(width, NARROWEST), WIDTH)
    items = [*(i for stage in report.estimate.stages for i in stage.items), *report.estimate.shared]
    unit_width = max(len("Unit"), *(len(item.unit) for item in items))
    lines = [*_heading(report), ""]
    for stage, ceiling in zip(report.estimate.stages, report.ceilings, strict=True):
        own = _own_traffic(report, stage)
        lines.append(f"Stage {stage.name} ({stage.endpoint}, {stage.compute}, {_size(stage)}{own})")
        lines += _table(stage.items, unit_width, width)
        lines.append(_total_row(f"Stage {stage.name}", stage.monthly_usd, width))
        lines.append(f"  scaled out to {_size(ceiling)}: {_money(ceiling.monthly_usd, 2)}/month")
        lines.append("")
    lines += ["Shared", *_table(report.estimate.shared, unit_width, width)]
    lines += [_total_row("Shared", report.estimate.shared_usd, width), ""]
    lines.append(f"Total: ${report.estimate.monthly_usd:,.2f}/month")
    lines += _budget(report)
    lines += ["", *_scales(report), "", *_options(report)]
    lines += ["", f"Recommendation: {report.recommendation}", "", *_assumptions(report)]
    return "".join(f"{wrapped}\n" for line in lines for wrapped in _fit(line, width))


def _fit(line: str, width: int) -> list[str]:
    """`line`, wrapped at `width` under its own indent (+2 on the lines it continues to)."""
    if len(line) <= width:
        return [line]
    indent = line[: len(line) - len(line.lstrip())]
    return textwrap.wrap(line.lstrip(), width, initial_indent=indent,
                         subsequent_indent=indent + "  ", break_on_hyphens=False)  # fmt: skip


def quantity(value: float) -> str:
    """Three significant digits, large values with their scale: 0.191, 730, 12,300, 4.5
    million (a person reads these; --json keeps every digit)."""
    for size, word in _SCALES:
        if abs(value) >= size:
            return _significant(value / size) + word
    return _significant(value)


def _significant(value: float) -> str:
    if value == 0:
        return "0"
    rounded = float(f"{value:.3g}")
    places = max(0, 2 - math.floor(math.log10(abs(rounded))))
    text = f"{rounded:,.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _size(stage: StageEstimate) -> str:
    """`2 tasks on 1 instance`, or `2 tasks` under Fargate."""
    tasks = plural(stage.tasks, "task")
    if not stage.instances:
        return tasks
    return f"{tasks} on {plural(stage.instances, 'instance')}"


def _own_traffic(report: CostReport, stage: StageEstimate) -> str:
    """`; its own traffic: N requests/month, K KB` for a stage with `stages[].traffic`."""
    if stage.traffic == report.estimate.traffic:
        return ""
    t = stage.traffic
    return f"; own traffic: {t.requests_per_month:,} requests/month, {t.avg_response_kb:g} KB"


def _heading(report: CostReport) -> list[str]:
    p, t = report.prices, report.estimate.traffic
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
        *_lcu_line(report),
    ]


def _lcu_line(report: CostReport) -> list[str]:
    """How the ALB's LCUs are counted, for a stack with a load balancer."""
    if all(stage.endpoint != "alb" for stage in report.estimate.stages):
        return []
    lcu = report.lcu
    return [
        f"  ALB LCUs per hour: new connections {lcu.new_connections:.3g}, active connections "
        f"{lcu.active_connections:.3g}, processed bytes {lcu.processed_bytes:.3g} "
        f"({lcu.processed_gb_per_hour:.3g} GB/h), rule evaluations {lcu.rule_evaluations:.3g}"
        f" -> billed {lcu.billed:.3g} ({lcu.driver})"
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
    return f"{value:,.0f}" if value >= 1000 else quantity(value)


def _derived(derived: tuple[str, ...], name: str) -> str:
    return f" ({DERIVATION[name]})" if name in derived else " (given)"


def _table(items: Sequence[LineItem], unit_width: int, width: int) -> list[str]:
    """The header and a row per item; a long What wraps within its column."""
    what_width = width - 6 - _QUANTITY - unit_width - _PRICE - _MONTHLY
    lines = [f"  {'What':<{what_width}} {'Quantity':>{_QUANTITY}} {'Unit':<{unit_width}} "
             f"{'Unit price':>{_PRICE}} {'Monthly':>{_MONTHLY}}"]  # fmt: skip
    for item in items:
        what = textwrap.wrap(item.what, what_width, subsequent_indent="  ") or [""]
        lines.append(
            f"  {what[0]:<{what_width}} {quantity(item.quantity):>{_QUANTITY}} "
            f"{item.unit:<{unit_width}} {_money(item.unit_usd, 4):>{_PRICE}} "
            f"{_money(item.monthly_usd, 2):>{_MONTHLY}}"
        )
        lines += [f"  {rest}" for rest in what[1:]]
    return lines


def _total_row(label: str, usd: float, width: int) -> str:
    return f"  {label + ' total':<{width - 3 - _MONTHLY}} {_money(usd, 2):>{_MONTHLY}}"


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
        f"  {'':<10} {'as specified':>12} {'standard':>11} {'hyperscale':>11}  "
        "crossover (requests/month)",
    ]
    columns = (report.estimate, report.standard, report.hyperscale)
    rows = [
        (c.stage, [s.stages[i].monthly_usd for s in columns], _crossing(c))
        for i, c in enumerate(report.crossovers)
    ]
    rows.append(("shared", [s.shared_usd for s in columns], ""))
    rows.append(("total", [s.monthly_usd for s in columns], _crossing(report.stack_crossover)))
    for label, usd, cross in rows:
        cells = f" {_money(usd[0], 2):>12}" + "".join(f" {_money(u, 2):>11}" for u in usd[1:])
        lines.append(f"  {label:<10}{cells}  {cross}".rstrip())
    return lines


def _crossing(crossover: Crossover) -> str:
    if crossover.requests_per_month is None:
        return f"none: {crossover.cheaper_below} is cheaper at every volume"
    return (
        f"{quantity(crossover.requests_per_month)} "
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
    return [*lines, *_nat_notes(report), NOT_PRICED]


def _nat_notes(report: CostReport) -> list[str]:
    network = report.ir.network
    if network.tasks_in_public_subnets:
        return ["  Tasks have public IPs: no traffic crosses a NAT."]
    return [
        f"  Through the NAT: {'; '.join(NAT_FLOWS)}.",
        f"  Not through it: {'; '.join(NOT_THROUGH_NAT)}.",
    ]
