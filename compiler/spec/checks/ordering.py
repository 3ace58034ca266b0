"""Ordering checks: scaling.min <= desired <= max, instances.min <= max, and a health
check that times out before the next one starts.
"""

from __future__ import annotations

from compiler.diagnostics import Diagnostic, error_rule
from compiler.spec.checks.declare import stage_check
from compiler.spec.checks.view import StageView
from compiler.spec.wording import show

SCALING_ORDER = error_rule("TS221", "scaling out of order: min <= desired <= max")
INSTANCE_ORDER = error_rule("TS222", "compute.instances.min above compute.instances.max")
HEALTH_CHECK_TIMING = error_rule("TS223", "a health-check timeout not shorter than its interval")


@stage_check(SCALING_ORDER)
def check_scaling_order(view: StageView) -> list[Diagnostic]:
    """Forbid scaling.min > max, and a desired count outside [min, max]."""
    low, high = view.get("scaling", "min"), view.get("scaling", "max")
    desired = view.get("scaling", "desired")
    out = []
    if low > high:
        message = f"{show(low)} is more than scaling.max {show(high)}"
        out.append(view.diagnostic(("scaling", "min"), SCALING_ORDER, message, at_value=True))
    if desired is not None and desired < low:
        message = f"{show(desired)} is less than scaling.min {show(low)}"
        out.append(view.diagnostic(("scaling", "desired"), SCALING_ORDER, message, at_value=True))
    if desired is not None and desired > high:
        message = f"{show(desired)} is more than scaling.max {show(high)}"
        out.append(view.diagnostic(("scaling", "desired"), SCALING_ORDER, message, at_value=True))
    return out


@stage_check(INSTANCE_ORDER)
def check_instance_order(view: StageView) -> list[Diagnostic]:
    """Forbid compute.instances.min > compute.instances.max on EC2."""
    if view.get("compute", "type") != "ec2":
        return []
    low, high = view.get("compute", "instances", "min"), view.get("compute", "instances", "max")
    if high is None or low <= high:  # the default is never below min
        return []
    message = f"{show(low)} is more than compute.instances.max {show(high)}"
    return [
        view.diagnostic(("compute", "instances", "min"), INSTANCE_ORDER, message, at_value=True)
    ]


@stage_check(HEALTH_CHECK_TIMING)
def check_health_check_timing(view: StageView) -> list[Diagnostic]:
    """Forbid a health-check timeout that is not less than its interval."""
    timeout = view.get("app", "health_check", "timeout_seconds")
    interval = view.get("app", "health_check", "interval_seconds")
    if timeout < interval:
        return []
    message = f"{show(timeout)} is not less than interval_seconds {show(interval)}"
    hint = "A check must time out before the next one starts."
    path = ("app", "health_check", "timeout_seconds")
    return [view.diagnostic(path, HEALTH_CHECK_TIMING, message, hint, at_value=True)]
