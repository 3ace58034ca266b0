"""Rendering of a CostReport: a text table for people, JSON for machines.

`tsc cost --json` prints one object (amounts in the table's currency, rounded to cents;
quantities to 6 significant digits):

    {
      "stack": str,
      "prices": {"origin": "builtin" | path, "region", "currency", "retrieved",
                 "hours_per_month"},
      "traffic": {"requests_per_month", "avg_response_kb",
                  "peak_new_connections_per_second", "peak_active_connections_per_minute",
                  "derived": [names of the fields derived from requests]},
      "lcu": {"new_connections", "active_connections", "processed_bytes",
              "rule_evaluations", "processed_gb_per_hour", "billed", "driver"},
      "stages": [{"name", "endpoint", "compute", "tasks", "instances", "alarms",
                  "items": [{"what", "quantity", "unit", "unit_usd", "monthly_usd"}],
                  "monthly_usd", "standard_monthly_usd", "hyperscale_monthly_usd",
                  "scaled_out_monthly_usd", "scaled_out_tasks",
                  "crossover_requests_per_month": int | null,
                  "cheaper_below": "api-gateway" | "alb",
                  "cheaper_above": "api-gateway" | "alb" | null}],
      "shared": {"items": [...as above], "monthly_usd"},
      "total_monthly_usd": float,
      "scales": {"as_specified", "standard", "hyperscale",    # whole-stack totals
                 "crossover_requests_per_month": int | null},  # every stage switched
      "options": [{"change", "monthly_usd", "saving_usd"}],   # largest saving first
      "recommendation": str,
      "assumptions": {name: {"value", "why", "source"}}
    }
"""

from __future__ import annotations

import json
from typing import Any

from compiler.cost.analysis import CostReport
from compiler.cost.crossover import Crossover
from compiler.cost.estimate import StageEstimate
from compiler.cost.lines import LineItem
from compiler.cost.traffic import ACTIVE_PER_MINUTE, NEW_PER_SECOND

DERIVATION = {
    NEW_PER_SECOND: "derived: one connection per request over the month",
    ACTIVE_PER_MINUTE: "derived: new connections per second x 60",
}
HEADER = f"  {'What':<58} {'Quantity':>12}  {'Unit':<26} {'Unit price':>10} {'Monthly':>10}"


def render_text(report: CostReport) -> str:
    """The report as aligned text tables."""
    lines = [*_heading(report), ""]
    for stage, ceiling in zip(report.estimate.stages, report.ceilings, strict=True):
        lines.append(f"Stage {stage.name} ({stage.endpoint}, {stage.compute}, {_size(stage)})")
        lines += [HEADER, *(_row(item) for item in stage.items)]
        lines.append(_total_row(f"Stage {stage.name}", stage.monthly_usd))
        lines.append(f"  scaled out to {_size(ceiling)}: {_money(ceiling.monthly_usd, 2)}/month")
        lines.append("")
    lines += ["Shared", HEADER, *(_row(item) for item in report.estimate.shared)]
    lines += [_total_row("Shared", report.estimate.shared_usd), ""]
    lines.append(f"Total: ${report.estimate.monthly_usd:,.2f}/month")
    lines += ["", *_scales(report), "", *_options(report)]
    lines += ["", f"Recommendation: {report.recommendation}", "", *_assumptions(report)]
    return "\n".join(lines) + "\n"


def _size(stage: StageEstimate) -> str:
    """`2 tasks on 1 instance`, or `2 tasks` under Fargate."""
    tasks = f"{stage.tasks} task" + ("" if stage.tasks == 1 else "s")
    if not stage.instances:
        return tasks
    return f"{tasks} on {stage.instances} instance" + ("" if stage.instances == 1 else "s")


