"""registry.yaml: the ECR repository and its lifecycle policy."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cfn_templates import lint_problems, of_type, template_dict
from delivery_irs import stack_ir

from compiler.cfn.common.outputs import RegistryOut
from compiler.cfn.registry import build_registry, lifecycle_rules


def _repository(stages: tuple[str, ...] = ("dev",)) -> dict[str, Any]:
    (repo,) = of_type(build_registry(stack_ir(stages=stages)), "AWS::ECR::Repository").values()
    return repo


def _policy(stages: tuple[str, ...]) -> list[dict[str, Any]]:
    text = _repository(stages)["Properties"]["LifecyclePolicy"]["LifecyclePolicyText"]
    rules: list[dict[str, Any]] = json.loads(text)["rules"]
    return rules


@pytest.mark.parametrize("stages", [("dev",), ("dev", "qa", "prod")])
def test_registry_lints_clean(stages: tuple[str, ...]) -> None:
    assert lint_problems(build_registry(stack_ir(stages=stages))) == ()


def test_repository_is_scanned_encrypted_named_by_cloudformation_and_retained() -> None:
    repo = _repository()
    props = repo["Properties"]
    assert props["ImageScanningConfiguration"] == {"ScanOnPush": True}
    assert props["EncryptionConfiguration"] == {"EncryptionType": "AES256"}
    assert "RepositoryName" not in props
    assert repo["DeletionPolicy"] == "RetainExceptOnCreate"
    assert repo["UpdateReplacePolicy"] == "Retain"
    # release.yml moves stage tags, which an immutable repository forbids
    assert props["ImageTagMutability"] == "MUTABLE"


def test_every_stage_tag_and_latest_is_shielded_by_an_exact_pattern_rule() -> None:
    rules = _policy(("dev", "prod"))
    shield = {
        rule["selection"]["tagPatternList"][0]: rule
        for rule in rules
        if rule["selection"]["tagStatus"] == "tagged"
    }
    assert set(shield) == {"latest", "dev", "prod"}
    for rule in shield.values():
        assert len(rule["selection"]["tagPatternList"]) == 1  # a list means "all of these tags"
        assert rule["selection"]["countType"] == "imageCountMoreThan"
        assert rule["selection"]["countNumber"] >= 9999


def test_other_images_keep_the_last_25_and_that_rule_comes_last() -> None:
    rules = _policy(("dev", "prod"))
    keep = rules[-1]
    assert keep["selection"] == {
        "tagStatus": "any",
        "countType": "imageCountMoreThan",
        "countNumber": 25,
    }
    priorities = [rule["rulePriority"] for rule in rules]
    assert len(set(priorities)) == len(priorities)
    assert keep["rulePriority"] == max(priorities)  # ECR: the `any` rule must be evaluated last


def test_lifecycle_follows_the_ir_count() -> None:
    ir = stack_ir()
    registry = ir.registry.__class__(True, 7, ("latest", "dev"))
    assert lifecycle_rules(registry)[-1]["selection"]["countNumber"] == 7


def test_outputs_are_the_registry_wiring_names() -> None:
    outputs = template_dict(build_registry(stack_ir()))["Outputs"]
    assert set(outputs) == {out.value for out in RegistryOut}
