"""Data checks: store variables that clash with `environment` or `secrets`, database
instance classes, engine versions and cache node types tinystack does not know, table
keys that repeat one another, and store keys that would name one resource.
"""

from __future__ import annotations

from compiler.data.store_tables import cache_node_types, database_classes, database_engines
from compiler.data.store_variables import store_stem, store_variables
from compiler.diagnostics import Diagnostic, did_you_mean, error_rule
from compiler.spec.checks.declare import stage_check
from compiler.spec.checks.view import StageView
from compiler.spec.load import dotted
from compiler.spec.wording import listing, show

STORE_VARIABLE_CLASH = error_rule(
    "TS291", "a data store's environment variable also set by environment or secrets"
)
UNKNOWN_DATABASE_CLASS = error_rule("TS292", "a database instance class tinystack does not know")
UNOFFERED_ENGINE_VERSION = error_rule("TS293", "a database engine version tinystack does not offer")
UNKNOWN_NODE_TYPE = error_rule("TS294", "a cache node type tinystack does not know")
REPEATED_TABLE_KEY = error_rule(
    "TS295", "a table whose sort key or TTL attribute repeats one of its keys"
)
SHARED_STORE_ID = error_rule(
    "TS296", "two tables or two buckets whose keys differ only in underscores"
)
_DATABASE = ("data", "database")
# where a clashing variable was written -> the hint that fixes it
_CLASH_HINTS = {
    "environment": "Remove it from environment: the stage sets it from the store.",
    "secrets": "Remove the secret or rename it: the stage sets this variable from the store.",
}


@stage_check(STORE_VARIABLE_CLASH)
def check_store_variables(view: StageView) -> list[Diagnostic]:
    """Forbid a store variable (ITEMS_TABLE, DB_HOST, ...) also set by environment or secrets."""
    out = []
    for name, store in sorted(store_variables(view.get("data") or {}).items()):
        for kind, hint in _CLASH_HINTS.items():
            if name not in (view.get("app", kind) or {}):
                continue
            message = f"{show(name)} is set by {dotted(store)}; a variable has one source"
            out.append(view.diagnostic(("app", kind, name), STORE_VARIABLE_CLASH, message, hint))
    return out


@stage_check(UNKNOWN_DATABASE_CLASS, UNOFFERED_ENGINE_VERSION)
def check_database(view: StageView) -> list[Diagnostic]:
    """Forbid database instance classes and engine versions tinystack does not know."""
    database = view.get(*_DATABASE)
    if database is None:
        return []
    out = []
    name = database["instance_class"]
    if name not in database_classes():
        families = sorted({known.split(".")[1] for known in database_classes()})
        hint = did_you_mean(name, database_classes()) or f"Known families: {', '.join(families)}."
        message = f"unknown database instance class {show(name)}"
        out.append(
            view.diagnostic(
                (*_DATABASE, "instance_class"), UNKNOWN_DATABASE_CLASS, message, hint, at_value=True
            )
        )
    engine = database_engines()[database["engine"]]
    version = database.get("version")
    if version is not None and version not in engine.versions:
        message = (
            f"{show(version)} is not a {engine.name} major version tinystack offers; "
            f"allowed: {listing(engine.versions)}"
        )
        hint = f"Omit it for {engine.default_version}."
        out.append(
            view.diagnostic(
                (*_DATABASE, "version"), UNOFFERED_ENGINE_VERSION, message, hint, at_value=True
            )
        )
    return out


@stage_check(UNKNOWN_NODE_TYPE)
def check_cache_node_type(view: StageView) -> list[Diagnostic]:
    """Forbid cache node types tinystack does not know."""
    name = view.get("data", "cache", "node_type")
    if name is None or name in cache_node_types():
        return []
    hint = did_you_mean(name, cache_node_types()) or f"Known: {listing(cache_node_types())}."
    message = f"unknown cache node type {show(name)}"
    return [
        view.diagnostic(
            ("data", "cache", "node_type"), UNKNOWN_NODE_TYPE, message, hint, at_value=True
        )
    ]


@stage_check(REPEATED_TABLE_KEY)
def check_table_keys(view: StageView) -> list[Diagnostic]:
    """Forbid a sort key equal to the partition key, and a TTL attribute that is a key."""
    out = []
    for key, table in sorted((view.get("data", "tables") or {}).items()):
        at = ("data", "tables", key)
        keys = {"partition_key": table["partition_key"], "sort_key": table.get("sort_key")}
        if keys["sort_key"] == keys["partition_key"]:
            message = f"the sort key {show(keys['sort_key'])} is also the partition key"
            hint = "Name another attribute, or omit sort_key."
            out.append(
                view.diagnostic((*at, "sort_key"), REPEATED_TABLE_KEY, message, hint, at_value=True)
            )
        ttl = table.get("ttl_attribute")
        clash = next((role for role, attribute in keys.items() if attribute == ttl), None)
        if ttl is not None and clash is not None:
            message = (
                f"the TTL attribute {show(ttl)} is the table's {clash.replace('_', ' ')}; key "
                "attributes are strings and a TTL attribute holds a number"
            )
            hint = "Name an attribute of its own, e.g. 'expires'."
            out.append(
                view.diagnostic(
                    (*at, "ttl_attribute"), REPEATED_TABLE_KEY, message, hint, at_value=True
                )
            )
    return out


@stage_check(SHARED_STORE_ID)
def check_store_keys(view: StageView) -> list[Diagnostic]:
    """Forbid two tables (or two buckets) whose keys differ only in underscores."""
    out = []
    for kind in ("tables", "buckets"):
        seen: dict[str, str] = {}
        for key in sorted(view.get("data", kind) or {}):
            stem = store_stem(key)
            first = seen.setdefault(stem, key)
            if first != key:
                message = f"{show(key)} and {show(first)} would both be '{stem}' in the template"
                hint = "Keys that differ only in underscores name one store; rename one."
                out.append(view.diagnostic(("data", kind, key), SHARED_STORE_ID, message, hint))
    return out
