"""The DynamoDB store of every blueprint against moto's server on 127.0.0.1 (no patching).

Each app runs as its own server process with ITEMS_TABLE and AWS_ENDPOINT_URL set, keeps
the whole HTTP contract, and the table read back through boto3 holds what it wrote.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from blueprint_apps import call, check_contract, running_app
from moto.server import ThreadedMotoServer

from compiler.blueprints import list_blueprints

# the blueprints whose tinystack.yaml declares an `items` table (django-postgres: a database)
TABLE_BLUEPRINTS = [b.name for b in list_blueprints() if b.store == "table"]
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one log line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def make_table(endpoint: str, name: str) -> Any:
    dynamodb = boto3.resource(
        "dynamodb",
        endpoint_url=endpoint,
        region_name=CREDENTIALS["AWS_REGION"],
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    return dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


@pytest.mark.parametrize("project", TABLE_BLUEPRINTS, indirect=True)
def test_items_live_in_the_table(project: Path, endpoint: str) -> None:
    table = make_table(endpoint, f"{project.name}-items")
    env = {**CREDENTIALS, "ITEMS_TABLE": table.name, "AWS_ENDPOINT_URL": endpoint}
    with running_app(project, env) as base:
        check_contract(base)  # leaves exactly one item ("second") behind
        [stored] = table.scan()["Items"]
        assert stored["title"] == "second"

        status, created = call("PUT", base + "/item", {"title": "kept", "content": "in dynamo"})
        assert status == 201
        assert table.get_item(Key={"id": created["id"]})["Item"] == created

        # written by someone else: the app reads the table, not a copy of its own
        table.put_item(Item={"id": "from-boto3", "title": "outside", "content": "written"})
        assert call("GET", base + "/item/from-boto3") == (
            200,
            {"id": "from-boto3", "title": "outside", "content": "written"},
        )
