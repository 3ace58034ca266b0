"""Spec values at AWS's limits compile to templates cfn-lint accepts; one past is a located
error. The limits come from AWS's documentation (docs/design.md "Hostile input")."""

from __future__ import annotations

from typing import Any

import pytest
from cfn_templates import lint_text
from matrix_jobs import compile_data

from compiler.cfn.common.names import readable_file
from compiler.template_yaml import load_template

MAX_KEY = 980  # source.key: the root Output says "upload ... as s3://<this>/<key>" (<= 1,024)
MAX_PATH = 1024  # ALB target group HealthCheckPath


def _compiled(spec: dict[str, Any]) -> dict[str, str]:
    diagnostics, compiled = compile_data({"version": 1, "name": "demo", **spec})
    assert compiled is not None, diagnostics
    return {readable_file(name): text for name, text in compiled.files.items()}


def _lint_all(files: dict[str, str]) -> dict[str, tuple[str, ...]]:
    return {n: found for n, t in files.items() if n.endswith(".yaml") and (found := lint_text(t))}


def _codes(spec: dict[str, Any]) -> list[tuple[str, str]]:
    diagnostics, compiled = compile_data({"version": 1, "name": "demo", **spec})
    assert compiled is None
    return [(d.code, d.path) for d in diagnostics]


def test_the_longest_source_key_keeps_the_root_output_description_within_1024() -> None:
    key = "k/" + "a" * (MAX_KEY - len("k/.zip")) + ".zip"
    files = _compiled({"source": {"provider": "s3", "key": key}})
    outputs = load_template(files["root.yaml"])["Outputs"]
    longest = max(len(o.get("Description", "").encode()) for o in outputs.values())
    assert key in files["root.yaml"] and longest <= 1024
    assert _lint_all(files) == {}
    assert _codes({"source": {"provider": "s3", "key": "a" + key}}) == [("TS104", "source.key")]


@pytest.mark.parametrize("key", ["a*.zip", "a b.zip", "${AWS::Region}.zip", "a.zip\n", "é.zip"])
def test_a_source_key_outside_s3s_safe_characters_is_refused(key: str) -> None:
    assert _codes({"source": {"provider": "s3", "key": key}}) == [("TS106", "source.key")]


def test_an_alb_health_check_path_of_1024_characters_lints_clean() -> None:
    path = "/" + "p" * (MAX_PATH - 1)
    files = _compiled({"scale": "hyperscale", "app": {"health_check": {"path": path}}})
    groups = [
        r["Properties"]["HealthCheckPath"]
        for r in load_template(files["endpoint-dev.yaml"])["Resources"].values()
        if r["Type"] == "AWS::ElasticLoadBalancingV2::TargetGroup"
    ]
    assert groups == [path]
    assert _lint_all(files) == {}
    too_long = {"scale": "hyperscale", "app": {"health_check": {"path": path + "p"}}}
    assert _codes(too_long) == [("TS106", "app.health_check.path")]


def test_tags_at_every_limit_lint_clean_on_every_tagged_resource() -> None:
    tags = {"k" * 127: "é" * 255, "team": "platform", "a.b:c/d=e+f-g@h i": "1 2_3"}
    files = _compiled({"tags": tags, "compute": {"type": "ec2"}, "scale": "hyperscale"})
    assert _lint_all(files) == {}
    registry = load_template(files["registry.yaml"])["Resources"]
    (repository,) = [r for r in registry.values() if r["Type"] == "AWS::ECR::Repository"]
    assert {t["Key"]: t["Value"] for t in repository["Properties"]["Tags"]} == tags


def test_a_description_of_1024_bytes_lints_clean() -> None:
    text = "é" * 512  # 1,024 bytes
    files = _compiled({"description": text})
    assert load_template(files["root.yaml"])["Description"] == text
    assert _lint_all(files) == {}
