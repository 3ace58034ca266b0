"""StackIRs for the delivery tests (registry, pipeline, root, buildspecs), lowered from
real specs and varied by keyword, plus helpers that read buildspecs."""

from __future__ import annotations

import re
from typing import Any

import yaml
from stack_irs import lowered

from compiler.ir.model import StackIR

TOKEN_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:gh-AbCdEf"


def source_spec(
    provider: str = "github",
    *,
    webhook: bool = False,
    connection_arn: str | None = None,
    bucket: str | None = None,
) -> dict[str, Any]:
    """The spec's `source` mapping for a provider (an s3 one optionally fed by a webhook)."""
    if provider != "s3":
        given = {"connection_arn": connection_arn} if connection_arn else {}
        return {"provider": provider, "repository": "acme/crud-api", **given}
    source: dict[str, Any] = {"provider": "s3", **({"bucket": bucket} if bucket else {})}
    if webhook:
        source["webhook"] = {
            "provider": "github",
            "repository": "acme/legacy",
            "token_secret_arn": TOKEN_ARN,
        }
    return source


def stack_ir(
    *,
    stages: tuple[str, ...] = ("dev",),
    approvals: tuple[str, ...] = (),
    source: dict[str, Any] | None = None,
    buildspecs: str = "repository",
    emails: tuple[str, ...] = (),
    endpoint: str = "api-gateway",
    compute: str = "ec2",
    egress: str = "nat-gateway",
) -> StackIR:
    """A whole stack lowered from a spec; every keyword mirrors one spec choice."""
    return lowered(
        {
            "version": 1,
            "name": "crud-api",
            "description": "CRUD demo API",
            "compute": {"type": compute},
            "endpoint": {"type": endpoint},
            "network": {"egress": egress},
            "source": source or source_spec(),
            "pipeline": {"buildspecs": buildspecs},
            "alarms": {"emails": list(emails)},
            "stages": [
                {"name": name, **({"approval": True} if name in approvals else {})}
                for name in stages
            ],
            "tags": {"team": "platform"},
        }
    )


# CodeBuild sets these in every build.
# https://docs.aws.amazon.com/codebuild/latest/userguide/build-env-ref-env-vars.html
CODEBUILD_ENV = frozenset(
    {"AWS_REGION", "CODEBUILD_RESOLVED_SOURCE_VERSION", "CODEBUILD_BUILD_ID", "CODEBUILD_SRC_DIR"}
)
_SHELL_VARIABLES = frozenset({"SECONDS", "PWD", "IFS"})  # bash sets these itself
_USE = re.compile(r"\$\{?([A-Z][A-Z0-9_]*)(:-)?")
_ASSIGN = re.compile(r"(?<![\w$])([A-Z][A-Z0-9_]*)=")


def commands(buildspec: str) -> list[str]:
    """Every command of a buildspec, phase after phase."""
    doc = yaml.safe_load(buildspec)
    return [c for phase in doc["phases"].values() for c in phase["commands"]]


def required_env(buildspec: str) -> set[str]:
    """Upper-case variables a buildspec reads without a default and sets neither in its
    commands nor in env.variables."""
    body = "\n".join(commands(buildspec))
    used = {m.group(1) for m in _USE.finditer(body) if not m.group(2)}
    declared = set((yaml.safe_load(buildspec).get("env") or {}).get("variables") or {})
    return used - set(_ASSIGN.findall(body)) - declared - _SHELL_VARIABLES
