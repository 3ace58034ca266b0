"""Endpoint checks: keys that belong to the other endpoint type, and one custom domain
that two stages would share.
"""

from __future__ import annotations

from compiler.diagnostics import Diagnostic, Severity, error_rule
from compiler.spec.checks.declare import spec_check, stage_check
from compiler.spec.checks.view import StageView
from compiler.spec.load import LoadedSpec
from compiler.spec.resolve import ResolvedSpec
from compiler.spec.wording import listing, show

# The endpoint `scale` picks when `endpoint.type` is not set (the same choice lowering makes;
# `auto` is left open until the cost model decides).
SCALE_ENDPOINT = {"standard": "api-gateway", "hyperscale": "alb"}
# errors, but warnings while `scale: auto` leaves the endpoint type open
API_GATEWAY_KEY_ON_ALB = error_rule(
    "TS231", "api-gateway-only endpoint keys with an ALB (a warning under scale: auto)"
)
ALB_KEY_ON_API_GATEWAY = error_rule(
    "TS232", "alb-only endpoint keys with API Gateway (a warning under scale: auto)"
)
SHARED_DOMAIN = error_rule("TS233", "one custom domain shared by two stages")
# endpoint key -> (the only type it applies to, rule when the stage uses the other type)
_OWNED_KEYS = {
    "throttling": ("api-gateway", API_GATEWAY_KEY_ON_ALB),
    "cors": ("api-gateway", API_GATEWAY_KEY_ON_ALB),
    "authorizer": ("api-gateway", API_GATEWAY_KEY_ON_ALB),
    "idle_timeout_seconds": ("alb", ALB_KEY_ON_API_GATEWAY),
}


def endpoint_type(view: StageView) -> str | None:
    """The stage's endpoint type, or None while `scale: auto` leaves it open."""
    explicit = view.get("endpoint", "type")
    return str(explicit) if explicit is not None else SCALE_ENDPOINT.get(view.get("scale"))


@stage_check(API_GATEWAY_KEY_ON_ALB, ALB_KEY_ON_API_GATEWAY)
def check_endpoint_keys(view: StageView) -> list[Diagnostic]:
    """Forbid api-gateway-only keys with an ALB and alb-only keys with API Gateway."""
    chosen = endpoint_type(view)
    out = []
    for key, (owner, rule) in _OWNED_KEYS.items():
        if not view.written("endpoint", key) or chosen == owner:
            continue
        if chosen is None:
            message = (
                f"'{key}' applies only to {owner} endpoints, and 'scale: auto' may pick another"
            )
            hint = "Set endpoint.type to make the choice."
            out.append(
                view.diagnostic(("endpoint", key), rule, message, hint, severity=Severity.WARNING)
            )
            continue
        message = f"'{key}' applies only to {owner} endpoints; this endpoint is {show(chosen)}"
        hint = f"Remove it, or set endpoint.type: {owner}."
        out.append(view.diagnostic(("endpoint", key), rule, message, hint))
    return out


@spec_check(SHARED_DOMAIN)
def check_shared_domain(spec: ResolvedSpec, loaded: LoadedSpec) -> list[Diagnostic]:
    """Forbid one custom domain name on two stages' endpoints."""
    views = [StageView(stage, loaded) for stage in spec.stages]
    by_name: dict[str, list[StageView]] = {}
    for view in views:
        name = view.get("endpoint", "domain", "name")
        if name is not None:
            by_name.setdefault(str(name), []).append(view)
    out: list[Diagnostic] = []
    path = ("endpoint", "domain", "name")
    for name, sharing in sorted(by_name.items()):
        if len(sharing) < 2:
            continue
        stages = listing(dict.fromkeys(view.stage.name for view in sharing))
        message = f"custom domain {show(name)} would be shared by stages {stages}"
        hint = "Set endpoint.domain in each stage, each with its own name."
        out.extend(
            {view.diagnostic(path, SHARED_DOMAIN, message, hint, at_value=True) for view in sharing}
        )
    return out
