"""The work test_matrix.py hands to its process pool: compile one spec, lint one template.

Both run in worker processes, so they live in a module the workers import by name.
`lint_template` keeps one cfn-lint Runner per process: loading cfn-lint's rules is half
the cost of `cfnlint.api.lint`, which reloads them on every call. The cfn-lint CLI itself
reuses one Runner for every template it is given, so reuse is cfn-lint's own mode.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml
from cfnlint.config import ConfigMixIn
from cfnlint.decode.decode import decode_str
from cfnlint.runner import Runner

from compiler.compile import Compiled, compile_ir
from compiler.diagnostics import Diagnostic
from compiler.ir.lower import lower
from compiler.spec import check_loaded
from compiler.spec.load import load_text

REGIONS = ["us-east-1"]


def compile_data(data: dict[str, Any]) -> tuple[list[Diagnostic], Compiled | None]:
    """The whole front end (as `tsc compile` runs it) then the back end, on a spec as data."""
    loaded, diagnostics = load_text("tinystack.yaml", yaml.safe_dump(data, sort_keys=False))
    if loaded is None:
        return diagnostics, None
    spec, diagnostics = check_loaded(loaded)
    if spec is None:
        return diagnostics, None
    return diagnostics, compile_ir(lower(spec.resolved))


@cache
def _runner() -> Runner:
    return Runner(ConfigMixIn(regions=REGIONS))


def lint_template(text: str) -> tuple[str, ...]:
    """cfn-lint errors and warnings (informational matches ignored) on one template text."""
    template, errors = decode_str(text)
    if errors:
        matches = errors
    elif template is None:
        return ("empty template",)
    else:
        matches = list(_runner().validate_template(template))
    return tuple(f"{m.rule.id} {m.message}" for m in matches if m.rule.id[0] in "EW")
