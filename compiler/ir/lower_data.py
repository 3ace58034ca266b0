"""Lowering of one stage's `data`: its tables, database, cache and buckets as the IR.

The derived defaults are made here: the engine's default major version, its parameter
group family and port (compiler/data/data_stores.json), and the database's fixed name and
master user (create-only in RDS, so they never change for a stack).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from compiler.data.store_tables import cache_engine, database_engines
from compiler.data.store_variables import bucket_variable, table_variable
from compiler.ir.model import BucketIR, CacheIR, DatabaseIR, DataIR, TableIR

DB_NAME = "app"  # the database the app connects to (DB_NAME)
DB_USER = "app"  # the master user RDS keeps the password of (DB_USER)


def lower_data(data: Mapping[str, Any]) -> DataIR:
    """The DataIR of a stage's merged, defaulted `data` mapping."""
    database, cache = data.get("database"), data.get("cache")
    return DataIR(
        tables=tuple(_table(key, t) for key, t in sorted((data.get("tables") or {}).items())),
        database=None if database is None else _database(database),
        cache=None if cache is None else _cache(cache),
        buckets=tuple(
            BucketIR(key=key, variable=bucket_variable(key))
            for key in sorted(data.get("buckets") or {})
        ),
    )


def _table(key: str, t: Mapping[str, Any]) -> TableIR:
    return TableIR(
        key=key,
        variable=table_variable(key),
        partition_key=str(t["partition_key"]),
        sort_key=t.get("sort_key"),
        ttl_attribute=t.get("ttl_attribute"),
    )


def _database(d: Mapping[str, Any]) -> DatabaseIR:
    engine = database_engines()[d["engine"]]
    version = str(d.get("version") or engine.default_version)
    return DatabaseIR(
        engine=d["engine"],
        version=version,
        engine_version=engine.versions[version].engine_version,
        parameter_group_family=engine.versions[version].family,
        tls_parameters=engine.tls_parameters,
        port=engine.port,
        instance_class=str(d["instance_class"]),
        storage_gb=int(d["storage_gb"]),
        multi_az=bool(d["multi_az"]),
        backup_retention_days=int(d["backup_retention_days"]),
        db_name=DB_NAME,
        master_username=DB_USER,
    )


def _cache(c: Mapping[str, Any]) -> CacheIR:
    engine = cache_engine()
    return CacheIR(
        engine=engine.engine,
        engine_version=engine.engine_version,
        node_type=str(c["node_type"]),
        port=engine.port,
    )
