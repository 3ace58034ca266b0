"""`tsc cost --json`: the CostReport as one JSON object (amounts in the table's currency,
rounded to cents; quantities to 6 significant digits):

    {
      "stack": str,
      "prices": {"origin": "builtin" | path, "region", "currency", "retrieved",
                 "hours_per_month"},
      "free_tier": "available" | "used",   # the account's free tiers credited, or taken
      "traffic": {"requests_per_month", "avg_response_kb",      # the stack's profile
                  "peak_new_connections_per_second", "peak_active_connections_per_minute",
                  "derived": [names of the fields derived from requests]},
      "lcu": {"new_connections", "active_connections", "processed_bytes",
              "rule_evaluations", "processed_gb_per_hour", "billed", "driver"},
      "stages": [{"name", "endpoint", "compute", "tasks", "instances", "alarms",
                  "traffic": {...as above: the stage's own, else the stack's},
                  "items": [{"what", "quantity", "unit", "unit_usd", "monthly_usd"}],
                  "monthly_usd", "standard_monthly_usd", "hyperscale_monthly_usd",
                  "scaled_out_monthly_usd", "scaled_out_tasks",
                  "crossover_requests_per_month": int | null,
                  "cheaper_below": "api-gateway" | "alb",
                  "cheaper_above": "api-gateway" | "alb" | null}],
      "shared": {"items": [...as above], "monthly_usd"},
      "total_monthly_usd": float,
      "budget": null | {"requested": number | "auto", "amount_usd", "reason",
                        "tag": {"key", "value"}},           # alarms.monthly_budget
      "nat": {"through": [flows], "not_through": [flows]},  # what crosses the NAT
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
from compiler.cost.lines import LineItem
from compiler.cost.network_items import NAT_FLOWS, NOT_THROUGH_NAT
from compiler.ir.model import TrafficIR


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
        "free_tier": p.free_tier,
        "traffic": _traffic(t),
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
        "budget": _budget(report),
        "nat": _nat(report),
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


def _traffic(t: TrafficIR) -> dict[str, Any]:
    return {
        "requests_per_month": t.requests_per_month,
        "avg_response_kb": t.avg_response_kb,
        "peak_new_connections_per_second": _num(t.peak_new_connections_per_second),
        "peak_active_connections_per_minute": _num(t.peak_active_connections_per_minute),
        "derived": list(t.derived),
    }


def _budget(report: CostReport) -> dict[str, Any] | None:
    budget = report.ir.alarms.monthly_budget
    if budget is None:
        return None
    return {
        "requested": budget.requested,
        "amount_usd": _usd(budget.amount_usd),
        "reason": budget.reason,
        "tag": {"key": budget.tag[0], "value": budget.tag[1]},
    }


def _nat(report: CostReport) -> dict[str, list[str]]:
    through = [] if report.ir.network.tasks_in_public_subnets else list(NAT_FLOWS)
    return {"through": through, "not_through": list(NOT_THROUGH_NAT)}


def _stage_dict(report: CostReport, i: int) -> dict[str, Any]:
    stage, crossover = report.estimate.stages[i], report.crossovers[i]
    return {
        "name": stage.name,
        "endpoint": stage.endpoint,
        "compute": stage.compute,
        "tasks": stage.tasks,
        "instances": stage.instances,
        "alarms": stage.alarms,
        "traffic": _traffic(stage.traffic),
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
