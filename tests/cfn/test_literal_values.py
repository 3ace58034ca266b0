"""Spec text that reads like a CloudFormation substitution stays literal and lints clean."""

from __future__ import annotations

from typing import Any

from cfn_templates import lint_text
from matrix_jobs import compile_data

from compiler.template_yaml import load_template

LOOKALIKE = "${AWS::Region}-${Cluster}-${TemplatePrefix}-${Service.Name}"
SPEC: dict[str, Any] = {
    "version": 1,
    "name": "demo",
    "app": {
        "environment": {"GREETING": f"hi {LOOKALIKE}", "HOME_DIR": "${HOME}"},
        "command": ["sh", "-c", f"echo {LOOKALIKE}"],
        "secrets": {"TOKEN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:${AWS::Region}"},
    },
    "source": {"provider": "github", "repository": "acme/app", "branch": "rel/${Pipeline}"},
    "pipeline": {"image": "aws/codebuild/standard:${AWS::Region}"},
    "endpoint": {"cors": {"allow_origins": ["https://${AWS::Region}.example.com"]},
                 "authorizer": {"issuer": "https://x/${AWS::Region}", "audience": ["${Api}"]}},
}  # fmt: skip


def _resolved(value: Any) -> Any:
    """A value as CloudFormation reads it, for the Fn::Join of literal pieces we write."""
    if isinstance(value, dict) and set(value) == {"Fn::Join"}:
        separator, pieces = value["Fn::Join"]
        if all(isinstance(p, str) for p in pieces):
            return separator.join(pieces)
    if isinstance(value, dict):
        return {k: _resolved(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolved(v) for v in value]
    return value


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_lookalike_substitutions_lint_clean_and_keep_their_text() -> None:
    diagnostics, compiled = compile_data(SPEC)
    assert compiled is not None, diagnostics
    texts = {n: t for n, t in compiled.files.items() if n.endswith(".yaml")}
    assert {n: lint_text(t) for n, t in texts.items()} == {n: () for n in texts}
    every = {s for t in texts.values() for s in _strings(_resolved(load_template(t)))}
    for value in (f"hi {LOOKALIKE}", "${HOME}", f"echo {LOOKALIKE}", "rel/${Pipeline}",
                  "aws/codebuild/standard:${AWS::Region}", "${Api}",
                  "https://${AWS::Region}.example.com"):  # fmt: skip
        assert value in every, value
