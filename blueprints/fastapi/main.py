"""The FastAPI app: a greeting, a health check and CRUD on items (see README.md).

`python main.py` serves it with uvicorn on $HOST:$PORT; interactive API docs at /docs.
"""

from __future__ import annotations

import os
from typing import Any

from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from items import Item, store_from_environment

app = FastAPI(title="tinystack items")
store = store_from_environment()


class ItemFields(BaseModel):
    title: str
    content: str


class ItemOut(ItemFields):
    id: str


class ItemList(BaseModel):
    items: list[ItemOut]


@app.get("/")
def index() -> dict[str, str]:
    return {"message": "Hello from tinystack and FastAPI!"}


@app.get("/ping")
def ping() -> dict[str, str]:
    return {"status": "ok"}


@app.put("/item", status_code=201)
def create_item(fields: ItemFields) -> ItemOut:
    return ItemOut(**store.create(fields.model_dump()))


@app.get("/item")
def list_items() -> ItemList:
    return ItemList(items=[ItemOut(**item) for item in store.list()])


@app.get("/item/{item_id}")
def read_item(item_id: str) -> ItemOut:
    return ItemOut(**found(store.get(item_id), item_id))


@app.post("/item/{item_id}")
def update_item(item_id: str, fields: ItemFields) -> ItemOut:
    return ItemOut(**found(store.update(item_id, fields.model_dump()), item_id))


@app.delete("/item/{item_id}", status_code=204)
def delete_item(item_id: str) -> Response:
    if not store.delete(item_id):
        raise not_found(item_id)
    return Response(status_code=204)


def found(item: Item | None, item_id: str) -> Item:
    if item is None:
        raise not_found(item_id)
    return item


def not_found(item_id: str) -> HTTPException:
    return HTTPException(status_code=404, detail=f"item '{item_id}' not found")


@app.exception_handler(RequestValidationError)
def invalid_body(request: Request, error: RequestValidationError) -> JSONResponse:
    # 400 rather than FastAPI's 422, the same contract as the other tinystack blueprints
    return JSONResponse({"error": describe(error.errors())}, status_code=400)


@app.exception_handler(StarletteHTTPException)
def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
    return JSONResponse({"error": str(error.detail)}, status_code=error.status_code)


def describe(errors: Any) -> str:
    if any(error["type"] == "json_invalid" for error in errors):
        return "request body is not valid JSON"
    problems = [".".join(str(part) for part in error["loc"][1:]) or "body" for error in errors]
    return "missing or invalid fields: " + ", ".join(problems)


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(
        app,
        host=os.environ.get("HOST", "0.0.0.0"),
        port=int(os.environ.get("PORT", "8080")),
        proxy_headers=True,
        forwarded_allow_ips="*",  # only the endpoint's security group reaches the task
    )
