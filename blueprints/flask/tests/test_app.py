"""The app's HTTP contract through Flask's test client (in-memory store)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from app import app


@pytest.fixture()
def client() -> FlaskClient:
    return app.test_client()


def test_greeting_and_health_check(client: FlaskClient) -> None:
    assert "Hello" in client.get("/").get_json()["message"]
    assert client.get("/ping").status_code == 200


def test_crud_round_trip(client: FlaskClient) -> None:
    created = client.put("/item", json={"title": "first", "content": "hello"})
    assert created.status_code == 201
    item = created.get_json()
    assert item == {"id": item["id"], "title": "first", "content": "hello"}
    assert item in client.get("/item").get_json()["items"]
    assert client.get(f"/item/{item['id']}").get_json() == item

    changed = client.post(f"/item/{item['id']}", json={"title": "first", "content": "bye"})
    assert changed.get_json() == {**item, "content": "bye"}

    assert client.delete(f"/item/{item['id']}").status_code == 204
    assert client.get(f"/item/{item['id']}").status_code == 404


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"title": "no content"}'])
def test_bad_bodies_are_400(client: FlaskClient, body: bytes) -> None:
    response = client.put("/item", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]


def test_unknown_ids_are_404(client: FlaskClient) -> None:
    assert client.get("/item/nope").status_code == 404
    assert client.post("/item/nope", json={"title": "a", "content": "b"}).status_code == 404
    assert client.delete("/item/nope").status_code == 404
