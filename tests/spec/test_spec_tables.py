"""The instance-type and Fargate-size tables: valid against their schemas, sourced, and
consistent with the language (docs/spec.md)."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from jsonschema import Draft202012Validator

from compiler.data.capacity import instance_capacity, tasks_per_instance
from compiler.data.tables import fargate_sizes, fargate_table, instance_table, instance_types


@pytest.mark.parametrize("name", ["instance_types", "fargate_sizes", "naming_rules", "data_stores"])
def test_table_matches_its_schema(name: str) -> None:
    data = resources.files("compiler").joinpath("data")
    schema = json.loads(data.joinpath(f"{name}.schema.json").read_text(encoding="utf-8"))
    table = json.loads(data.joinpath(f"{name}.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert list(Draft202012Validator(schema).iter_errors(table)) == []
    assert table["source"].count("https://") >= 1 and table["retrieved"]


def _tasks(name: str, cpu: int, memory: int) -> int:
    t = instance_types()[name]
    return tasks_per_instance(
        instance_capacity(t.vcpu, t.memory_mib, t.max_enis, t.reserved_memory_mib), cpu, memory
    )


@pytest.mark.parametrize(
    ("instance", "cpu", "memory", "tasks"),
    [
        ("t3.micro", 256, 512, 1),  # SPEC "Decisions": one t3.micro holds one 512 MiB task
        ("t3.small", 256, 512, 2),  # ENI limit 3 minus the primary
        ("t3.micro", 256, 1024, 0),  # the OS and agent keep part of the 1 GiB
        ("m5.large", 512, 1024, 2),  # ENIs, not memory, limit it
        ("m5.4xlarge", 1024, 2048, 7),
        ("c5.large", 2048, 1024, 1),  # CPU limits it
    ],
)
def test_packing(instance: str, cpu: int, memory: int, tasks: int) -> None:
    assert _tasks(instance, cpu, memory) == tasks


def test_reserve_rule_is_stated_with_its_source() -> None:
    reserve = instance_table()["ecs_memory_reserve"]
    assert "memory-management" in reserve["source"] and reserve["assumption"]
    assert instance_types()["t3.micro"].reserved_memory_mib == 154  # ceil(1024 * 2.5%) + 128


def test_previous_generation_types_name_a_current_equivalent() -> None:
    previous = {n: t for n, t in instance_types().items() if not t.current_generation}
    assert set(previous) == {"m3.medium", "m3.large"}
    for t in previous.values():
        assert t.current_equivalent is not None
        equivalent = instance_types()[t.current_equivalent]
        assert equivalent.current_generation and equivalent.memory_mib >= t.memory_mib


def test_fargate_sizes_cover_the_documented_pairs() -> None:
    sizes = fargate_sizes()
    assert list(sizes) == [256, 512, 1024, 2048, 4096, 8192, 16384]
    assert sizes[256].memory_mib == (512, 1024, 2048)
    assert sizes[4096].memory_mib[0] == 8192 and sizes[4096].memory_mib[-1] == 30720
    assert sizes[16384].memory_mib[-1] == 122880
    assert "fargate" in fargate_table()["source"]


def test_tables_are_read_only() -> None:
    with pytest.raises(TypeError):
        instance_types()["x.large"] = instance_types()["t3.micro"]  # type: ignore[index]


def test_data_store_table_holds_the_schema_defaults() -> None:
    from compiler.data.store_tables import cache_node_types, database_classes, database_engines
    from compiler.spec.language_schema import load_schema

    defs = load_schema()["$defs"]
    assert defs["database"]["properties"]["instance_class"]["default"] in database_classes()
    assert defs["cache"]["properties"]["node_type"]["default"] in cache_node_types()
    assert set(database_engines()) == set(defs["database"]["properties"]["engine"]["enum"])
    for engine in database_engines().values():
        # SPEC.md: the default major versions are 16 (postgres) and 8.0 (mysql)
        assert engine.versions[engine.default_version].family.startswith(engine.name)
    assert database_engines()["postgres"].default_version == "16"
    assert database_engines()["mysql"].default_version == "8.0"
