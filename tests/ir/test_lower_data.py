"""Lowering of `data`: per-stage copies, derived defaults and the variables the app reads."""

from __future__ import annotations

from stack_irs import lowered

from compiler.ir.model import DataIR

HEAD = {"version": 1, "name": "shop"}


def test_no_data_means_an_empty_data_ir() -> None:
    ir = lowered(HEAD)
    assert ir.stages[0].data == DataIR() and ir.stages[0].data.empty


def test_defaults_and_derived_values() -> None:
    ir = lowered(
        {
            **HEAD,
            "data": {
                "tables": {"items": {}, "events": {"sort_key": "at", "ttl_attribute": "exp"}},
                "database": {},
                "cache": {},
                "buckets": {"uploads": {}},
            },
        }
    )
    data = ir.stages[0].data
    assert [
        (t.key, t.variable, t.partition_key, t.sort_key, t.ttl_attribute) for t in data.tables
    ] == [
        ("events", "EVENTS_TABLE", "id", "at", "exp"),
        ("items", "ITEMS_TABLE", "id", None, None),
    ]
    db = data.database
    assert db is not None
    assert (db.engine, db.version, db.parameter_group_family, db.port) == (
        "postgres", "16", "postgres16", 5432,
    )  # fmt: skip
    assert (db.instance_class, db.storage_gb, db.multi_az, db.backup_retention_days) == (
        "db.t4g.micro", 20, False, 7,
    )  # fmt: skip
    assert db.tls_parameters == (("rds.force_ssl", "1"),)
    assert data.cache is not None and (data.cache.engine, data.cache.node_type) == (
        "valkey", "cache.t4g.micro",
    )  # fmt: skip
    assert [(b.key, b.variable) for b in data.buckets] == [("uploads", "UPLOADS_BUCKET")]


def test_mysql_gets_its_own_version_port_and_tls_parameter() -> None:
    db = lowered({**HEAD, "data": {"database": {"engine": "mysql"}}}).stages[0].data.database
    assert db is not None
    assert (db.version, db.parameter_group_family, db.port) == ("8.0", "mysql8.0", 3306)
    assert db.tls_parameters == (("require_secure_transport", "1"),)


def test_each_stage_gets_its_own_merged_copy() -> None:
    ir = lowered(
        {
            **HEAD,
            "data": {"database": {"engine": "postgres"}, "tables": {"items": {}}},
            "stages": [
                {"name": "dev"},
                {
                    "name": "prod",
                    "data": {"database": {"multi_az": True, "instance_class": "db.t4g.small"}},
                },
            ],
        }
    )
    dev, prod = (stage.data for stage in ir.stages)
    assert dev.database is not None and prod.database is not None
    assert (dev.database.multi_az, dev.database.instance_class) == (False, "db.t4g.micro")
    assert (prod.database.multi_az, prod.database.instance_class) == (True, "db.t4g.small")
    assert prod.database.engine == "postgres" and dev.tables == prod.tables
