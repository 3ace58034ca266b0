"""Typed, cached readers of compiler/data/data_stores.json: what a `data` store may be.

The database engines (port, major versions and their parameter group families, the
parameters that require TLS), the RDS instance classes and the ElastiCache node types a
spec may name, each with its size. The file carries its source and retrieval date and a
schema beside it that a test validates.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True)
class EngineVersion:
    """One major version of an engine: its parameter group family and the version created."""

    family: str
    engine_version: str  # full, e.g. 16.13: what cfn-lint's RDS data accepts


@dataclass(frozen=True)
class DatabaseEngine:
    """One RDS engine as tinystack runs it."""

    name: str  # postgres | mysql
    port: int
    default_version: str
    versions: Mapping[str, EngineVersion]  # by major version
    tls_parameters: tuple[tuple[str, str], ...]  # sorted; they make the server refuse plain TCP


@dataclass(frozen=True)
class StoreSize:
    """One RDS instance class or ElastiCache node type."""

    name: str
    vcpu: int
    memory_gib: float


@dataclass(frozen=True)
class CacheEngine:
    engine: str
    engine_version: str
    port: int


@cache
def store_table() -> dict[str, Any]:
    """The raw table (source, retrieved, engines, classes, node types)."""
    text = resources.files("compiler").joinpath("data/data_stores.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def database_engines() -> Mapping[str, DatabaseEngine]:
    """Engine name -> its port, versions and TLS parameters."""
    engines = {
        name: DatabaseEngine(
            name=name,
            port=int(raw["port"]),
            default_version=str(raw["default_version"]),
            versions=MappingProxyType(
                {
                    major: EngineVersion(str(v["family"]), str(v["engine_version"]))
                    for major, v in raw["versions"].items()
                }
            ),
            tls_parameters=tuple(sorted(raw["tls_parameters"].items())),
        )
        for name, raw in store_table()["database_engines"].items()
    }
    return MappingProxyType(engines)


def _sizes(raw: Mapping[str, Any]) -> Mapping[str, StoreSize]:
    sizes = {
        name: StoreSize(name, int(size["vcpu"]), float(size["memory_gib"]))
        for name, size in raw.items()
    }
    return MappingProxyType(sizes)


@cache
def database_classes() -> Mapping[str, StoreSize]:
    """RDS instance class -> its vCPUs and memory."""
    return _sizes(store_table()["database_classes"])


@cache
def cache_node_types() -> Mapping[str, StoreSize]:
    """ElastiCache node type -> its vCPUs and memory."""
    return _sizes(store_table()["cache"]["node_types"])


@cache
def cache_engine() -> CacheEngine:
    """The cache engine tinystack creates (Valkey), its version and port."""
    raw = store_table()["cache"]
    return CacheEngine(str(raw["engine"]), str(raw["engine_version"]), int(raw["port"]))
