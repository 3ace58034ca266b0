"""Stage checks: the reserved name `latest` and two stages with one name."""

from __future__ import annotations

from compiler.diagnostics import Diagnostic, error_rule
from compiler.spec.checks.declare import spec_check
from compiler.spec.load import LoadedSpec
from compiler.spec.resolve import ResolvedSpec
from compiler.spec.wording import show

RESERVED_STAGE_NAMES = frozenset({"latest"})  # the build's moving image tag
RESERVED_NAME = error_rule("TS251", "a stage named latest")
NAME_TWICE = error_rule("TS252", "two stages with the same name")


@spec_check(RESERVED_NAME, NAME_TWICE)
def check_stage_names(spec: ResolvedSpec, loaded: LoadedSpec) -> list[Diagnostic]:
    """Forbid a stage named `latest` and a stage name used twice."""
    stages = loaded.data.get("stages") or []
    first_index: dict[str, int] = {}
    out = []
    for index, stage in enumerate(stages):
        name = stage.get("name") if isinstance(stage, dict) else None
        if not isinstance(name, str):
            continue  # the schema refused it (compiler.spec.broken)
        path = ("stages", index, "name")
        if name in RESERVED_STAGE_NAMES:
            message = f"{show(name)} is reserved: every build tags its image ':{name}'"
            out.append(loaded.diagnostic(path, RESERVED_NAME, message, "Choose another stage name.",
                                         at_value=True))  # fmt: skip
        if name in first_index:
            line = loaded.locate(("stages", first_index[name], "name")).line
            message = f"stage name {show(name)} is used twice (first at line {line})"
            hint = "Each stage needs its own name: it names its stacks and image tag."
            out.append(loaded.diagnostic(path, NAME_TWICE, message, hint, at_value=True))
        else:
            first_index[name] = index
    return out
