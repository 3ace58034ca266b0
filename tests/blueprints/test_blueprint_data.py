"""Acceptance: `tsc init --blueprint X` then `tsc compile` gives a stack whose service can
read and write the store its app uses, and nothing else, with the variable the app reads.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from compiler.blueprints import list_blueprints
from compiler.cfn.common.names import readable_file
from compiler.cli import main
from compiler.template_yaml import load_template

ITEM_ACTIONS = [
    "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem",
    "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query",
    "dynamodb:Scan", "dynamodb:UpdateItem",
]  # fmt: skip
EXEC_CHANNELS = "ssmmessages:"  # ECS Exec, the task role's only other grant


def _compiled(project: Path, out: Path) -> dict[str, dict[str, Any]]:
    result = CliRunner().invoke(
        main, ["compile", str(project / "tinystack.yaml"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    folder = out / project.name
    # by readable name: data-dev.<hash>.yaml -> data-dev.yaml
    return {readable_file(p.name): load_template(p.read_text()) for p in folder.glob("*.yaml")}


def _statements(service: dict[str, Any], role: str) -> list[dict[str, Any]]:
    # a role without policies (no store granted by IAM, exec off) grants nothing
    policies = service["Resources"][role]["Properties"].get("Policies", [])
    return [s for p in policies for s in p["PolicyDocument"]["Statement"]]


def _container(service: dict[str, Any]) -> dict[str, Any]:
    [container] = service["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"]
    return dict(container)


@pytest.mark.parametrize("project", [b.name for b in list_blueprints() if b.store == "table"],
                         indirect=True)  # fmt: skip
def test_the_service_reaches_its_items_table_and_nothing_else(
    project: Path, tmp_path: Path
) -> None:
    templates = _compiled(project, tmp_path)
    data, service = templates["data-dev.yaml"], templates["service-dev.yaml"]
    tables = {k: v for k, v in data["Resources"].items() if v["Type"] == "AWS::DynamoDB::Table"}
    assert list(tables) == ["ItemsTable"] and len(data["Resources"]) == 1
    # the key the app's store uses (items.py / items.js: the string attribute `id`)
    assert tables["ItemsTable"]["Properties"]["KeySchema"] == [
        {"AttributeName": "id", "KeyType": "HASH"}
    ]
    granted = [
        (s["Action"], s["Resource"])
        for s in _statements(service, "TaskRole")
        if not s["Action"][0].startswith(EXEC_CHANNELS)
    ]
    assert granted == [
        (ITEM_ACTIONS, {"Ref": "ItemsTableArn"}),
        (["dynamodb:Query", "dynamodb:Scan"],
         {"Fn::Sub": "${ItemsTableArn}/index/*"}),
    ]  # fmt: skip
    stage = templates["stage-dev.yaml"]["Resources"]["ServiceStack"]["Properties"]["Parameters"]
    assert stage["ItemsTableArn"] == {"Fn::GetAtt": ["DataStack", "Outputs.ItemsTableArn"]}
    env = {e["Name"]: e["Value"] for e in _container(service)["Environment"]}
    assert env == {"ITEMS_TABLE": {"Ref": "ItemsTableName"}}
    # and the app reads exactly that variable
    sources = [p for p in project.rglob("items.*") if "node_modules" not in p.parts]
    assert any("process.env.ITEMS_TABLE" in p.read_text() or 'environ.get("ITEMS_TABLE")'
               in p.read_text() for p in sources)  # fmt: skip


@pytest.mark.parametrize("project", ["django-postgres"], indirect=True)
def test_the_django_postgres_service_reaches_its_database_only(
    project: Path, tmp_path: Path
) -> None:
    templates = _compiled(project, tmp_path)
    data, service = templates["data-dev.yaml"], templates["service-dev.yaml"]
    [db] = [r for r in data["Resources"].values() if r["Type"] == "AWS::RDS::DBInstance"]
    assert db["Properties"]["Engine"] == "postgres"
    task = [
        s for s in _statements(service, "TaskRole") if not s["Action"][0].startswith(EXEC_CHANNELS)
    ]
    assert task == []  # the database takes a password, not IAM
    container = _container(service)
    assert {e["Name"] for e in container["Environment"]} == {
        "DB_HOST",
        "DB_PORT",
        "DB_NAME",
        "DB_USER",
    }
    assert [s["Name"] for s in container["Secrets"]] == ["DB_PASSWORD"]
    settings = (project / "project" / "settings.py").read_text()
    for variable in ("DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD"):
        assert f'"{variable}"' in settings
    text = json.dumps(templates).lower()
    for name in ("managemasteruserpassword", "db_password", ":password::"):  # names, no value
        text = text.replace(name, "")
    assert "password" not in text
