"""`tsc destroy --purge`: also remove what a stack delete keeps by design.

What a delete keeps (DeletionPolicy Retain, RetainExceptOnCreate, Snapshot) is of two
kinds. History a redeploy does without: the ECR repository and its images, log groups;
`--purge` removes them after a second confirmation. Data stores (tables, buckets, database
snapshots: what users cannot get back; the source bucket holds the uploaded code) are
removed only with `--purge-data` as well; a kind this module cannot remove is left, with
the command that removes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from compiler.deploy.aws import Aws
from compiler.deploy.errors import AwsError

DATA_TYPES = frozenset(
    {"AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::RDS::DBInstance", "AWS::RDS::DBCluster"}
)


def _repository(aws: Aws, name: str) -> None:
    aws.call("ecr", "delete_repository", repositoryName=name, force=True)


def _log_group(aws: Aws, name: str) -> None:
    aws.call("logs", "delete_log_group", logGroupName=name)


def _table(aws: Aws, name: str) -> None:
    aws.call("dynamodb", "delete_table", TableName=name)


def empty_bucket(aws: Aws, bucket: str) -> int:
    """Delete every object version and delete marker; the number removed."""
    removed = 0
    for page in aws.pages("s3", "list_object_versions", Bucket=bucket):
        doomed = [
            {"Key": v["Key"], "VersionId": v["VersionId"]}
            for key in ("Versions", "DeleteMarkers")
            for v in page.get(key) or []
        ]
        for start in range(0, len(doomed), 1000):  # DeleteObjects takes at most 1000 keys
            aws.call(
                "s3",
                "delete_objects",
                Bucket=bucket,
                Delete={"Objects": doomed[start : start + 1000], "Quiet": True},
            )
        removed += len(doomed)
    return removed


def _bucket(aws: Aws, name: str) -> None:
    empty_bucket(aws, name)
    aws.call("s3", "delete_bucket", Bucket=name)


# resource type -> how to remove the resource its physical ID names
REMOVERS: dict[str, Callable[[Aws, str], None]] = {
    "AWS::ECR::Repository": _repository,
    "AWS::Logs::LogGroup": _log_group,
    "AWS::DynamoDB::Table": _table,
    "AWS::S3::Bucket": _bucket,
}
_GONE = ("RepositoryNotFoundException", "ResourceNotFoundException", "NoSuchBucket")


@dataclass(frozen=True)
class Purged:
    resource_type: str
    physical_id: str
    removed: bool  # False: left in place (a data store without --purge-data, or no remover)


def purge(aws: Aws, kept: list[tuple[str, str]], data: bool) -> list[Purged]:
    """Remove each (type, physical ID) of `kept` that this purge covers."""
    done = []
    for resource_type, physical_id in kept:
        remover = REMOVERS.get(resource_type)
        if remover is None or (resource_type in DATA_TYPES and not data) or not physical_id:
            done.append(Purged(resource_type, physical_id, False))
            continue
        try:
            remover(aws, physical_id)
        except AwsError as exc:
            if exc.code not in _GONE:
                raise
        done.append(Purged(resource_type, physical_id, True))
    return done
