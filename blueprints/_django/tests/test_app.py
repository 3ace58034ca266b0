"""The app's HTTP contract through Django's test client (the same for every Django blueprint)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

JSON = "application/json"


@pytest.fixture()
def client() -> Client:
    return Client()


def as_json(data: dict[str, Any]) -> dict[str, Any]:
    return {"data": data, "content_type": JSON}


def test_greeting_and_health_check(client: Client) -> None:
    assert "Hello" in client.get("/").json()["message"]
    assert client.get("/ping").status_code == 200


def test_crud_round_trip(client: Client) -> None:
    created = client.put("/item", **as_json({"title": "first", "content": "hello"}))
    assert created.status_code == 201
    item = created.json()
    assert item == {"id": item["id"], "title": "first", "content": "hello"}
    assert item in client.get("/item").json()["items"]
    assert client.get(f"/item/{item['id']}").json() == item

    changed = client.post(f"/item/{item['id']}", **as_json({"title": "first", "content": "bye"}))
    assert changed.json() == {**item, "content": "bye"}

    assert client.delete(f"/item/{item['id']}").status_code == 204
    assert client.get(f"/item/{item['id']}").status_code == 404


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"title": "no content"}'])
def test_bad_bodies_are_400(client: Client, body: bytes) -> None:
    response = client.put("/item", data=body, content_type=JSON)
    assert response.status_code == 400
    assert response.json()["error"]


def test_unknown_ids_are_404(client: Client) -> None:
    assert client.get("/item/nope").status_code == 404
    assert client.post("/item/nope", **as_json({"title": "a", "content": "b"})).status_code == 404
    assert client.delete("/item/nope").status_code == 404
