"""The Flask app: a greeting, a health check and CRUD on items (see README.md)."""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from items import InvalidItem, Item, parse_item, store_from_environment

app = Flask(__name__)
store = store_from_environment()


@app.get("/")
def index() -> dict[str, str]:
    return {"message": "Hello from tinystack and Flask!"}


@app.get("/ping")
def ping() -> dict[str, str]:
    return {"status": "ok"}


@app.put("/item")
def create_item() -> tuple[Item, int]:
    return store.create(parse_item(request.get_data())), 201


@app.get("/item")
def list_items() -> dict[str, list[Item]]:
    return {"items": store.list()}


@app.get("/item/<item_id>")
def read_item(item_id: str) -> Item | tuple[dict[str, str], int]:
    return store.get(item_id) or not_found(item_id)


@app.post("/item/<item_id>")
def update_item(item_id: str) -> Item | tuple[dict[str, str], int]:
    return store.update(item_id, parse_item(request.get_data())) or not_found(item_id)


@app.delete("/item/<item_id>")
def delete_item(item_id: str) -> Response | tuple[dict[str, str], int]:
    return Response(status=204) if store.delete(item_id) else not_found(item_id)


def not_found(item_id: str) -> tuple[dict[str, str], int]:
    return {"error": f"item '{item_id}' not found"}, 404


@app.errorhandler(InvalidItem)
def invalid_item(error: InvalidItem) -> tuple[dict[str, str], int]:
    return {"error": str(error)}, 400


@app.errorhandler(HTTPException)
def http_error(error: HTTPException) -> tuple[dict[str, str], int]:
    # JSON for unknown paths and methods too, instead of Flask's HTML pages
    return {"error": (error.description or error.name)}, error.code or 500
