"""A stage's data stack: data-<stage>.yaml, made only when the stage has stores.

DynamoDB tables (tables.py), the RDS database (database.py), the ElastiCache cache
(cache.py) and S3 buckets (buckets.py); every table and bucket is retained and the
database snapshotted on delete. Parameters: VpcId and PrivateSubnetIds when there is a
database or a cache. Outputs (`outputs.py`): each store's coordinates, which the stage
stack passes to the service stack.
"""

from __future__ import annotations

from troposphere import Parameter, Template

from compiler.cfn.common.outputs import NetworkOut
from compiler.cfn.data.buckets import add_buckets
from compiler.cfn.data.cache import add_cache
from compiler.cfn.data.database import add_database
from compiler.cfn.data.tables import add_tables
from compiler.ir.model import StackIR, StageIR


def data_parameters(stage: StageIR) -> tuple[str, ...]:
    """Names of the data stack's parameters (wired by the stage stack)."""
    if stage.data.database is None and stage.data.cache is None:
        return ()
    return (NetworkOut.VPC_ID.value, NetworkOut.PRIVATE_SUBNET_IDS.value)


def build_data(ir: StackIR, stage: StageIR) -> Template:
    """The data stack of one stage: its tables, database, cache and buckets."""
    template = Template(Description=f"{stage.names.prefix}: data stores")
    for name in data_parameters(stage):
        template.add_parameter(Parameter(name, Type="String"))
    data = stage.data
    add_tables(template, ir, data.tables)
    if data.database is not None:
        add_database(template, ir, stage, data.database)
    if data.cache is not None:
        add_cache(template, ir, stage, data.cache)
    add_buckets(template, ir, data.buckets)
    return template
