"""The environment variables through which the app finds its `data` stores (SPEC.md "Data").

The names are fixed by the store's key (`items` -> ITEMS_TABLE, `uploads` -> UPLOADS_BUCKET)
or by the store's kind, so the semantic checks (clashes with `environment` and `secrets`)
and lowering name them the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DATABASE_VARIABLES = ("DB_HOST", "DB_PORT", "DB_NAME", "DB_USER")
DATABASE_PASSWORD = "DB_PASSWORD"  # an ECS secret: the managed secret's `password` key
CACHE_VARIABLE = "REDIS_URL"


def store_stem(key: str) -> str:
    """The CamelCase stem of a store's logical IDs: `user_events` -> `UserEvents` (what
    cfn.common.names.logical_id makes of it); two keys with one stem would share a resource."""
    return "".join(word[:1].upper() + word[1:] for word in key.split("_") if word)


def table_variable(key: str) -> str:
    """`items` -> `ITEMS_TABLE`."""
    return f"{key.upper()}_TABLE"


def bucket_variable(key: str) -> str:
    """`uploads` -> `UPLOADS_BUCKET`."""
    return f"{key.upper()}_BUCKET"


def store_variables(data: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """Every variable a resolved `data` mapping sets -> the path of the store that sets it."""
    found: dict[str, tuple[str, ...]] = {}
    for key in data.get("tables") or {}:
        found[table_variable(key)] = ("data", "tables", key)
    for key in data.get("buckets") or {}:
        found[bucket_variable(key)] = ("data", "buckets", key)
    if data.get("database") is not None:
        for name in (*DATABASE_VARIABLES, DATABASE_PASSWORD):
            found[name] = ("data", "database")
    if data.get("cache") is not None:
        found[CACHE_VARIABLE] = ("data", "cache")
    return found
