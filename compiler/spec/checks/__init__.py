"""The second layer of validation, the semantic checks (docs/spec.md "Diagnostics",
TS2xx), one module per family.

Stage checks see one stage's merged values (`StageView`); spec checks see the whole
document. A problem that a top-level value causes in only some stages names those
stages; the same problem in every stage is reported once. Checks never raise or print.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from compiler.diagnostics import Diagnostic, Rule
from compiler.spec.broken import BrokenValueRead
from compiler.spec.checks.aws_values import check_description, check_tag_values
from compiler.spec.checks.budget import check_budget_alerts
from compiler.spec.checks.capacity import (
    check_cluster_room,
    check_fargate_size,
    check_instance_type,
    check_task_fits_instance,
)
from compiler.spec.checks.credentials import check_credentials_in_environment
from compiler.spec.checks.data import (
    check_cache_node_type,
    check_database,
    check_store_keys,
    check_store_variables,
    check_table_keys,
)
from compiler.spec.checks.declare import SpecCheck, StageCheck
from compiler.spec.checks.endpoint import check_endpoint_keys, check_shared_domain
from compiler.spec.checks.network import check_cidr_room, check_public_ip_on_ec2
from compiler.spec.checks.ordering import (
    check_health_check_timing,
    check_instance_order,
    check_scaling_order,
)
from compiler.spec.checks.references import check_secret_arns, check_source_fields
from compiler.spec.checks.stages import check_stage_names
from compiler.spec.checks.view import StageView
from compiler.spec.load import LoadedSpec
from compiler.spec.resolve import ResolvedSpec
from compiler.spec.wording import listing

STAGE_CHECKS: tuple[StageCheck, ...] = (
    check_fargate_size,
    check_instance_type,
    check_task_fits_instance,
    check_cluster_room,
    check_public_ip_on_ec2,
    check_scaling_order,
    check_instance_order,
    check_health_check_timing,
    check_endpoint_keys,
    check_secret_arns,
    check_credentials_in_environment,
    check_store_variables,
    check_database,
    check_cache_node_type,
    check_table_keys,
    check_store_keys,
)
SPEC_CHECKS: tuple[SpecCheck, ...] = (
    check_cidr_room,
    check_shared_domain,
    check_source_fields,
    check_stage_names,
    check_tag_values,
    check_description,
    check_budget_alerts,
)
# every rule the semantic checks report, as each check declares it
RULES: tuple[Rule, ...] = (
    *(rule for check in STAGE_CHECKS for rule in check.rules),
    *(rule for check in SPEC_CHECKS for rule in check.rules),
)


def check_spec(spec: ResolvedSpec, loaded: LoadedSpec) -> list[Diagnostic]:
    """Every semantic problem of the spec, in file order; a check that needs a value the
    schema refused (`compiler.spec.broken`) is skipped where it needs it."""
    stages_of: dict[Diagnostic, list[str]] = {}
    for stage in spec.stages:
        view = StageView(stage, loaded)
        for check in STAGE_CHECKS:
            for diagnostic in _unless_broken(check, view):
                names = stages_of.setdefault(diagnostic, [])
                if stage.name not in names:
                    names.append(stage.name)
    every = list(dict.fromkeys(stage.name for stage in spec.stages))
    found = {_name_stages(d, names, every) for d, names in stages_of.items()}
    for spec_check in SPEC_CHECKS:
        found.update(_unless_broken(spec_check, spec, loaded))
    return sorted(found)


def _unless_broken(check: Callable[..., list[Diagnostic]], *args: object) -> list[Diagnostic]:
    try:
        return check(*args)
    except BrokenValueRead:  # it needs a value the schema already reported
        return []


def _name_stages(diagnostic: Diagnostic, names: list[str], every: list[str]) -> Diagnostic:
    # A path inside `stages[i]` already says which stage; a top-level value that breaks
    # only some stages does not.
    if names == every or diagnostic.path.startswith("stages["):
        return diagnostic
    which = f"stage {listing(names)}" if len(names) == 1 else f"stages {listing(names)}"
    return replace(diagnostic, message=f"{diagnostic.message} (in {which})")
