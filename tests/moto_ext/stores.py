"""The data stores of data-<stage>.yaml as CloudFormation makes them, where moto falls short.

Each store is created through its service's API (so describe-* calls show what a user
would see in AWS), and deleted the way its DeletionPolicy says:
- AWS::DynamoDB::Table: moto's own model ignores PointInTimeRecoverySpecification and
  TimeToLiveSpecification and cannot update a table; here it is CreateTable +
  UpdateContinuousBackups + UpdateTimeToLive, updated in place, and a new key schema makes
  a new table (replacement), the old one kept under UpdateReplacePolicy Retain.
- AWS::RDS::DBSubnetGroup, DBParameterGroup, DBInstance: moto's models skip the parameter
  group's Parameters, ManageMasterUserPassword (and the MasterUserSecret.SecretArn
  attribute), read the port as 3306 for any engine and need the subnet group as an object.
- AWS::ElastiCache::SubnetGroup, ReplicationGroup: no CloudFormation model in moto; the
  PrimaryEndPoint.Address/Port attributes come from DescribeReplicationGroups. moto has
  no DeleteCacheSubnetGroup, so the group leaves its backend directly.
- AWS::S3::Bucket: moto's model ignores VersioningConfiguration and
  PublicAccessBlockConfiguration (applied here after it creates or updates a bucket);
  AWS::S3::BucketPolicy is applied with PutBucketPolicy (moto only recorded it), and
  moto's check of a bucket policy leaves out the statements with a Condition, which it
  ignored (the TLS-only Deny refused every object request, TLS or not).
- DeletionPolicy Snapshot on a DB instance deletes it with a final snapshot
  (`<instance>-final-<8 hex>`; CloudFormation's own name differs but is generated too,
  and `tsc destroy` finds it by instance), where moto kept the instance.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from tests.moto_ext.cfn_api import Ctx, Handler, Props, Result, call, client, deleting

ID_LIMITS = {"rds": 63, "elasticache": 40}  # identifier lengths the services accept


def _identifier(ctx: Ctx, service: str, given: Any = None) -> str:
    """The name the template sets, else a generated one the service accepts; lowercase, as
    RDS and ElastiCache store it, within the service's length."""
    if given:
        return str(given).lower()
    name = ctx.name.lower().replace("_", "-")
    return name[: ID_LIMITS[service]].rstrip("-")


# --- DynamoDB ------------------------------------------------------------------------------
def _table_extras(name: str, props: Props, region: str) -> None:
    api = client("dynamodb", region)
    pitr = props.get("PointInTimeRecoverySpecification") or {}
    api.update_continuous_backups(
        TableName=name,
        PointInTimeRecoverySpecification={
            "PointInTimeRecoveryEnabled": pitr.get("PointInTimeRecoveryEnabled") in (True, "true")
        },
    )
    ttl = props.get("TimeToLiveSpecification")
    if ttl:
        api.update_time_to_live(
            TableName=name,
            TimeToLiveSpecification={
                "AttributeName": ttl["AttributeName"],
                "Enabled": ttl.get("Enabled") in (True, "true"),
            },
        )


def _table_attributes(name: str, region: str) -> dict[str, Any]:
    table = client("dynamodb", region).describe_table(TableName=name)["Table"]
    return {"Arn": table["TableArn"], "StreamArn": table.get("LatestStreamArn", "")}


def _table(props: Props, ctx: Ctx) -> Result:
    sse = props.get("SSESpecification") or {}
    call(
        "dynamodb",
        ctx.region,
        "create_table",
        {k: v for k, v in props.items() if k not in ("SSESpecification",)},
        TableName=ctx.name,
        SSESpecification={"Enabled": sse.get("SSEEnabled") in (True, "true")},
    )
    _table_extras(ctx.name, props, ctx.region)
    return ctx.name, _table_attributes(ctx.name, ctx.region)


def _update_table(pid: str, props: Props, ctx: Ctx) -> Result:
    current = client("dynamodb", ctx.region).describe_table(TableName=pid)["Table"]
    if current["KeySchema"] != props["KeySchema"]:
        # a new key schema is a new table; UpdateReplacePolicy Retain keeps the old one
        return _table(props, ctx)
    _table_extras(pid, props, ctx.region)
    return pid, _table_attributes(pid, ctx.region)


# --- RDS ---------------------------------------------------------------------------------------
def _db_subnet_group(props: Props, ctx: Ctx) -> Result:
    name = _identifier(ctx, "rds")
    call("rds", ctx.region, "create_db_subnet_group", props, DBSubnetGroupName=name)
    return name, {}


