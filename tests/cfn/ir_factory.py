"""StackIRs for the runtime stack tests, lowered from real specs, plus a cfn-lint helper.

`variant` writes a small tinystack.yaml mapping varying only what the runtime templates
branch on (endpoint, compute, egress, NAT mode, AZ count) and lowers it with the real
front end; `example_ir` lowers a bundled example.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from stack_irs import lowered
from troposphere import Template

from compiler.cfn.render import render_template
from compiler.ir.model import StackIR

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SSM_ARN = "arn:aws:ssm:us-east-1:123456789012:parameter/crud/api-key"
SM_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"
CERT_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/1234abcd-12ab-34cd-56ef-1234567890ab"
# The api-gateway-only options of SPEC.md, all set.
API_EXTRAS: dict[str, Any] = {
    "throttling": {"rate_limit": 1000, "burst_limit": 500},
    "cors": {"allow_origins": ["https://example.com"], "allow_methods": ["GET", "POST"]},
    "authorizer": {
        "issuer": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC",
        "audience": ["client-id"],
    },
}
DOMAIN: dict[str, Any] = {
    "domain": {"name": "api.example.com", "certificate_arn": CERT_ARN, "hosted_zone_id": "Z1EX"}
}


def spec_ir(**spec: Any) -> StackIR:
    """Lower `version: 1, name: crud-api` plus the given top-level keys."""
    data: dict[str, Any] = {"version": 1, "name": "crud-api", "tags": {"team": "platform"}}
    return lowered(data | spec)


def variant(
    *,
    endpoint: str = "api-gateway",
    compute: str = "ec2",
    egress: str = "nat-gateway",
    nat: str = "single",
    azs: int = 2,
    instances: dict[str, int] | None = None,
    **spec: Any,
) -> StackIR:
    """A spec varying the runtime's branches; other keys (app, scaling, ...) pass through."""
    extra_endpoint = spec.pop("endpoint_options", {})
    return spec_ir(
        compute={"type": compute, **({"instances": instances} if instances else {})},
        endpoint={"type": endpoint, **extra_endpoint},
        network={"egress": egress, "nat": nat, "availability_zones": azs},
        **spec,
    )


def example_ir(name: str) -> StackIR:
    """The IR of examples/<name>.yaml."""
    return lowered(yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text()))


def resources(template: Template) -> dict[str, dict[str, Any]]:
    """The template's Resources section as plain data."""
    data: dict[str, dict[str, Any]] = json.loads(template.to_json())["Resources"]
    return data


def of_type(template: Template, kind: str) -> dict[str, dict[str, Any]]:
    """Resources of one CloudFormation type, by logical ID."""
    return {k: v for k, v in resources(template).items() if v["Type"] == kind}


def only(template: Template, kind: str) -> dict[str, Any]:
    """The properties of the one resource of a type (fails when there are 0 or several)."""
    found = of_type(template, kind)
    assert len(found) == 1, f"expected one {kind}, found {sorted(found)}"
    props: dict[str, Any] = next(iter(found.values())).get("Properties", {})
    return props


@cache
def _lint_text(text: str) -> tuple[str, ...]:
    from cfnlint.api import lint

    matches = lint(text, regions=["us-east-1"])
    return tuple(f"{m.rule.id} line {m.linenumber}: {m.message}" for m in matches)


def lint_problems(template: Template) -> tuple[str, ...]:
    """cfn-lint errors and warnings (informational matches dropped) on the YAML text."""
    return tuple(p for p in _lint_text(render_template(template)) if p[0] in "EW")


def outputs(template: Template) -> dict[str, Any]:
    """The template's output values as plain data, by output name."""
    data = json.loads(template.to_json()).get("Outputs", {})
    return {name: out["Value"] for name, out in data.items()}


def parameters(template: Template) -> dict[str, dict[str, Any]]:
    """The template's Parameters section as plain data."""
    data: dict[str, dict[str, Any]] = json.loads(template.to_json()).get("Parameters", {})
    return data


def untagged(template: Template, tags: dict[str, str]) -> list[str]:
    """Logical IDs of resources whose type takes `Tags` (per cfn-lint's schemas) but lack
    one of `tags`, in whichever shape the type takes them (Key/Value list or map)."""
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    missing = []
    for logical, resource in resources(template).items():
        if resource["Type"].startswith("Custom::"):
            continue
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", resource["Type"])
        if "Tags" not in schema.schema.get("properties", {}):
            continue
        given = resource.get("Properties", {}).get("Tags", [])
        pairs = given if isinstance(given, dict) else {t["Key"]: t["Value"] for t in given}
        if any(pairs.get(k) != v for k, v in tags.items()):
            missing.append(logical)
    return missing
