"""Data stores deployed to moto server on 127.0.0.1 and read back through each service's API.

A spec with every store goes up with `tsc deploy`; the tables, bucket, database and cache
are checked as a user would check them in AWS (describe-* calls), and so is what the task
definition and roles hold. Then: deleting the stack with boto3 alone keeps the data, a
new partition key or engine is named by `tsc diff` and refused by `tsc deploy`, `tsc
destroy` lists what it kept, and a stage removed from the spec keeps its stores.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from compiler.compile import compile_spec

STACK_TYPE = "AWS::CloudFormation::Stack"
ALL_STORES = """\
version: 1
name: shop
compute: {type: fargate}
app:
  environment: {LOG_LEVEL: info}
data:
  tables:
    items: {}
    sessions: {partition_key: token, ttl_attribute: expires}
  database: {engine: postgres}
  cache: {}
  buckets:
    uploads: {}
"""
TABLE_AND_BUCKET = """\
version: 1
name: shop
compute: {type: fargate}
data:
  tables:
    items: {partition_key: id}
  buckets:
    uploads: {}
stages:
  - name: dev
  - name: prod
"""


def compile_text(text: str, out_root: Path) -> Path:
    out_root.mkdir(parents=True, exist_ok=True)
    spec = out_root / "tinystack.yaml"
    spec.write_text(text)
    result = compile_spec(spec, out_root)
    assert result.out_dir is not None, result.diagnostics
    return result.out_dir


def deploy_first(tsc: Any, text: str, out_root: Path) -> None:
    """Compile `text` and deploy it as a new stack; the deploy must succeed."""
    result = tsc("deploy", str(compile_text(text, out_root)), "--yes", "--create-bucket")
    assert result.exit_code == 0, result.stderr


def stack_resources(cfn: Any, stack_id: str, path: str = "root") -> dict[str, dict[str, str]]:
    """`<stack logical path>/<logical id>` -> resource summary, nested stacks included."""
    found: dict[str, dict[str, str]] = {}
    for page in cfn.get_paginator("list_stack_resources").paginate(StackName=stack_id):
        for r in page["StackResourceSummaries"]:
            found[f"{path}/{r['LogicalResourceId']}"] = r
            if r["ResourceType"] == STACK_TYPE:
                found |= stack_resources(cfn, r["PhysicalResourceId"], r["LogicalResourceId"])
    return found


def physical(found: dict[str, dict[str, str]], stack: str, logical_id: str) -> str:
    return found[f"{stack}/{logical_id}"]["PhysicalResourceId"]


def stack_outputs(cfn: Any, stack_id: str) -> dict[str, str]:
    stack = cfn.describe_stacks(StackName=stack_id)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def test_every_store_is_deployed_as_specified_and_wired_into_the_service(aws, tsc, tmp_path):
    folder = compile_text(ALL_STORES, tmp_path / "v1")
    deployed = tsc("deploy", str(folder), "--yes", "--create-bucket")
    assert deployed.exit_code == 0, deployed.stderr
    cfn = boto3.client("cloudformation")
    found = stack_resources(cfn, "shop")
    network = stack_outputs(cfn, physical(found, "root", "Network"))
    private_subnets = set(network["PrivateSubnetIds"].split(","))

    # tables: on demand, point-in-time recovery, encrypted, TTL as asked
    dynamodb = boto3.client("dynamodb")
    items, sessions = (physical(found, "DataStack", t) for t in ("ItemsTable", "SessionsTable"))
    table = dynamodb.describe_table(TableName=items)["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert table["SSEDescription"]["Status"] == "ENABLED"
    backups = dynamodb.describe_continuous_backups(TableName=items)["ContinuousBackupsDescription"]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
    ttl = dynamodb.describe_time_to_live(TableName=sessions)["TimeToLiveDescription"]
    assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", "expires")

    # the bucket: versioned, encrypted, no public access, TLS only
    s3 = boto3.client("s3")
    bucket = physical(found, "DataStack", "UploadsBucket")
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert all(s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"].values())
    [deny] = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}

    # the database: private subnets, encrypted, TLS required, password managed by RDS
    rds = boto3.client("rds")
    [db] = rds.describe_db_instances(DBInstanceIdentifier=physical(found, "DataStack", "Database"))[
        "DBInstances"
    ]
    assert (db["Engine"], db["StorageEncrypted"], db["PubliclyAccessible"]) == (
        "postgres",
        True,
        False,
    )
    assert (db["MultiAZ"], db["BackupRetentionPeriod"], db["DBName"]) == (False, 7, "app")
    assert {s["SubnetIdentifier"] for s in db["DBSubnetGroup"]["Subnets"]} == private_subnets
    db_group = physical(found, "DataStack", "DatabaseSecurityGroup")
    assert [g["VpcSecurityGroupId"] for g in db["VpcSecurityGroups"]] == [db_group]
    parameter_group = db["DBParameterGroups"][0]["DBParameterGroupName"]
    params = rds.describe_db_parameters(DBParameterGroupName=parameter_group, Source="user")
    assert {(p["ParameterName"], p["ParameterValue"]) for p in params["Parameters"]} == {
        ("rds.force_ssl", "1")
    }
    secret_arn = db["MasterUserSecret"]["SecretArn"]
    secret = json.loads(boto3.client("secretsmanager").get_secret_value(SecretId=secret_arn)[
        "SecretString"])  # fmt: skip
    assert "password" in secret

    # only the stage's tasks reach the database and the cache
    ec2 = boto3.client("ec2")
    task_group = physical(found, "ServiceStack", "TaskSecurityGroup")
    cache_group = physical(found, "DataStack", "CacheSecurityGroup")
    for group, port in ((db_group, 5432), (cache_group, 6379)):
        [described] = ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"]
        assert [
            (
                p["FromPort"],
                p["ToPort"],
                [g["GroupId"] for g in p["UserIdGroupPairs"]],
                p["IpRanges"],
            )
            for p in described["IpPermissions"]
        ] == [(port, port, [task_group], [])]

    # the cache: Valkey with TLS
    [cache] = boto3.client("elasticache").describe_replication_groups(
        ReplicationGroupId=physical(found, "DataStack", "Cache")
    )["ReplicationGroups"]
    assert cache["Engine"] == "valkey"
    assert cache["TransitEncryptionEnabled"] is True and cache["AtRestEncryptionEnabled"] is True
    primary = cache["NodeGroups"][0]["PrimaryEndpoint"]

    # the task definition: the variables and the secret reference
    ecs = boto3.client("ecs")
    definition = ecs.describe_task_definition(
        taskDefinition=physical(found, "ServiceStack", "TaskDefinition")
    )["taskDefinition"]
    [container] = definition["containerDefinitions"]
    env = {e["name"]: e["value"] for e in container["environment"]}
    assert env == {
        "DB_HOST": db["Endpoint"]["Address"],
        "DB_NAME": "app",
        "DB_PORT": "5432",
        "DB_USER": "app",
        "ITEMS_TABLE": items,
        "LOG_LEVEL": "info",
        "REDIS_URL": f"rediss://{primary['Address']}:{primary['Port']}",
        "SESSIONS_TABLE": sessions,
        "UPLOADS_BUCKET": bucket,
    }
    assert container["secrets"] == [
        {"name": "DB_PASSWORD", "valueFrom": f"{secret_arn}:password::"}
    ]

    # the roles: the execution role reads that one secret; the task role its stores only
    iam = boto3.client("iam")

    def statements(role_logical_id: str) -> list[dict[str, Any]]:
        role = physical(found, "ServiceStack", role_logical_id)
        policy = iam.get_role_policy(RoleName=role, PolicyName="task")["PolicyDocument"]
        return list(policy["Statement"])

    reads = [
        s for s in statements("ExecutionRole") if "secretsmanager:GetSecretValue" in s["Action"]
    ]
    assert [s["Resource"] for s in reads] == [secret_arn]
    arns = [s["Resource"] for s in statements("TaskRole") if s["Resource"] != "*"]
    items_arn, sessions_arn = (dynamodb.describe_table(TableName=t)["Table"]["TableArn"]
                               for t in (items, sessions))  # fmt: skip
    assert arns == [
        items_arn, f"{items_arn}/index/*", sessions_arn, f"{sessions_arn}/index/*",
        f"arn:aws:s3:::{bucket}/*", f"arn:aws:s3:::{bucket}",
    ]  # fmt: skip

    # deleting the stack with boto3 alone (no tsc) keeps every store's data
    table_arns = {items_arn, sessions_arn}
    dynamodb.put_item(TableName=items, Item={"id": {"S": "kept"}})
    s3.put_object(Bucket=bucket, Key="kept.txt", Body=b"kept")
    cfn.delete_stack(StackName="shop")
    cfn.get_waiter("stack_delete_complete").wait(
        StackName="shop", WaiterConfig={"Delay": 1, "MaxAttempts": 60}
    )
    assert {
        dynamodb.describe_table(TableName=t)["Table"]["TableArn"] for t in (items, sessions)
    } == (table_arns)
    assert dynamodb.get_item(TableName=items, Key={"id": {"S": "kept"}})["Item"]
    assert s3.get_object(Bucket=bucket, Key="kept.txt")["Body"].read() == b"kept"
    assert rds.describe_db_instances()["DBInstances"] == []  # deleted, with a final snapshot:
    [snapshot] = rds.describe_db_snapshots(DBInstanceIdentifier=db["DBInstanceIdentifier"])[
        "DBSnapshots"
    ]
    assert snapshot["SnapshotType"] == "manual"


def test_tsc_destroy_lists_the_kept_stores_and_how_to_remove_each(aws, tsc, tmp_path):
    text = ALL_STORES.replace("  cache: {}\n", "")
    deploy_first(tsc, text, tmp_path)
    found = stack_resources(boto3.client("cloudformation"), "shop")
    items, bucket, database = (
        physical(found, "DataStack", x) for x in ("ItemsTable", "UploadsBucket", "Database")
    )

    destroyed = tsc("destroy", "shop", "--yes")
    assert destroyed.exit_code == 0, destroyed.stderr
    [snapshot] = boto3.client("rds").describe_db_snapshots(DBInstanceIdentifier=database)[
        "DBSnapshots"
    ]
    name = snapshot["DBSnapshotIdentifier"]
    out = destroyed.stdout
    assert (
        f"AWS::DynamoDB::Table {items}  remove: aws dynamodb delete-table --table-name {items} "
        "--region us-east-1"
    ) in out
    assert f"AWS::S3::Bucket {bucket}  remove: empty it" in out
    assert (
        f"database {database}: final snapshot {name}  remove: aws rds delete-db-snapshot "
        f"--db-snapshot-identifier {name} --region us-east-1"
    ) in out
    assert boto3.client("dynamodb").describe_table(TableName=items)["Table"]["TableName"] == items


@pytest.mark.parametrize(
    ("first", "second", "logical_id", "why"),
    [
        (TABLE_AND_BUCKET, TABLE_AND_BUCKET.replace("partition_key: id", "partition_key: pk"),
         "ItemsTable", "KeySchema changes, which replaces the table with a new, empty one"),
        (TABLE_AND_BUCKET.replace("stages:", "  database: {engine: postgres}\nstages:"),
         TABLE_AND_BUCKET.replace("stages:", "  database: {engine: mysql}\nstages:"),
         "Database", "changes, which replaces the database with a new, empty one"),
    ],
    ids=["partition-key", "engine"],
)  # fmt: skip
def test_a_change_that_replaces_a_store_is_named_by_diff_and_refused_by_deploy(
    aws, tsc, tmp_path, first, second, logical_id, why
):
    deploy_first(tsc, first, tmp_path / "v1")
    cfn = boto3.client("cloudformation")
    before = stack_resources(cfn, "shop")
    v2 = compile_text(second, tmp_path / "v2")

    shown = tsc("diff", str(v2))
    assert shown.exit_code == 0, shown.stderr
    assert "Data stores this change would replace:" in shown.stdout
    for stage in ("dev", "prod"):
        line = next(
            x
            for x in shown.stdout.splitlines()
            if x.strip().startswith(f"data-{stage} {logical_id} ")
        )
        assert why in line
    assert "refuses this without --allow-data-replacement" in shown.stdout
    replaced = json.loads(tsc("diff", str(v2), "--json").stdout)["data_replacements"]
    assert {(r["stack"], r["logical_id"]) for r in replaced} == {
        ("data-dev", logical_id), ("data-prod", logical_id),
    }  # fmt: skip

    refused = tsc("deploy", str(v2), "--yes")
    assert refused.exit_code == 1
    assert "error: refusing to replace data stores (data-dev " in refused.stderr
    assert "--allow-data-replacement" in refused.stderr
    assert stack_resources(cfn, "shop") == before  # nothing changed, no change set left
    root = cfn.describe_stacks(StackName="shop")["Stacks"][0]["StackId"]
    pending = [s for s in cfn.list_change_sets(StackName="shop")["Summaries"]
               if s["StackId"] == root and s["ExecutionStatus"] == "AVAILABLE"]  # fmt: skip
    assert pending == []
    assert cfn.describe_stacks(StackName="shop")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"


def test_allowing_the_replacement_deploys_it_and_keeps_the_old_table(aws, tsc, tmp_path):
    deploy_first(tsc, TABLE_AND_BUCKET, tmp_path / "v1")
    cfn = boto3.client("cloudformation")
    old = physical(stack_resources(cfn, "shop"), "DataStack", "ItemsTable")
    v2 = compile_text(
        TABLE_AND_BUCKET.replace("partition_key: id", "partition_key: pk"), tmp_path / "v2"
    )
    allowed = tsc("deploy", str(v2), "--yes", "--allow-data-replacement")
    assert allowed.exit_code == 0, allowed.stderr
    new = physical(stack_resources(cfn, "shop"), "DataStack", "ItemsTable")
    dynamodb = boto3.client("dynamodb")
    assert new != old
    assert dynamodb.describe_table(TableName=new)["Table"]["KeySchema"][0]["AttributeName"] == "pk"
    assert dynamodb.describe_table(TableName=old)["Table"]["KeySchema"][0]["AttributeName"] == "id"


def test_a_stage_removed_from_the_spec_keeps_its_stores(aws, tsc, tmp_path):
    deploy_first(tsc, TABLE_AND_BUCKET, tmp_path / "v1")
    cfn = boto3.client("cloudformation")
    found = stack_resources(cfn, "shop")
    prod_stage = physical(found, "root", "StageProd")
    prod = {
        key.split("/")[1]: value["PhysicalResourceId"]
        for key, value in stack_resources(cfn, prod_stage, "prod").items()
        if key.startswith("DataStack/")
    }
    boto3.client("dynamodb").put_item(TableName=prod["ItemsTable"], Item={"id": {"S": "prod-item"}})

    one_stage = TABLE_AND_BUCKET.replace("  - name: prod\n", "")
    updated = tsc("deploy", str(compile_text(one_stage, tmp_path / "v2")), "--yes")
    assert updated.exit_code == 0, updated.stderr
    assert "root/StageProd" not in stack_resources(cfn, "shop")
    item = boto3.client("dynamodb").get_item(
        TableName=prod["ItemsTable"], Key={"id": {"S": "prod-item"}}
    )
    assert item["Item"]["id"] == {"S": "prod-item"}
    boto3.client("s3").head_bucket(Bucket=prod["UploadsBucket"])
