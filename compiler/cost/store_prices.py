"""The hourly rates of the data stores in a price table: RDS instance classes per engine
and ElastiCache (Valkey) node types, each section with its source, like `ec2_hourly`.

A rate for a class or node type that compiler/data/data_stores.json does not list is an
error when the table is read; a missing rate is one when a spec needs it
(`PriceTable.database_hourly`, `cache_hourly`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any


class StoreRateError(Exception):
    """A store rate that cannot be used; the message is one line for the user."""


@dataclass(frozen=True)
class StoreRates:
    database: Mapping[str, Mapping[str, float]]  # engine -> instance class -> per hour
    cache: Mapping[str, float]  # node type -> per hour


def _unknown(origin: str, where: str, given: Mapping[str, Any], known: Mapping[str, Any]) -> None:
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise StoreRateError(
            f"price table '{origin}': {where}: unknown '{unknown[0]}'; tinystack knows "
            f"{len(known)} (compiler/data/data_stores.json)"
        )


def parse_store_rates(data: Mapping[str, Any], origin: str, check: bool) -> StoreRates:
    """The store rates of a decoded price table; `check` refuses names the spec cannot use."""
    from compiler.data.store_tables import cache_node_types, database_classes

    rds, cache = data["rds_hourly"], data["elasticache_hourly"]
    if check:
        for engine, rates in rds["rates"].items():
            _unknown(origin, f"rds_hourly.rates.{engine}", rates, database_classes())
        _unknown(origin, "elasticache_hourly.rates", cache["rates"], cache_node_types())
    database = {
        engine: MappingProxyType({k: float(v) for k, v in sorted(rates.items())})
        for engine, rates in sorted(rds["rates"].items())
    }
    return StoreRates(
        database=MappingProxyType(database),
        cache=MappingProxyType({k: float(v) for k, v in sorted(cache["rates"].items())}),
    )
