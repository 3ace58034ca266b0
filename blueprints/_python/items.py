"""Items, the one resource of this app: validation of request bodies and their storage.

Storage is chosen by environment. With ITEMS_TABLE (which the stack sets to the name of
the `items` table that tinystack.yaml declares) the items live in that DynamoDB table,
whose partition key is the string attribute `id`; AWS_ENDPOINT_URL, when set, points the
client at another endpoint (DynamoDB Local, moto, LocalStack). Without it, as when you
run the app on your machine, they live in this process's memory (lost on restart, not
shared between processes).
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from typing import Any, Protocol

FIELDS = ("title", "content")

Item = dict[str, str]


class InvalidItem(ValueError):
    """The request body is not an item; the message is shown to the client."""


def parse_item(body: bytes) -> Item:
    """The item fields of a JSON request body, or InvalidItem saying what is wrong."""
    try:
        data = json.loads(body)
    except ValueError as error:
        raise InvalidItem("request body is not valid JSON") from error
    return check_item(data)


def check_item(data: Any) -> Item:
    """The `title` and `content` of a decoded body; other keys (even `id`) are ignored."""
    if not isinstance(data, dict):
        raise InvalidItem("request body must be a JSON object")
    missing = [field for field in FIELDS if not isinstance(data.get(field), str)]
    if missing:
        raise InvalidItem("missing or non-string fields: " + ", ".join(missing))
    return {field: data[field] for field in FIELDS}


class Store(Protocol):
    def create(self, fields: Item) -> Item: ...
    def list(self) -> list[Item]: ...
    def get(self, item_id: str) -> Item | None: ...
    def update(self, item_id: str, fields: Item) -> Item | None: ...
    def delete(self, item_id: str) -> bool: ...


class MemoryStore:
    """Items in a dict; the lock makes it safe under a threaded server."""

    def __init__(self) -> None:
        self._items: dict[str, Item] = {}
        self._lock = threading.Lock()

    def create(self, fields: Item) -> Item:
        item = {"id": str(uuid.uuid4()), **fields}
        with self._lock:
            self._items[item["id"]] = item
        return dict(item)

    def list(self) -> list[Item]:
        with self._lock:
            return [dict(item) for item in self._items.values()]

    def get(self, item_id: str) -> Item | None:
        with self._lock:
            item = self._items.get(item_id)
        return dict(item) if item else None

    def update(self, item_id: str, fields: Item) -> Item | None:
        with self._lock:
            if item_id not in self._items:
                return None
            self._items[item_id] = {"id": item_id, **fields}
            return dict(self._items[item_id])

    def delete(self, item_id: str) -> bool:
        with self._lock:
            return self._items.pop(item_id, None) is not None


class DynamoStore:
    """Items in a DynamoDB table keyed by the string attribute `id`."""

    def __init__(self, table_name: str) -> None:
        import boto3  # imported here so the in-memory mode runs without AWS libraries

        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
        endpoint = os.environ.get("AWS_ENDPOINT_URL") or None
        resource = boto3.resource("dynamodb", region_name=region, endpoint_url=endpoint)
        self._table = resource.Table(table_name)
        self._conditional_failed = resource.meta.client.exceptions.ConditionalCheckFailedException

    def create(self, fields: Item) -> Item:
        item = {"id": str(uuid.uuid4()), **fields}
        self._table.put_item(Item=item)
        return item

    def list(self) -> list[Item]:
        page = self._table.scan()
        items = page["Items"]
        while "LastEvaluatedKey" in page:  # a scan returns at most 1 MB per call
            page = self._table.scan(ExclusiveStartKey=page["LastEvaluatedKey"])
            items.extend(page["Items"])
        return [_plain(item) for item in items]

    def get(self, item_id: str) -> Item | None:
        item = self._table.get_item(Key={"id": item_id}).get("Item")
        return _plain(item) if item else None

    def update(self, item_id: str, fields: Item) -> Item | None:
        values = {":title": fields["title"], ":content": fields["content"]}
        try:
            result = self._table.update_item(
                Key={"id": item_id},
                UpdateExpression="SET #title = :title, #content = :content",
                ConditionExpression="attribute_exists(#id)",  # never create on update
                ExpressionAttributeNames={"#id": "id", "#title": "title", "#content": "content"},
                ExpressionAttributeValues=values,
                ReturnValues="ALL_NEW",
            )
        except self._conditional_failed:
            return None
        return _plain(result["Attributes"])

    def delete(self, item_id: str) -> bool:
        try:
            self._table.delete_item(
                Key={"id": item_id},
                ConditionExpression="attribute_exists(#id)",
                ExpressionAttributeNames={"#id": "id"},
            )
        except self._conditional_failed:
            return False
        return True


def _plain(item: dict[str, Any]) -> Item:
    return {"id": str(item["id"]), **{field: str(item.get(field, "")) for field in FIELDS}}


def store_from_environment() -> Store:
    """DynamoStore when ITEMS_TABLE is set, else MemoryStore."""
    table_name = os.environ.get("ITEMS_TABLE")
    return DynamoStore(table_name) if table_name else MemoryStore()
