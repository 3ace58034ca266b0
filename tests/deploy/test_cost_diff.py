"""`tsc diff` and `tsc deploy` show what a change does to the monthly bill, against moto.

The before figure is the deployed stack's own compiled IR (named in its root template's
Metadata, read back from the template bucket), priced as `tsc cost` prices it; the after
figure is the folder about to be deployed. A stack deployed without one says so.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from test_by_hand import BUCKET, stack_arguments, sync

from compiler.cost.estimate import estimate_cost
from compiler.cost.prices import builtin_prices
from compiler.ir.read import ir_from_json
from compiler.template_yaml import load_template

T3_SMALL = "name: hello\ncompute: {instance_type: t3.small}\n"


def monthly(folder: Path) -> float:
    """The estimate of a compiled folder's IR, as `tsc cost` prices it."""
    (ir_file,) = folder.glob("ir.*.json")
    return estimate_cost(ir_from_json(ir_file.read_text()), builtin_prices()).monthly_usd


def test_diff_after_an_instance_type_change_shows_the_cost_line(
    aws, tsc, compile_example, tmp_path
):
    first = compile_example("minimal", tmp_path / "v1")
    new = tsc("diff", str(first), "--create-bucket")
    assert new.exit_code == 0, new.stderr
    assert f"cost: + $0.00 -> ${monthly(first):,.2f}/month (new stack)" in new.stdout
    assert tsc("deploy", str(first), "--yes").exit_code == 0

    second = compile_example("minimal", tmp_path / "v2", {"name: hello\n": T3_SMALL})
    shown = tsc("diff", str(second))
    assert shown.exit_code == 0, shown.stderr
    before, after = monthly(first), monthly(second)
    # one t3.micro instead of one t3.small: (0.0208 - 0.0104) x 730 hours
    assert after - before == pytest.approx((0.0208 - 0.0104) * 730)
    line = (
        f"cost: ~ ${before:,.2f} -> ${after:,.2f}/month "
        f"(+${after - before:,.2f}: EC2 t3.small x1 instead of t3.micro x1)"
    )
    assert line in shown.stdout.splitlines()

    # deploy shows it before it asks; a no changes nothing
    asked = tsc("deploy", str(second), input="n\n")
    assert asked.exit_code == 1
    assert line in asked.stdout.splitlines()
    assert "Deploy these changes?" in asked.stderr


def without_metadata(folder: Path) -> None:
    """The root as a tinystack that kept no IR wrote it (the folder stays consistent)."""
    import hashlib
    import json

    root = folder / "root.yaml"
    template: dict[str, Any] = load_template(root.read_text())
    del template["Metadata"]
    root.write_text(yaml.safe_dump(template, sort_keys=True))
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"]["root.yaml"] = hashlib.sha256(root.read_bytes()).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


def test_a_stack_deployed_without_a_compiled_ir_has_an_unknown_before(
    aws, tsc, compile_example, tmp_path
):
    s3, cfn = boto3.client("s3"), boto3.client("cloudformation")
    s3.create_bucket(Bucket=BUCKET)
    first = compile_example("minimal", tmp_path / "v1")
    without_metadata(first)
    sync(s3, first)
    cfn.create_stack(**stack_arguments())
    second = compile_example("minimal", tmp_path / "v2", {"name: hello\n": T3_SMALL})
    shown = tsc("diff", str(second), "--stack-name", "hello", "--create-bucket")
    assert shown.exit_code == 0, shown.stderr
    after = f"${monthly(second):,.2f}/month"
    expected = f"cost: before: unknown (no compiled IR kept with the deployed stack) -> {after}"
    assert expected in shown.stdout.splitlines()


def test_a_stack_synced_by_hand_is_priced_from_its_own_ir(aws, tsc, compile_example, tmp_path):
    s3, cfn = boto3.client("s3"), boto3.client("cloudformation")
    s3.create_bucket(Bucket=BUCKET)
    first = compile_example("minimal", tmp_path / "v1")
    sync(s3, first)
    cfn.create_stack(**stack_arguments())
    second = compile_example("minimal", tmp_path / "v2", {"name: hello\n": T3_SMALL})
    shown = tsc("diff", str(second), "--create-bucket")
    assert shown.exit_code == 0, shown.stderr
    assert f"cost: ~ ${monthly(first):,.2f} -> ${monthly(second):,.2f}/month" in shown.stdout


BUDGET = (
    "name: hello\n"
    "alarms: {emails: [ops@example.com], monthly_budget: auto}\n"
    "stages: [{name: dev, traffic: {requests_per_month: 1000}}, {name: prod}]\n"
)


def test_a_budget_deploys_filtered_to_the_stacks_tag_and_goes_with_it(
    aws, tsc, compile_example, tmp_path
):
    folder = compile_example("minimal", tmp_path / "v1", {"name: hello\n": BUDGET})
    deployed = tsc("deploy", str(folder), "--yes", "--create-bucket")
    assert deployed.exit_code == 0, deployed.stderr
    budgets = boto3.client("budgets")
    (budget,) = budgets.describe_budgets(AccountId="123456789012")["Budgets"]
    expected = math.ceil(round(monthly(folder) * 1.25, 6))  # auto: the estimate x 1.25, up
    assert float(budget["BudgetLimit"]["Amount"]) == expected
    assert budget["CostFilters"] == {"TagKeyValue": ["user:tinystack-stack$hello"]}
    alerts = budgets.describe_notifications_for_budget(
        AccountId="123456789012", BudgetName=budget["BudgetName"]
    )["Notifications"]
    assert sorted((n["NotificationType"], n["Threshold"]) for n in alerts) == [
        ("ACTUAL", 100.0),
        ("FORECASTED", 80.0),
    ]
    assert tsc("destroy", "hello", "--yes").exit_code == 0
    assert budgets.describe_budgets(AccountId="123456789012").get("Budgets", []) == []
