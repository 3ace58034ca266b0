"""StackIRs for the runtime stack tests, lowered from real specs.

`variant` writes a small tinystack.yaml mapping varying only what the runtime templates
branch on (endpoint, compute, egress, NAT mode, AZ count) and lowers it with the real
front end; `example_ir` lowers a bundled example.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from stack_irs import lowered

from compiler.ir.model import StackIR

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SSM_ARN = "arn:aws:ssm:us-east-1:123456789012:parameter/crud/api-key"
SM_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"
CERT_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/1234abcd-12ab-34cd-56ef-1234567890ab"
# The api-gateway-only endpoint options (docs/spec.md `endpoint`), all set.
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