def _db_parameter_group(props: Props, ctx: Ctx) -> Result:
    name = _identifier(ctx, "rds", props.get("DBParameterGroupName"))
    call(
        "rds",
        ctx.region,
        "create_db_parameter_group",
        props,
        DBParameterGroupName=name,
        DBParameterGroupFamily=props["Family"],
    )
    parameters = [
        {"ParameterName": k, "ParameterValue": str(v), "ApplyMethod": "pending-reboot"}
        for k, v in sorted((props.get("Parameters") or {}).items())
    ]
    if parameters:
        client("rds", ctx.region).modify_db_parameter_group(
            DBParameterGroupName=name, Parameters=parameters
        )
    return name, {"DBParameterGroupName": name}


def _db_attributes(instance: dict[str, Any]) -> dict[str, Any]:
    return {
        "Endpoint.Address": instance["Endpoint"]["Address"],
        "Endpoint.Port": str(instance["Endpoint"]["Port"]),
        "MasterUserSecret.SecretArn": (instance.get("MasterUserSecret") or {}).get("SecretArn"),
        "DBInstanceArn": instance["DBInstanceArn"],
        "DbiResourceId": instance.get("DbiResourceId", ""),
    }


def _db_instance(props: Props, ctx: Ctx) -> Result:
    name = _identifier(ctx, "rds", props.get("DBInstanceIdentifier"))
    made = call(
        "rds",
        ctx.region,
        "create_db_instance",
        props,
        DBInstanceIdentifier=name,
        VpcSecurityGroupIds=props.get("VPCSecurityGroups", []),
    )["DBInstance"]
    return name, _db_attributes(made)


def _update_db_instance(pid: str, props: Props, ctx: Ctx) -> Result:
    changeable = ("DBInstanceClass", "AllocatedStorage", "MultiAZ", "BackupRetentionPeriod",
                  "EngineVersion", "AllowMajorVersionUpgrade")  # fmt: skip
    made = call(
        "rds",
        ctx.region,
        "modify_db_instance",
        {k: v for k, v in props.items() if k in changeable},
        DBInstanceIdentifier=pid,
        ApplyImmediately=True,
    )["DBInstance"]
    return pid, _db_attributes(made)


def snapshot_and_delete_db_instance(pid: str, region: str) -> str:
    """DeletionPolicy Snapshot: delete the instance with a final snapshot; its name."""
    snapshot = f"{pid}-final-{uuid.uuid4().hex[:8]}"
    client("rds", region).delete_db_instance(
        DBInstanceIdentifier=pid, FinalDBSnapshotIdentifier=snapshot
    )
    return snapshot


def _delete_db_instance(pid: str, props: Props, ctx: Ctx) -> None:
    client("rds", ctx.region).delete_db_instance(DBInstanceIdentifier=pid, SkipFinalSnapshot=True)


# --- ElastiCache ---------------------------------------------------------------------------
def _cache_subnet_group(props: Props, ctx: Ctx) -> Result:
    name = _identifier(ctx, "elasticache")
    call(
        "elasticache",
        ctx.region,
        "create_cache_subnet_group",
        props,
        CacheSubnetGroupName=name,
        CacheSubnetGroupDescription=props["Description"],
    )
    return name, {}


def _delete_cache_subnet_group(pid: str, props: Props, ctx: Ctx) -> None:
    from moto.elasticache.models import elasticache_backends

    elasticache_backends[ctx.account][ctx.region].cache_subnet_groups.pop(pid, None)


def _replication_group(props: Props, ctx: Ctx) -> Result:
    name = _identifier(ctx, "elasticache", props.get("ReplicationGroupId"))
    call("elasticache", ctx.region, "create_replication_group", props, ReplicationGroupId=name)
    found = client("elasticache", ctx.region).describe_replication_groups(ReplicationGroupId=name)[
        "ReplicationGroups"
    ][0]
    primary = found["NodeGroups"][0]["PrimaryEndpoint"]
    return name, {
        "PrimaryEndPoint.Address": primary["Address"],
        "PrimaryEndPoint.Port": str(primary["Port"]),
    }


# --- S3 ----------------------------------------------------------------------------------------
def _bucket_policy(props: Props, ctx: Ctx) -> Result:
    bucket = props["Bucket"]
    client("s3", ctx.region).put_bucket_policy(
        Bucket=bucket, Policy=json.dumps(props["PolicyDocument"])
    )
    return bucket, {}


