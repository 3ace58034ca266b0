"""Properties beyond the anchors: the estimate grows with traffic, never goes negative,
`scale: auto` always takes the cheaper side, and the cost package stays light."""

from __future__ import annotations

import subprocess
import sys

from cost_specs import lowered
from hypothesis import given, settings
from hypothesis import strategies as st

from compiler.cost.estimate import estimate_cost
from compiler.cost.prices import builtin_prices
from compiler.cost.traffic import with_requests

PRICES = builtin_prices()
requests = st.integers(min_value=0, max_value=5 * 10**9)
kb = st.floats(min_value=0.1, max_value=2000, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(low=requests, high=requests, avg_kb=kb, scale=st.sampled_from(["standard", "hyperscale"]))
def test_more_requests_never_cost_less(low: int, high: int, avg_kb: float, scale: str) -> None:
    low, high = sorted((low, high))
    ir = lowered(scale=scale, traffic={"avg_response_kb": avg_kb})
    at_low = estimate_cost(ir, PRICES, with_requests(ir.traffic, low, 730))
    at_high = estimate_cost(ir, PRICES, with_requests(ir.traffic, high, 730))
    assert at_high.monthly_usd >= at_low.monthly_usd - 1e-9
    assert all(item.monthly_usd >= 0 for s in at_low.stages for item in s.items)
    assert at_low.monthly_usd > 0


@settings(max_examples=25, deadline=None)
@given(count=requests, avg_kb=kb)
def test_auto_takes_the_cheaper_front_door(count: int, avg_kb: float) -> None:
    traffic = {"requests_per_month": count, "avg_response_kb": avg_kb}
    (auto,) = lowered(scale="auto", traffic=traffic).stages
    choice = auto.endpoint.choice
    assert choice.standard_monthly_usd is not None and choice.hyperscale_monthly_usd is not None
    cheaper = min(choice.standard_monthly_usd, choice.hyperscale_monthly_usd)
    chosen = {"api-gateway": choice.standard_monthly_usd, "alb": choice.hyperscale_monthly_usd}
    assert chosen[auto.endpoint.type] == cheaper


def test_the_cost_model_imports_no_aws_library_and_no_matplotlib() -> None:
    code = (
        "import sys\n"
        "import compiler.cost.analysis, compiler.cost.report, compiler.cost.report_json\n"
        "import compiler.ir.lower\n"
        "heavy = {'boto3', 'botocore', 'troposphere', 'cfnlint', 'matplotlib'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
