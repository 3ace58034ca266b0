"""Empties an S3 bucket when CloudFormation deletes it, so the bucket's own delete succeeds.

S3 refuses to delete a bucket that holds any object version or delete marker, so a plain
`aws cloudformation delete-stack` of a stack with a used bucket ends in DELETE_FAILED. On
Delete this removes every version and delete marker of the bucket, a page at a time, while
time allows. Create and Update do nothing. Always answers SUCCESS: what it could not remove
shows as the bucket's own delete failure. Embedded as ZipFile.
"""

import json
import urllib.request
from typing import Any

MARGIN_MS = 20_000  # answer CloudFormation while this much run time is left
GONE = ("NoSuchBucket",)


def code(e: Exception) -> str:
    return str(getattr(e, "response", {}).get("Error", {}).get("Code", ""))


def empty(s3: Any, bucket: str, context: Any) -> int:
    """Delete every version and delete marker of `bucket`; the number removed."""
    removed = 0
    while context.get_remaining_time_in_millis() > MARGIN_MS:
        page = s3.list_object_versions(Bucket=bucket, MaxKeys=1000)
        found = page.get("Versions", []) + page.get("DeleteMarkers", [])
        if not found:
            break
        doomed = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in found]
        answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": doomed, "Quiet": True})
        # a refused key comes back in Errors, not as an exception: listing again would loop
        errors = answer.get("Errors") or []
        if errors:
            first = errors[0]
            raise RuntimeError(f"{len(errors)} not deleted: {first['Code']}: {first['Message']}")
        removed += len(doomed)
    return removed


def physical_id(event: dict[str, Any]) -> str:
    """One ID per bucket: when the bucket is replaced, CloudFormation deletes this resource
    for the old bucket too, which empties it before the old bucket goes."""
    if event["RequestType"] == "Delete":
        return str(event["PhysicalResourceId"])
    return "empty-" + str(event["ResourceProperties"]["BucketName"])


def send(event: dict[str, Any], reason: str) -> None:
    body = {
        "Status": "SUCCESS",
        "Reason": reason[:500] or "See the function's CloudWatch log",
        "PhysicalResourceId": physical_id(event),
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
        "Data": {},
    }
    # The response URL is a presigned S3 PUT: an empty Content-Type is part of the signature.
    req = urllib.request.Request(
        event["ResponseURL"], data=json.dumps(body).encode(), method="PUT",
        headers={"Content-Type": ""},
    )  # fmt: skip
    with urllib.request.urlopen(req, timeout=30) as resp:
        resp.read()


def client() -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client("s3", config=Config(connect_timeout=5, read_timeout=30))


def handler(event: dict[str, Any], context: Any, s3: Any = None) -> None:
    reason = ""
    removed = 0
    try:
        if event["RequestType"] == "Delete":
            bucket = event["ResourceProperties"]["BucketName"]
            removed = empty(s3 or client(), bucket, context)
    except Exception as e:
        if code(e) not in GONE:  # a bucket already gone is empty enough
            reason = f"emptying incomplete: {type(e).__name__}: {e}"
    print(json.dumps({"request": event["RequestType"], "removed": removed, "reason": reason}))
    send(event, reason)
