"""How a stage's service reaches its stores (data-<stage>.yaml) in service-<stage>.yaml.

The service reads the stores through parameters named as the data stack's outputs
(compiler.cfn.data.outputs.data_outputs, wired by the stage stack). Here: the environment
variables and the DB_PASSWORD secret of SPEC.md "Data", exactly the IAM actions each
store needs on exactly its ARN, and the security group rules that let the stage's tasks,
and nothing else, reach the database and the cache.
"""

from __future__ import annotations

from typing import Any

from troposphere import Ref, Sub, Template, ec2, ecs

from compiler.cfn.common.roles import Statement, statement
from compiler.cfn.common.substitution import sub_join
from compiler.cfn.data.outputs import DataOut, bucket_output, table_output
from compiler.data.store_variables import CACHE_VARIABLE, DATABASE_PASSWORD
from compiler.ir.model import DataIR, StageIR

TASK_GROUP = "TaskSecurityGroup"
# Item reads and writes, and queries, on a table; the index ARNs take Query and Scan.
TABLE_ACTIONS = [
    "dynamodb:BatchGetItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DeleteItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:UpdateItem",
]
INDEX_ACTIONS = ["dynamodb:Query", "dynamodb:Scan"]
# Object reads and writes in a bucket, and listing its keys.
OBJECT_ACTIONS = ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
LIST_ACTIONS = ["s3:ListBucket"]
# ECS resolves `<secret ARN>:<json key>::` to one key of a JSON secret.
PASSWORD_KEY = "password"


def data_environment(data: DataIR) -> dict[str, Any]:
    """Variable name -> value for every store (SPEC.md "Data")."""
    env: dict[str, Any] = {t.variable: Ref(table_output(t.key, "Name")) for t in data.tables}
    env |= {b.variable: Ref(bucket_output(b.key, "Name")) for b in data.buckets}
    if data.database is not None:
        env |= {
            "DB_HOST": Ref(DataOut.DATABASE_HOST.value),
            "DB_PORT": Ref(DataOut.DATABASE_PORT.value),
            "DB_NAME": data.database.db_name,
            "DB_USER": data.database.master_username,
        }
    if data.cache is not None:
        env[CACHE_VARIABLE] = Sub(
            f"rediss://${{{DataOut.CACHE_HOST.value}}}:${{{DataOut.CACHE_PORT.value}}}"
        )
    return env


def data_secrets(data: DataIR) -> list[ecs.Secret]:
    """DB_PASSWORD from the `password` key of the RDS-managed secret, when there is a database."""
    if data.database is None:
        return []
    value = sub_join(Ref(DataOut.DATABASE_SECRET_ARN.value), f":{PASSWORD_KEY}::")
    return [ecs.Secret(Name=DATABASE_PASSWORD, ValueFrom=value)]


def data_execution_statements(data: DataIR) -> list[Statement]:
    """The execution role reads the database's managed secret, and no other."""
    if data.database is None:
        return []
    return [statement(["secretsmanager:GetSecretValue"], Ref(DataOut.DATABASE_SECRET_ARN.value))]


def data_task_statements(data: DataIR) -> list[Statement]:
    """The task role: item access on each table (and its indexes), object access on each bucket."""
    out = []
    for t in data.tables:
        arn = Ref(table_output(t.key, "Arn"))
        out.append(statement(TABLE_ACTIONS, arn))
        out.append(statement(INDEX_ACTIONS, sub_join(arn, "/index/*")))
    for b in data.buckets:
        arn = Ref(bucket_output(b.key, "Arn"))
        out.append(statement(OBJECT_ACTIONS, sub_join(arn, "/*")))
        out.append(statement(LIST_ACTIONS, arn))
    return out


def add_store_ingress(template: Template, stage: StageIR) -> list[str]:
    """The database's and the cache's one rule: their port from this stage's tasks. Returns
    the rules' logical IDs, which the service waits for (its tasks connect at start)."""
    data = stage.data
    rules: list[tuple[str, DataOut, int, str]] = []
    if data.database is not None:
        rules.append(
            ("DatabaseIngress", DataOut.DATABASE_SECURITY_GROUP_ID, data.database.port, "database")
        )
    if data.cache is not None:
        rules.append(("CacheIngress", DataOut.CACHE_SECURITY_GROUP_ID, data.cache.port, "cache"))
    for title, group, port, what in rules:
        template.add_resource(
            ec2.SecurityGroupIngress(
                title,
                GroupId=Ref(group.value),
                IpProtocol="tcp",
                FromPort=port,
                ToPort=port,
                SourceSecurityGroupId=Ref(TASK_GROUP),
                Description=f"{stage.names.prefix} tasks to the {what}",
            )
        )
    return [title for title, *_ in rules]
