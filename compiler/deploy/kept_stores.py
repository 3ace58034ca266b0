"""How `tsc destroy` names each data store it leaves behind, and the command that removes it.

Tables and buckets are retained as they are; a database is deleted with a final snapshot,
whose generated name is looked up by the instance it was taken of (the newest manual
snapshot) once the delete has finished. A kept bucket is versioned, and `aws s3 rb
--force` removes only the current objects, so it is emptied first (the console's Empty
removes every version).
"""

from __future__ import annotations

from compiler.deploy.aws import Aws

_COMMANDS = {
    "AWS::DynamoDB::Table": "aws dynamodb delete-table --table-name {id} {flags}",
    "AWS::S3::Bucket": "empty it (S3 console: Empty removes every version), then "
    "aws s3 rb s3://{id} {flags}",
}


def final_snapshot(aws: Aws, instance: str) -> str | None:
    """The newest manual snapshot of a deleted DB instance: its final snapshot."""
    found = aws.call(
        "rds", "describe_db_snapshots", DBInstanceIdentifier=instance, SnapshotType="manual"
    ).get("DBSnapshots", [])
    if not found:
        return None
    newest = max(
        found, key=lambda s: (str(s.get("SnapshotCreateTime", "")), s["DBSnapshotIdentifier"])
    )
    name: str = newest["DBSnapshotIdentifier"]
    return name


def kept_store(aws: Aws, resource_type: str, physical_id: str) -> tuple[str, str] | None:
    """(what is kept, the command that removes it) for a data store; None for anything else."""
    flags = aws.flags()
    if resource_type == "AWS::RDS::DBInstance":
        snapshot = final_snapshot(aws, physical_id)
        if snapshot is None:
            look = f"aws rds describe-db-snapshots --db-instance-identifier {physical_id} {flags}"
            return f"database {physical_id}: its final snapshot", f"find it with {look}"
        remove = f"aws rds delete-db-snapshot --db-snapshot-identifier {snapshot} {flags}"
        return f"database {physical_id}: final snapshot {snapshot}", remove
    command = _COMMANDS.get(resource_type)
    if command is None:
        return None
    return f"{resource_type} {physical_id}", command.format(id=physical_id, flags=flags)
