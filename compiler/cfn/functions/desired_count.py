"""DesiredCount for a stage's ECS service, answered to CloudFormation as a custom resource.

The running service's desired count when the stage's cluster has one (an update never
resets an autoscaled service), else Desired when the image tag exists, else 0. Always
answers, on Delete and on errors too, so a stack never waits on it. Embedded as ZipFile.
"""

import json
import urllib.request
from typing import Any

ABSENT = ("ImageNotFoundException", "RepositoryNotFoundException")


def running_count(ecs: Any, cluster: str) -> int | None:
    """The desired count of the cluster's active service, or None when there is none."""
    arns = ecs.list_services(cluster=cluster, maxResults=10)["serviceArns"]
    if not arns:
        return None
    found = ecs.describe_services(cluster=cluster, services=arns)["services"]
    live = [int(s["desiredCount"]) for s in found if s["status"] == "ACTIVE"]
    return max(live) if live else None


def image_exists(ecr: Any, repository: str, tag: str) -> bool:
    try:
        ecr.describe_images(repositoryName=repository, imageIds=[{"imageTag": tag}])
    except Exception as e:
        if getattr(e, "response", {}).get("Error", {}).get("Code") in ABSENT:
            return False
        raise
    return True


def decide(props: dict[str, Any], ecs: Any, ecr: Any) -> dict[str, int]:
    """Data for CloudFormation: DesiredCount, and the autoscaling floor MinCapacity."""
    count = running_count(ecs, props["Cluster"])
    if count is None:
        found = image_exists(ecr, props["Repository"], props["Tag"])
        count = int(props["Desired"]) if found else 0
    # At 0 tasks a floor above 0 would start tasks that have no image to run.
    return {"DesiredCount": count, "MinCapacity": int(props["Min"]) if count else 0}


def send(event: dict[str, Any], status: str, data: dict[str, int], reason: str) -> None:
    body = {
        "Status": status,
        "Reason": reason[:500] or "See the function's CloudWatch log",
        "PhysicalResourceId": event.get("PhysicalResourceId")
        or "desired-count-" + event["ResourceProperties"].get("Tag", ""),
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
        "Data": data,
    }
    raw = json.dumps(body).encode()
    # The response URL is a presigned S3 PUT: an empty Content-Type is part of the signature.
    req = urllib.request.Request(
        event["ResponseURL"], data=raw, method="PUT", headers={"Content-Type": ""}
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        resp.read()


def clients() -> tuple[Any, Any]:
    import boto3
    from botocore.config import Config

    # Short timeouts: the answer must reach CloudFormation before the function times out.
    cfg = Config(connect_timeout=5, read_timeout=10, retries={"max_attempts": 3})
    return boto3.client("ecs", config=cfg), boto3.client("ecr", config=cfg)


def handler(event: dict[str, Any], context: Any, ecs: Any = None, ecr: Any = None) -> None:
    data: dict[str, int] = {}
    status, reason = "SUCCESS", ""
    try:
        if event["RequestType"] != "Delete":
            if ecs is None or ecr is None:
                ecs, ecr = clients()
            data = decide(event["ResourceProperties"], ecs, ecr)
    except Exception as e:
        status, reason = "FAILED", f"{type(e).__name__}: {e}"
    print(json.dumps({"status": status, "data": data, "reason": reason}))
    send(event, status, data, reason)
