"""Line items of a stage's stores (`data`): tables, database, cache and buckets.

Tables: read and write request units from the traffic profile and the stated reads and
writes per request, storage and point-in-time recovery at the assumed size. Database:
instance hours, gp3 storage, the Multi-AZ standby's hours and storage, backup storage
beyond the free share (the allocated storage), and its managed password secret. Cache:
node hours. Buckets: storage at the assumed size. Every rate and assumption is in the
price table, so each line shows its arithmetic (quantity x unit price). A sized item keeps
its `kind` whatever the size, so `tsc diff` shows a larger class as the same item moving.
"""

from __future__ import annotations

from compiler.cost.lines import LineItem, at_marginal_rate, instance_hours, priced
from compiler.cost.prices import PriceTable
from compiler.ir.model import CacheIR, DatabaseIR, DataIR, TableIR, TrafficIR

MILLION = 1_000_000


def data_items(data: DataIR, traffic: TrafficIR, prices: PriceTable) -> list[LineItem]:
    """Every line item of one stage's stores."""
    items = [item for table in data.tables for item in _table(table, traffic, prices)]
    if data.database is not None:
        items += _database(data.database, prices)
    if data.cache is not None:
        items += _cache(data.cache, prices)
    size = prices.assume("bucket_gb")
    for bucket in data.buckets:
        what = f"S3 bucket {bucket.key}: storage"
        items += priced(what, prices.price("s3_standard_gb_month"), size)
    return items


def _table(table: TableIR, traffic: TrafficIR, prices: PriceTable) -> list[LineItem]:
    requests = traffic.requests_per_month / MILLION
    reads = requests * prices.assume("dynamodb_reads_per_request")
    writes = requests * prices.assume("dynamodb_writes_per_request")
    size = prices.assume("dynamodb_table_gb")
    name = f"DynamoDB table {table.key}"
    return [
        *priced(f"{name}: reads", prices.price("dynamodb_read_million"), reads),
        *priced(f"{name}: writes", prices.price("dynamodb_write_million"), writes),
        # the account's free 25 GB is credited once, in the shared part
        *at_marginal_rate(f"{name}: storage", prices.price("dynamodb_storage_gb_month"), size),
        *priced(f"{name}: point-in-time recovery", prices.price("dynamodb_pitr_gb_month"), size),
    ]


def _database(db: DatabaseIR, prices: PriceTable) -> list[LineItem]:
    hours = prices.hours_per_month
    hourly = prices.database_hourly(db.engine, db.instance_class)
    storage = prices.price("rds_gp3_gb_month")
    name = f"RDS {db.engine} {db.instance_class}"
    items = [
        *instance_hours(name, hourly, hours, "RDS instance"),
        *priced(f"RDS gp3 storage {db.storage_gb} GB", storage, db.storage_gb, "RDS storage"),
    ]
    if db.multi_az:
        standby = f"RDS gp3 storage {db.storage_gb} GB (standby)"
        items += [
            *instance_hours(f"{name} Multi-AZ standby", hourly, hours, "RDS standby"),
            *priced(standby, storage, db.storage_gb, "RDS standby storage"),
        ]
    # one full copy is free (up to the allocated storage); each retained day's changes are not
    changed = db.storage_gb * prices.assume("rds_daily_change_percent") / 100
    beyond = changed * db.backup_retention_days
    what = f"RDS backups beyond the free share ({db.backup_retention_days} days of changes)"
    items += priced(what, prices.price("rds_backup_gb_month"), beyond, "RDS backups")
    secret = prices.price("secrets_manager_secret_month")
    return items + priced("Secrets Manager secret (database password)", secret, 1)


def _cache(cache: CacheIR, prices: PriceTable) -> list[LineItem]:
    hourly = prices.cache_hourly(cache.node_type)
    hours = prices.hours_per_month
    what = f"ElastiCache {cache.engine} {cache.node_type}"
    return [LineItem(what, hours, "node-hour", hourly, hours * hourly, "ElastiCache node")]
