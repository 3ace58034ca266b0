"""The outputs of data-<stage>.yaml, declared once: the stage stack wires them to the
service stack's parameters of the same names.

Tables and buckets are named by their key (`items` -> ItemsTableName, ItemsTableArn);
the database and the cache have fixed names (`DataOut`).
"""

from __future__ import annotations

from enum import StrEnum

from compiler.cfn.common.names import logical_id
from compiler.ir.model import DataIR


class DataOut(StrEnum):
    DATABASE_HOST = "DatabaseHost"
    DATABASE_PORT = "DatabasePort"
    DATABASE_SECRET_ARN = "DatabaseSecretArn"  # the RDS-managed master user secret
    DATABASE_SECURITY_GROUP_ID = "DatabaseSecurityGroupId"  # the service admits its tasks
    CACHE_HOST = "CacheHost"
    CACHE_PORT = "CachePort"
    CACHE_SECURITY_GROUP_ID = "CacheSecurityGroupId"


DATABASE_OUTPUTS = (
    DataOut.DATABASE_HOST,
    DataOut.DATABASE_PORT,
    DataOut.DATABASE_SECRET_ARN,
    DataOut.DATABASE_SECURITY_GROUP_ID,
)
CACHE_OUTPUTS = (DataOut.CACHE_HOST, DataOut.CACHE_PORT, DataOut.CACHE_SECURITY_GROUP_ID)


def table_id(key: str) -> str:
    """Logical ID of a table: `items` -> `ItemsTable` (TS266 keeps two keys from sharing one:
    compiler.data.store_variables.store_stem is the same rule)."""
    return logical_id(key, "table")


def bucket_id(key: str) -> str:
    """Logical ID of a bucket: `uploads` -> `UploadsBucket`."""
    return logical_id(key, "bucket")


def table_output(key: str, what: str) -> str:
    """`('items', 'Name')` -> `ItemsTableName`; what is Name or Arn."""
    return table_id(key) + what


def bucket_output(key: str, what: str) -> str:
    """`('uploads', 'Name')` -> `UploadsBucketName`; what is Name or Arn."""
    return bucket_id(key) + what


def data_outputs(data: DataIR) -> tuple[str, ...]:
    """Every output the data stack of these stores has, in template order."""
    names = [table_output(t.key, what) for t in data.tables for what in ("Name", "Arn")]
    names += [bucket_output(b.key, what) for b in data.buckets for what in ("Name", "Arn")]
    if data.database is not None:
        names += [out.value for out in DATABASE_OUTPUTS]
    if data.cache is not None:
        names += [out.value for out in CACHE_OUTPUTS]
    return tuple(names)
