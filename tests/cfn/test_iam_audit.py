"""Least privilege in every compiled template: no Action "*", no service-wide "svc:*", and
Resource "*" only for the actions compiler.cfn.common.roles lists with the reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from matrix_jobs import compile_data
from test_matrix import ROWS, spec

from compiler.cfn.common.roles import ACTIONS_WITHOUT_RESOURCE_SCOPE
from compiler.template_yaml import load_template

GOLDEN = sorted(Path(__file__).parents[1].glob("golden/*/tinystack.yaml"))
# policy documents by resource type: where in Properties they sit
_POLICY_HOLDERS = {
    "AWS::IAM::Role": lambda p: [x["PolicyDocument"] for x in p.get("Policies", [])],
    "AWS::IAM::Policy": lambda p: [p["PolicyDocument"]],
    "AWS::IAM::ManagedPolicy": lambda p: [p["PolicyDocument"]],
}


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def grants(template: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(logical ID, Allow statement) of every identity policy in a template."""
    for logical_id, resource in template.get("Resources", {}).items():
        documents = _POLICY_HOLDERS.get(resource["Type"])
        if documents is None:
            continue
        for document in documents(resource.get("Properties", {})):
            for statement in document["Statement"]:
                if statement.get("Effect") == "Allow":
                    yield logical_id, statement


def _templates() -> dict[str, dict[str, Any]]:
    specs = {f"matrix {i}": spec(row) for i, row in enumerate(ROWS[::7])}
    for path in GOLDEN:
        try:
            specs[f"golden {path.parent.name}"] = yaml.safe_load(path.read_text())
        except yaml.YAMLError:  # the bad-yaml case
            continue
    out = {}
    for label, data in specs.items():
        _, compiled = compile_data(data)
        if compiled is None:  # the bad-* golden cases
            continue
        for name, text in compiled.files.items():
            if name.endswith(".yaml"):
                out[f"{label}/{name}"] = load_template(text)
    return out


@pytest.fixture(scope="module")
def templates() -> dict[str, dict[str, Any]]:
    return _templates()


def test_no_wildcard_actions_and_unscoped_resources_only_where_listed(
    templates: dict[str, dict[str, Any]],
) -> None:
    problems, unscoped_seen = [], set()
    for where, template in templates.items():
        for logical_id, statement in grants(template):
            actions = _listed(statement["Action"])
            for action in actions:
                if action == "*" or action.endswith(":*"):
                    problems.append(f"{where} {logical_id}: wildcard action {action}")
            if "*" in _listed(statement["Resource"]):
                unlisted = [a for a in actions if a not in ACTIONS_WITHOUT_RESOURCE_SCOPE]
                unscoped_seen.update(actions)
                if unlisted:
                    problems.append(f"{where} {logical_id}: {unlisted} on Resource '*'")
    assert problems == []
    assert len(templates) > 100
    # the list holds no action that no longer needs it
    assert unscoped_seen == set(ACTIONS_WITHOUT_RESOURCE_SCOPE)


def test_the_audit_catches_a_wildcard_and_an_unlisted_unscoped_action() -> None:
    role = {"Type": "AWS::IAM::Role", "Properties": {"Policies": [{"PolicyDocument": {
        "Statement": [{"Effect": "Allow", "Action": ["s3:*"], "Resource": "*"}]}}]}}  # fmt: skip
    found = list(grants({"Resources": {"Bad": role}}))
    assert found == [("Bad", {"Effect": "Allow", "Action": ["s3:*"], "Resource": "*"})]
    assert "s3:*" not in ACTIONS_WITHOUT_RESOURCE_SCOPE
