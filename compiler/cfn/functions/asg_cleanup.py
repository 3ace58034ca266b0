"""Deletes an ECS cluster's Auto Scaling group first when CloudFormation deletes the stack.

Managed termination protection leaves the instances protected from scale-in once the
capacity provider is gone, and CloudFormation's own delete of the group then waits on them
for hours. On Delete this force-deletes the group (protection and lifecycle hooks ignored),
waits while time allows for it to go, and deregisters the cluster's container instances so
the cluster can go too. Create and Update do nothing. Always answers SUCCESS: a cleanup
must never be what holds a stack. Embedded as ZipFile.
"""

import json
import time
import urllib.request
from typing import Any

RETRY = ("ScalingActivityInProgress", "ResourceInUse")
MARGIN_MS = 30_000  # answer CloudFormation while this much run time is left


def code(e: Exception) -> str:
    return str(getattr(e, "response", {}).get("Error", {}).get("Code", ""))


def gone(autoscaling: Any, name: str) -> bool:
    found = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])
    return not found["AutoScalingGroups"]


def delete_group(autoscaling: Any, name: str, context: Any, sleep: Any) -> None:
    """Force-delete the group once (retried while a scaling activity runs), wait for it."""
    requested = False
    while context.get_remaining_time_in_millis() > MARGIN_MS:
        if gone(autoscaling, name):
            return
        if not requested:
            try:
                autoscaling.delete_auto_scaling_group(AutoScalingGroupName=name, ForceDelete=True)
                requested = True
            except Exception as e:
                if code(e) not in RETRY:
                    raise
        sleep(10)


def deregister(ecs: Any, cluster: str) -> None:
    """Deregister what is left in the cluster: terminated hosts that ECS still lists."""
    arns = ecs.list_container_instances(cluster=cluster)["containerInstanceArns"]
    for arn in arns:
        ecs.deregister_container_instance(cluster=cluster, containerInstance=arn, force=True)


def send(event: dict[str, Any], reason: str) -> None:
    body = {
        "Status": "SUCCESS",
        "Reason": reason[:500] or "See the function's CloudWatch log",
        "PhysicalResourceId": event.get("PhysicalResourceId") or "asg-cleanup",
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


def clients() -> tuple[Any, Any]:
    import boto3
    from botocore.config import Config

    cfg = Config(connect_timeout=5, read_timeout=20, retries={"max_attempts": 3})
    return boto3.client("autoscaling", config=cfg), boto3.client("ecs", config=cfg)


def handler(
    event: dict[str, Any], context: Any, autoscaling: Any = None, ecs: Any = None,
    sleep: Any = time.sleep,
) -> None:  # fmt: skip
    reason = ""
    try:
        if event["RequestType"] == "Delete":
            if autoscaling is None or ecs is None:
                autoscaling, ecs = clients()
            props = event["ResourceProperties"]
            delete_group(autoscaling, props["AutoScalingGroupName"], context, sleep)
            deregister(ecs, props["Cluster"])
    except Exception as e:
        # Left to CloudFormation's own delete of the group, as without this resource.
        reason = f"cleanup incomplete: {type(e).__name__}: {e}"
    print(json.dumps({"request": event["RequestType"], "reason": reason}))
    send(event, reason)
