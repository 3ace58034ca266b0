"""Cheaper sizes for a stage's stores, where size is what the store is chosen by.

A database instance class or cache node type is offered only when it has at least the
vCPUs and memory of the one the spec names (so it holds the same working set) and costs
less per hour for the same engine; the cheapest such one is offered. Tables and buckets
are billed by use, not by a size the spec chooses, so they offer nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace

from compiler.cost.prices import PriceTable
from compiler.data.store_tables import StoreSize, cache_node_types, database_classes
from compiler.ir.model import StageIR


def _cheapest_as_large(current: str, sizes: Mapping[str, StoreSize],
                       rates: Mapping[str, float]) -> str | None:  # fmt: skip
    """The cheapest size with at least `current`'s vCPUs and memory, if cheaper than it."""
    now, rate = sizes.get(current), rates.get(current)
    if now is None or rate is None:
        return None
    fitting = sorted(
        (rates[name], name)
        for name, size in sizes.items()
        if name in rates and size.vcpu >= now.vcpu and size.memory_gib >= now.memory_gib
    )
    return fitting[0][1] if fitting and fitting[0][0] < rate else None


def data_variants(stage: StageIR, prices: PriceTable) -> Iterator[tuple[str, StageIR]]:
    """(spec change, the stage with it) for each cheaper store size of the stage."""
    where = f"stages.{stage.name}.data"
    data = stage.data
    if data.database is not None:
        rates = prices.stores.database.get(data.database.engine, {})
        name = _cheapest_as_large(data.database.instance_class, database_classes(), rates)
        if name is not None:
            database = replace(data.database, instance_class=name)
            yield (
                f"{where}.database.instance_class: {name}",
                replace(stage, data=replace(data, database=database)),
            )
    if data.cache is not None:
        name = _cheapest_as_large(data.cache.node_type, cache_node_types(), prices.stores.cache)
        if name is not None:
            cache = replace(data.cache, node_type=name)
            yield (
                f"{where}.cache.node_type: {name}",
                replace(stage, data=replace(data, cache=cache)),
            )
