"""Every diagnostic code of the front end, read from where each is declared, for
docs/spec.md and users.

TS0xx: the file itself (compiler.spec.compose, compiler.spec.load); TS1xx: the schema
(compiler.spec.schema_check); TS2xx: the semantic checks (each check in
compiler.spec.checks declares its rules); TS3xx-TS5xx: what a compile meets beyond the
spec, declared here for compiler.compile, compiler.batch and compiler.writer (which sits
below the spec room and names its code as text).
"""

from __future__ import annotations

from types import ModuleType

from compiler.diagnostics import Rule, error_rule, warning_rule
from compiler.spec import compose, load, schema_check
from compiler.spec.checks import RULES


def _declared(module: ModuleType) -> list[Rule]:
    return [value for value in vars(module).values() if isinstance(value, Rule)]


def _by_code(rules: list[Rule]) -> dict[str, Rule]:
    table: dict[str, Rule] = {}
    for rule in rules:
        if table.setdefault(rule.code, rule) != rule:
            raise ValueError(f"{rule.code} is declared twice")  # a programming error
    return dict(sorted(table.items()))


STALE_BUILDSPEC = warning_rule(
    "TS301", "a build.yml or release.yml beside the spec that differs from the one compiled"
)
OVER_QUOTA = error_rule("TS401", "a template that would break a CloudFormation quota")
UNWRITABLE = error_rule("TS501", "the output folder cannot be written")
SAME_NAME = error_rule("TS502", "two specs compiled together share a stack name")
NO_SPECS = error_rule("TS503", "a folder with no tinystack.yaml or *.tinystack.yaml below it")
COMPILE_RULES = (STALE_BUILDSPEC, OVER_QUOTA, UNWRITABLE, SAME_NAME, NO_SPECS)

# code -> its rule, in code order
CODES: dict[str, Rule] = _by_code(
    [*_declared(compose), *_declared(load), *_declared(schema_check), *RULES, *COMPILE_RULES]
)
