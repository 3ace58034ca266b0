"""Typed, cached readers of the instance-type and Fargate-size tables in compiler/data/.

The JSON files carry their source and retrieval date; each has a JSON Schema beside it
that a test validates. Readers return frozen dataclasses so no caller can edit a table.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True)
class InstanceType:
    """One EC2 instance type as an ECS container instance sees it."""

    name: str
    vcpu: int
    memory_mib: int
    max_enis: int  # the primary included: awsvpc tasks get max_enis - 1
    current_generation: bool
    current_equivalent: str | None  # previous generation only: what to use instead
    reserved_memory_mib: int  # kept by the kernel, OS and ECS agent, not offered to tasks


@dataclass(frozen=True)
class FargateSize:
    """One Fargate task CPU value and the memory values it pairs with."""

    cpu: int
    memory_mib: tuple[int, ...]


def _read(name: str) -> dict[str, Any]:
    text = resources.files("compiler").joinpath(f"data/{name}").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def instance_table() -> dict[str, Any]:
    """The raw instance-type table (source, retrieved, reserve rule, types)."""
    return _read("instance_types.json")


@cache
def instance_types() -> Mapping[str, InstanceType]:
    """Instance type name -> its figures, the ECS memory reserve already worked out."""
    table = instance_table()
    reserve = table["ecs_memory_reserve"]
    types = {
        name: InstanceType(
            name=name,
            vcpu=int(spec["vcpu"]),
            memory_mib=int(spec["memory_mib"]),
            max_enis=int(spec["max_enis"]),
            current_generation=bool(spec["current_generation"]),
            current_equivalent=spec.get("current_equivalent"),
            reserved_memory_mib=math.ceil(spec["memory_mib"] * reserve["kernel_percent"] / 100)
            + int(reserve["agent_mib"]),
        )
        for name, spec in table["instance_types"].items()
    }
    return MappingProxyType(types)


@cache
def fargate_table() -> dict[str, Any]:
    """The raw Fargate-size table (source, retrieved, sizes)."""
    return _read("fargate_sizes.json")


@cache
def fargate_sizes() -> Mapping[int, FargateSize]:
    """Fargate task CPU units -> the size offering that CPU."""
    sizes = (
        FargateSize(int(entry["cpu"]), tuple(int(m) for m in entry["memory_mib"]))
        for entry in fargate_table()["sizes"]
    )
    return MappingProxyType({size.cpu: size for size in sizes})
