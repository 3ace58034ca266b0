"""Which changes of a change summary replace a data store (the rule behind the refusal)."""

from __future__ import annotations

import pytest

from compiler.deploy.changes import ChangeSummary, ResourceChange, StackChanges
from compiler.deploy.data_safety import refusal, store_replacements

TABLE, BUCKET, DB = "AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::RDS::DBInstance"
CACHE = "AWS::ElastiCache::ReplicationGroup"


def _summary(label: str, *changes: ResourceChange) -> ChangeSummary:
    return ChangeSummary("cs", "stack", "UPDATE", (StackChanges(label, changes),))


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (ResourceChange("Modify", "ItemsTable", TABLE, "True", ("KeySchema",)),
         "KeySchema changes, which replaces the table with a new, empty one"),
        (ResourceChange("Modify", "UploadsBucket", BUCKET, "Conditional", ("BucketName",)),
         "BucketName changes, which may replace the bucket with a new, empty one"),
        # CloudFormation calls an engine change an update; it is still a new, empty database
        (ResourceChange("Modify", "Database", DB, "False", ("Engine", "Port")),
         "Engine, Port changes, which replaces the database with a new, empty one"),
    ],
    ids=["table-key", "bucket-conditional", "engine"],
)  # fmt: skip
def test_replacing_changes_of_a_data_stack_are_found(change: ResourceChange, why: str) -> None:
    [found] = store_replacements(_summary("data-prod", change))
    assert (found.stack, found.change.logical_id, found.why()) == (
        "data-prod",
        change.logical_id,
        why,
    )
    assert refusal([found]).startswith(
        f"refusing to replace data stores (data-prod {change.logical_id})"
    )


@pytest.mark.parametrize(
    ("label", "change"),
    [
        # the pipeline's buckets are not data stores
        ("pipeline", ResourceChange("Modify", "ArtifactBucket", BUCKET, "True", ("BucketName",))),
        # an update in place, a new store, a removed (retained) store, a cache
        ("data-dev", ResourceChange("Modify", "Database", DB, "False", ("DBInstanceClass",))),
        ("data-dev", ResourceChange("Add", "EventsTable", TABLE, "", ())),
        ("data-dev", ResourceChange("Remove", "ItemsTable", TABLE, "", ())),
        ("data-dev", ResourceChange("Modify", "Cache", CACHE, "True", ("Port",))),
    ],
    ids=["pipeline-bucket", "resize", "added", "removed", "cache"],
)  # fmt: skip
def test_other_changes_are_not_store_replacements(label: str, change: ResourceChange) -> None:
    assert store_replacements(_summary(label, change)) == []