def _complete_bucket(bucket: str, props: Props, region: str) -> None:
    """What moto's bucket model leaves out: versioning and the public access block."""
    api = client("s3", region)
    versioning = props.get("VersioningConfiguration")
    if versioning:
        api.put_bucket_versioning(
            Bucket=bucket, VersioningConfiguration={"Status": versioning["Status"]}
        )
    block = props.get("PublicAccessBlockConfiguration")
    if block:
        api.put_public_access_block(
            Bucket=bucket,
            PublicAccessBlockConfiguration={k: v in (True, "true") for k, v in block.items()},
        )


def _patch_bucket_permission() -> None:
    """moto checks a bucket policy ignoring each statement's Condition, so the TLS-only Deny
    (aws:SecureTransport false) denied every object request; the statements it cannot
    evaluate are left out of its check (the policy itself stays as written)."""
    from moto.iam.access_control import IAMPolicy, PermissionResult
    from moto.s3.models import FakeBucket

    def get_permission(self: Any, action: str, resource: str) -> Any:
        if self.policy is None:
            return PermissionResult.NEUTRAL
        policy = json.loads(self.policy)
        statements = policy.get("Statement") or []
        statements = [s for s in ([statements] if isinstance(statements, dict) else statements)
                      if "Condition" not in s]  # fmt: skip
        if not statements:
            return PermissionResult.NEUTRAL
        return IAMPolicy(json.dumps({**policy, "Statement": statements})).is_action_permitted(
            action, resource
        )

    FakeBucket.get_permission = get_permission


def _patch_bucket_model() -> None:
    from moto.s3.models import FakeBucket

    create, update = (
        FakeBucket.create_from_cloudformation_json.__func__,  # type: ignore[attr-defined]
        FakeBucket.update_from_cloudformation_json.__func__,  # type: ignore[attr-defined]
    )

    def created(cls: Any, name: str, cfn: dict[str, Any], account: str, region: str,
                **kwargs: Any) -> Any:  # fmt: skip
        bucket = create(cls, name, cfn, account, region, **kwargs)
        _complete_bucket(bucket.name, cfn.get("Properties", {}), region)
        return bucket

    def updated(cls: Any, original: Any, name: str, cfn: dict[str, Any], account: str,
                region: str) -> Any:  # fmt: skip
        bucket = update(cls, original, name, cfn, account, region)
        _complete_bucket(bucket.name, cfn.get("Properties", {}), region)
        return bucket

    FakeBucket.create_from_cloudformation_json = classmethod(created)
    FakeBucket.update_from_cloudformation_json = classmethod(updated)


STORE_HANDLERS: dict[str, Handler] = {
    "AWS::DynamoDB::Table": Handler(
        create=_table,
        update=_update_table,
        delete=deleting("dynamodb", "delete_table", TableName="{pid}"),
    ),
    "AWS::RDS::DBSubnetGroup": Handler(
        create=_db_subnet_group,
        delete=deleting("rds", "delete_db_subnet_group", DBSubnetGroupName="{pid}"),
    ),
    "AWS::RDS::DBParameterGroup": Handler(
        create=_db_parameter_group,
        delete=deleting("rds", "delete_db_parameter_group", DBParameterGroupName="{pid}"),
    ),
    "AWS::RDS::DBInstance": Handler(
        create=_db_instance, update=_update_db_instance, delete=_delete_db_instance
    ),
    "AWS::ElastiCache::SubnetGroup": Handler(
        create=_cache_subnet_group, delete=_delete_cache_subnet_group
    ),
    "AWS::ElastiCache::ReplicationGroup": Handler(
        create=_replication_group,
        delete=deleting("elasticache", "delete_replication_group", ReplicationGroupId="{pid}"),
    ),
    "AWS::S3::BucketPolicy": Handler(
        create=_bucket_policy,
        update=lambda pid, props, ctx: _bucket_policy(props, ctx),
        delete=deleting("s3", "delete_bucket_policy", Bucket="{pid}"),
    ),
}
# DeletionPolicy Snapshot, by resource type: delete with a final snapshot
SNAPSHOT_DELETES = {"AWS::RDS::DBInstance": snapshot_and_delete_db_instance}


def install() -> None:
    """Patch moto's bucket model (the handlers are registered by resources.py)."""
    _patch_bucket_model()
    _patch_bucket_permission()
