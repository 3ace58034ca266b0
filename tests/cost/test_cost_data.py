"""`tsc cost` prices every data store: a line each, with its arithmetic and its price source.

Unit prices are checked against compiler/data/prices.json (each with its AWS pricing page),
the quantities against the spec and the stated assumptions.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from cost_specs import lowered

from compiler.cli import main
from compiler.cost.change import cost_change
from compiler.cost.estimate import estimate_cost
from compiler.cost.options import cheaper_options
from compiler.cost.prices import PriceTableError, builtin_prices, load_prices

PRICES = json.loads((Path(__file__).resolve().parents[2] / "compiler/data/prices.json").read_text())
ALL_FOUR = """\
version: 1
name: shop
traffic: {requests_per_month: 2000000}
data:
  tables: {items: {}}
  database: {engine: postgres, storage_gb: 50, backup_retention_days: 10}
  cache: {node_type: cache.t4g.small}
  buckets: {uploads: {}}
"""


def _rate(key: str) -> float:
    price = PRICES["prices"][key]
    return float(price["usd"] if "usd" in price else price["tiers"][-1]["usd"])


def _assume(key: str) -> float:
    return float(PRICES["assumptions"][key]["value"])


def _cost_json(tmp_path: Path, text: str) -> dict[str, Any]:
    spec = tmp_path / "tinystack.yaml"
    spec.write_text(text)
    result = CliRunner().invoke(main, ["cost", str(spec), "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_every_store_has_its_lines_with_their_arithmetic(tmp_path: Path) -> None:
    """Acceptance: `tsc cost` on a spec with all four stores shows a line for each."""
    [stage] = _cost_json(tmp_path, ALL_FOUR)["stages"]
    items = {item["what"]: item for item in stage["items"]}
    hours = PRICES["hours_per_month"]
    table, size = "DynamoDB table items", _assume("dynamodb_table_gb")
    rds = PRICES["rds_hourly"]["rates"]["postgres"]["db.t4g.micro"]
    node = PRICES["elasticache_hourly"]["rates"]["cache.t4g.small"]
    backups = 50 * _assume("rds_daily_change_percent") / 100 * 10
    expected = {
        f"{table}: reads": (2.0 * _assume("dynamodb_reads_per_request"),
                            _rate("dynamodb_read_million")),
        f"{table}: writes": (2.0 * _assume("dynamodb_writes_per_request"),
                             _rate("dynamodb_write_million")),
        f"{table}: storage": (size, _rate("dynamodb_storage_gb_month")),
        f"{table}: point-in-time recovery": (size, _rate("dynamodb_pitr_gb_month")),
        "RDS postgres db.t4g.micro": (hours, rds),
        "RDS gp3 storage 50 GB": (50, _rate("rds_gp3_gb_month")),
        "RDS backups beyond the free share (10 days of changes)": (
            backups, _rate("rds_backup_gb_month")),
        "Secrets Manager secret (database password)": (1, _rate("secrets_manager_secret_month")),
        "ElastiCache valkey cache.t4g.small": (hours, node),
        "S3 bucket uploads: storage (first 51200)": (
            _assume("bucket_gb"), PRICES["prices"]["s3_standard_gb_month"]["tiers"][0]["usd"]),
    }  # fmt: skip
    for what, (quantity, unit_usd) in expected.items():
        item = items[what]
        assert item["quantity"] == pytest.approx(quantity), what
        assert item["unit_usd"] == pytest.approx(unit_usd), what
        # the report rounds each line to cents
        assert item["monthly_usd"] == pytest.approx(quantity * unit_usd, abs=0.005), what
    # the figures a person can check by hand
    assert items["RDS postgres db.t4g.micro"]["monthly_usd"] == 11.68  # 730 x 0.016
    assert items["ElastiCache valkey cache.t4g.small"]["monthly_usd"] == 18.69  # 730 x 0.0256


def test_the_text_report_shows_each_store_and_the_assumptions(tmp_path: Path) -> None:
    spec = tmp_path / "tinystack.yaml"
    spec.write_text(ALL_FOUR)
    # at the widest report, so no line this looks for is wrapped
    out = CliRunner().invoke(main, ["cost", str(spec)], env={"COLUMNS": "100"}).stdout
    for line in ("DynamoDB table items: reads", "RDS postgres db.t4g.micro", "ElastiCache valkey",
                 "S3 bucket uploads: storage"):  # fmt: skip
        assert line in out
    for assumption in ("dynamodb_reads_per_request = 1", "dynamodb_writes_per_request = 0.25",
                       "rds_daily_change_percent = 2", "bucket_gb = 5"):  # fmt: skip
        assert assumption in out


def test_multi_az_bills_the_standby_hours_and_storage() -> None:
    single = lowered(data={"database": {"engine": "mysql"}})
    double = lowered(data={"database": {"engine": "mysql", "multi_az": True}})
    prices = builtin_prices()
    a, b = (estimate_cost(ir, prices).stages[0] for ir in (single, double))
    standby = {i.what: i.monthly_usd for i in b.items if "standby" in i.what}
    rate = PRICES["rds_hourly"]["rates"]["mysql"]["db.t4g.micro"]
    assert standby == {
        "RDS mysql db.t4g.micro Multi-AZ standby": pytest.approx(730 * rate),
        "RDS gp3 storage 20 GB (standby)": pytest.approx(20 * _rate("rds_gp3_gb_month")),
    }
    assert b.monthly_usd - a.monthly_usd == pytest.approx(sum(standby.values()))


def test_the_free_table_storage_is_credited_once_for_the_account() -> None:
    tables = {f"t{i}": {} for i in range(15)}
    ir = lowered(data={"tables": tables}, stages=[{"name": "dev"}, {"name": "prod"}])
    estimate = estimate_cost(ir, builtin_prices())
    [credit] = [i for i in estimate.shared if i.what.startswith("DynamoDB storage free tier")]
    # 30 tables x 1 GB: the first 25 GB of the account are free
    assert (credit.quantity, credit.monthly_usd) == (pytest.approx(25), pytest.approx(-25 * 0.25))


def test_cheaper_options_keep_at_least_the_store_size() -> None:
    ir = lowered(
        data={
            "database": {"instance_class": "db.m5.large"},
            "cache": {"node_type": "cache.t3.medium"},
        }
    )
    changes = {o.change for o in cheaper_options(ir, builtin_prices(), ir.traffic)}
    # db.m5.large has 2 vCPUs and 8 GiB: db.t4g.large (2, 8) is cheaper; db.t4g.medium
    # (4 GiB) is cheaper still but smaller, so it is not offered
    assert "stages.dev.data.database.instance_class: db.t4g.large" in changes
    assert "stages.dev.data.cache.node_type: cache.t4g.medium" in changes
    default = lowered(data={"database": {}, "cache": {}})
    assert not [o for o in cheaper_options(default, builtin_prices(), default.traffic)
                if ".data." in o.change]  # fmt: skip


def test_a_custom_table_without_the_class_is_named_and_an_unknown_class_refused(
    tmp_path: Path,
) -> None:
    data = json.loads(json.dumps(PRICES))
    del data["rds_hourly"]["rates"]["postgres"]["db.t4g.micro"]
    path = tmp_path / "prices.json"
    path.write_text(json.dumps(data))
    table = load_prices(path)
    ir = lowered(data={"database": {}})
    with pytest.raises(
        PriceTableError, match=r"no hourly rate for postgres instance class 'db\.t4g\.micro'"
    ):
        estimate_cost(ir, table)
    data["elasticache_hourly"]["rates"]["cache.x9.huge"] = 1.0
    path.write_text(json.dumps(data))
    with pytest.raises(
        PriceTableError, match=r"elasticache_hourly\.rates: unknown 'cache\.x9\.huge'"
    ):
        load_prices(path)


def test_every_store_rate_has_its_source_and_covers_every_size_the_spec_accepts() -> None:
    from compiler.data.store_tables import cache_node_types, database_classes

    for section in ("rds_hourly", "elasticache_hourly"):
        assert PRICES[section]["source"].startswith("https://aws.amazon.com/"), section
    for engine in ("postgres", "mysql"):
        assert set(PRICES["rds_hourly"]["rates"][engine]) == set(database_classes())
    assert set(PRICES["elasticache_hourly"]["rates"]) == set(cache_node_types())


def test_each_stage_prices_its_tables_at_its_own_traffic() -> None:
    stages = [{"name": "dev", "traffic": {"requests_per_month": 4_000}}, {"name": "prod"}]
    ir = lowered(
        traffic={"requests_per_month": 8_000_000}, data={"tables": {"items": {}}}, stages=stages
    )
    dev, prod = estimate_cost(ir, builtin_prices()).stages
    reads = {s.name: {i.what: i.quantity for i in s.items}["DynamoDB table items: reads"]
             for s in (dev, prod)}  # fmt: skip
    # million read units: requests x reads per request
    assert reads == {"dev": pytest.approx(0.004), "prod": pytest.approx(8.0)}


def test_diff_names_a_larger_database_as_its_items_moving() -> None:
    before = lowered(data={"database": {"storage_gb": 50}})
    after = lowered(data={"database": {"instance_class": "db.t4g.small", "storage_gb": 100}})
    change = cost_change(before, after)
    moved = {c.describe(): round(c.delta_usd, 2) for c in change.moved}
    rds = PRICES["rds_hourly"]["rates"]["postgres"]
    assert moved == {
        "RDS postgres db.t4g.small instead of db.t4g.micro": round(
            730 * (rds["db.t4g.small"] - rds["db.t4g.micro"]), 2
        ),
        "RDS gp3 storage 100 GB instead of 50 GB": round(50 * _rate("rds_gp3_gb_month"), 2),
        # 2% of the storage a day for 7 days: 7 GB more beyond the free share
        "RDS backups": round(7 * _rate("rds_backup_gb_month"), 2),
    }


def test_with_the_free_tiers_used_table_storage_is_billed_from_the_first_gb() -> None:
    ir = lowered(data={"tables": {"items": {}, "orders": {}}})
    used = estimate_cost(ir, builtin_prices().with_free_tiers_used())
    assert not [i for i in used.shared if i.what.startswith("DynamoDB storage free tier")]
    storage = [i for i in used.stages[0].items if i.what.endswith(": storage")]
    assert sum(i.monthly_usd for i in storage) == pytest.approx(2 * 0.25)
    # with them available, the same 2 GB are credited once in the shared part
    available = estimate_cost(ir, builtin_prices())
    [credit] = [i for i in available.shared if i.what.startswith("DynamoDB storage free tier")]
    assert (credit.quantity, credit.monthly_usd) == (pytest.approx(2), pytest.approx(-2 * 0.25))


def test_the_auto_budget_makes_room_for_the_stores() -> None:
    alarms = {"emails": ["ops@example.com"], "monthly_budget": "auto"}
    plain = lowered(alarms=alarms).alarms.monthly_budget
    stored = lowered(alarms=alarms, data={"database": {}}).alarms.monthly_budget
    assert plain is not None and stored is not None
    # the database alone: the instance (730 x $0.016), 20 GB of gp3 and its secret
    database = 730 * 0.016 + 20 * _rate("rds_gp3_gb_month") + 0.40
    assert stored.amount_usd - plain.amount_usd == pytest.approx(1.25 * database, abs=1)