def _heading(report: CostReport) -> list[str]:
    p, t, lcu = report.prices, report.estimate.traffic, report.lcu
    return [
        f"Monthly cost of {report.estimate.stack}: {p.region}, {p.currency}, prices "
        f"'{p.origin}' read {p.retrieved}, {p.hours_per_month:g} hours a month",
        f"Traffic per stage: {t.requests_per_month:,} requests/month, "
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
    lines.append("  Not priced: internet data transfer out (the same for both scales), Lambda")
    lines.append(
        "  invocations of the stack's helper functions (within the free tier), S3 buckets."
    )
    return lines


def render_json(report: CostReport) -> str:
    """The report as the JSON document described in the module docstring."""
    return json.dumps(report_as_dict(report), indent=2, sort_keys=True) + "\n"


def report_as_dict(report: CostReport) -> dict[str, Any]:
    """The report as JSON-ready data."""
    e, p, t, lcu = report.estimate, report.prices, report.estimate.traffic, report.lcu
    return {
        "stack": e.stack,
        "prices": {
            "origin": p.origin,
            "region": p.region,
            "currency": p.currency,
            "retrieved": p.retrieved,
            "hours_per_month": p.hours_per_month,
        },
        "traffic": {
            "requests_per_month": t.requests_per_month,
            "avg_response_kb": t.avg_response_kb,
            "peak_new_connections_per_second": _num(t.peak_new_connections_per_second),
            "peak_active_connections_per_minute": _num(t.peak_active_connections_per_minute),
            "derived": list(t.derived),
        },
        "lcu": {
            "new_connections": _num(lcu.new_connections),
            "active_connections": _num(lcu.active_connections),
            "processed_bytes": _num(lcu.processed_bytes),
            "rule_evaluations": _num(lcu.rule_evaluations),
            "processed_gb_per_hour": _num(lcu.processed_gb_per_hour),
            "billed": _num(lcu.billed),
            "driver": lcu.driver,
        },
        "stages": [_stage_dict(report, i) for i in range(len(e.stages))],
        "shared": {"items": [_item(i) for i in e.shared], "monthly_usd": _usd(e.shared_usd)},
        "total_monthly_usd": _usd(e.monthly_usd),
        "scales": {
            "as_specified": _usd(e.monthly_usd),
            "standard": _usd(report.standard.monthly_usd),
            "hyperscale": _usd(report.hyperscale.monthly_usd),
            "crossover_requests_per_month": report.stack_crossover.requests_per_month,
        },
        "options": [
            {
                "change": o.change,
                "monthly_usd": _usd(o.monthly_usd),
                "saving_usd": _usd(o.saving_usd),
            }
            for o in report.options
        ],
        "recommendation": report.recommendation,
        "assumptions": {
            name: {"value": a.value, "why": a.why, "source": a.source}
            for name, a in sorted(p.assumptions.items())
        },
    }


def _stage_dict(report: CostReport, i: int) -> dict[str, Any]:
    stage, crossover = report.estimate.stages[i], report.crossovers[i]
    return {
        "name": stage.name,
        "endpoint": stage.endpoint,
        "compute": stage.compute,
        "tasks": stage.tasks,
        "instances": stage.instances,
        "alarms": stage.alarms,
        "items": [_item(item) for item in stage.items],
        "monthly_usd": _usd(stage.monthly_usd),
        "standard_monthly_usd": _usd(report.standard.stages[i].monthly_usd),
        "hyperscale_monthly_usd": _usd(report.hyperscale.stages[i].monthly_usd),
        "scaled_out_monthly_usd": _usd(report.ceilings[i].monthly_usd),
        "scaled_out_tasks": report.ceilings[i].tasks,
        "crossover_requests_per_month": crossover.requests_per_month,
        "cheaper_below": crossover.cheaper_below,
        "cheaper_above": crossover.cheaper_above,
    }


def _item(item: LineItem) -> dict[str, Any]:
    return {
        "what": item.what,
        "quantity": _num(item.quantity),
        "unit": item.unit,
        "unit_usd": item.unit_usd,
        "monthly_usd": _usd(item.monthly_usd),
    }


def _usd(value: float) -> float:
    return round(value, 2) + 0.0  # + 0.0 turns -0.0 into 0.0


def _num(value: float) -> float:
    return float(f"{value:.6g}")
