"""The shared cfn-lint runner of tests/cfn_templates.py reports what cfn-lint itself does."""

from __future__ import annotations

from cfn_templates import lint_text
from cfnlint.api import lint
from stack_irs import lowered

from compiler.cfn.network.stack import build_network
from compiler.cfn.render import render_template


def test_the_reused_runner_finds_the_same_problems_as_a_fresh_lint_every_time() -> None:
    clean = render_template(build_network(lowered({"version": 1, "name": "hello"})))
    bad = "  Bad:\n    Type: AWS::SNS::Topic\n    Properties:\n      Nope: 1\n"
    broken = clean.replace("Resources:\n", f"Resources:\n{bad}", 1)
    fresh = tuple(
        f"{m.rule.id} line {m.linenumber}: {m.message}" for m in lint(broken, regions=["us-east-1"])
    )
    assert any(p.startswith("E3002 ") for p in fresh)
    # distinct texts (a trailing comment) so that the cache does not answer for the runner
    texts = [clean, broken, clean + "# again\n", broken + "# again\n"]
    assert [lint_text(t) for t in texts] == [(), fresh, (), fresh]
