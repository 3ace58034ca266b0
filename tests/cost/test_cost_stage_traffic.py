"""Each stage is priced at its own traffic (`stages[].traffic`), so a dev stage is not
priced at production load; `scale: auto` decides each stage at its own; the command line's
traffic flags move the stack's profile and leave a stage's own alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from cost_specs import lowered

from compiler.cli import main
from compiler.cost.estimate import estimate_cost
from compiler.cost.prices import builtin_prices

PRICES = builtin_prices()
STAGES = [
    {"name": "dev", "traffic": {"requests_per_month": 10_000}},
    {"name": "prod"},
]


def http_api_requests(ir_stage: int, **extra: object) -> float:
    estimate = estimate_cost(lowered(**extra), PRICES)
    items = estimate.stages[ir_stage].items
    return sum(i.quantity for i in items if i.what.startswith("HTTP API requests"))


def test_each_stage_is_priced_at_its_own_requests() -> None:
    traffic = {"requests_per_month": 50_000_000}
    assert http_api_requests(0, traffic=traffic, stages=STAGES) == pytest.approx(0.01)
    assert http_api_requests(1, traffic=traffic, stages=STAGES) == pytest.approx(50)


def test_scale_auto_decides_each_stage_at_its_own_traffic() -> None:
    ir = lowered(scale="auto", traffic={"requests_per_month": 200_000_000}, stages=STAGES)
    dev, prod = ir.stages
    assert (dev.endpoint.type, prod.endpoint.type) == ("api-gateway", "alb")
    assert "for 10,000 requests/month" in dev.endpoint.choice.reason


def test_traffic_flags_move_the_stacks_profile_not_a_stages_own(tmp_path: Path) -> None:
    spec = tmp_path / "tinystack.yaml"
    spec.write_text(json.dumps({"version": 1, "name": "shop", "stages": STAGES}))
    result = CliRunner().invoke(main, ["cost", str(spec), "--requests", "3e6", "--json"])
    assert result.exit_code == 0, result.output
    dev, prod = json.loads(result.stdout)["stages"]
    assert dev["traffic"]["requests_per_month"] == 10_000
    assert prod["traffic"]["requests_per_month"] == 3_000_000
    text = CliRunner().invoke(main, ["cost", str(spec)]).stdout
    assert "Stage dev (api-gateway, t3.micro, 1 task on 1 instance; own traffic: 10,000" in text
