"""DynamoDB tables of data-<stage>.yaml.

On-demand capacity, point-in-time recovery, encrypted with the AWS managed key, time to
live when asked; retained when the stack is deleted (not after a failed create) and when
a change replaces the table, so no update or delete loses its items.
"""

from __future__ import annotations

from troposphere import GetAtt, Output, Ref, Template, dynamodb

from compiler.cfn.common.tagging import tag_list
from compiler.cfn.data.outputs import table_id, table_output
from compiler.ir.model import StackIR, TableIR

STRING = "S"  # SPEC.md: key attributes are strings


def _keys(table: TableIR) -> tuple[list[dynamodb.AttributeDefinition], list[dynamodb.KeySchema]]:
    roles = [("HASH", table.partition_key)]
    if table.sort_key is not None:
        roles.append(("RANGE", table.sort_key))
    attributes = [
        dynamodb.AttributeDefinition(AttributeName=a, AttributeType=STRING) for _, a in roles
    ]
    schema = [dynamodb.KeySchema(AttributeName=a, KeyType=kind) for kind, a in roles]
    return attributes, schema


def _table(ir: StackIR, table: TableIR) -> dynamodb.Table:
    attributes, schema = _keys(table)
    ttl = (
        {
            "TimeToLiveSpecification": dynamodb.TimeToLiveSpecification(
                AttributeName=table.ttl_attribute, Enabled=True
            )
        }
        if table.ttl_attribute
        else {}
    )
    return dynamodb.Table(
        table_id(table.key),
        DeletionPolicy="RetainExceptOnCreate",
        UpdateReplacePolicy="Retain",
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=attributes,
        KeySchema=schema,
        PointInTimeRecoverySpecification=dynamodb.PointInTimeRecoverySpecification(
            PointInTimeRecoveryEnabled=True
        ),
        SSESpecification=dynamodb.SSESpecification(SSEEnabled=True),
        **ttl,
        **tag_list(ir),
    )


def add_tables(template: Template, ir: StackIR, tables: tuple[TableIR, ...]) -> None:
    """Each table and its outputs (name, ARN)."""
    for table in tables:
        resource = template.add_resource(_table(ir, table))
        outputs = {"Name": Ref(resource), "Arn": GetAtt(resource, "Arn")}
        for what, value in outputs.items():
            template.add_output(Output(table_output(table.key, what), Value=value))
