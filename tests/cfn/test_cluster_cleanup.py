"""The ASG cleanup function on its own: what it does on Delete and that it always answers.

Auto Scaling, EC2 and ECS are a moto server on 127.0.0.1 holding a real group of protected
instances registered in a real cluster; the answer goes over real HTTP to a local server
standing in for the presigned response URL.
"""

from __future__ import annotations

import json
import math
from contextlib import nullcontext
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from moto_endpoint import TEST_KEYS, CloudFormation, client, iam_enforced, record_calls
from moto_endpoint import aws_url as aws_url  # the fixtures, re-exported for pytest
from moto_endpoint import closed_port_url as closed_port_url
from moto_endpoint import cloudformation as cloudformation
from moto_endpoint import moto_url as moto_url

from compiler.cfn.functions import asg_cleanup as fn

ECS_AMI = "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id"


class _Context:
    """Lambda's context; each look at the clock costs `tick` milliseconds."""

    def __init__(self, remaining_ms: int = 600_000, tick: int = 0) -> None:
        self.remaining_ms, self.tick = remaining_ms, tick

    def get_remaining_time_in_millis(self) -> int:
        self.remaining_ms -= self.tick
        return self.remaining_ms + self.tick


@pytest.fixture()
def aws(aws_url: str) -> dict[str, Any]:
    """An EC2 stage: two hosts protected from scale-in, both registered in the cluster."""
    ec2, asg, ecs = (client(name, aws_url) for name in ("ec2", "autoscaling", "ecs"))
    image = client("ssm", aws_url).get_parameter(Name=ECS_AMI)["Parameter"]["Value"]
    ec2.create_launch_template(
        LaunchTemplateName="dev-hosts",
        LaunchTemplateData={"ImageId": image, "InstanceType": "t3.micro"},
    )
    asg.create_auto_scaling_group(
        AutoScalingGroupName="dev-asg", LaunchTemplate={"LaunchTemplateName": "dev-hosts"},
        MinSize=2, MaxSize=2, DesiredCapacity=2, AvailabilityZones=["us-east-1a"],
        NewInstancesProtectedFromScaleIn=True,
    )  # fmt: skip
    (group,) = asg.describe_auto_scaling_groups(AutoScalingGroupNames=["dev-asg"])[
        "AutoScalingGroups"
    ]
    ecs.create_cluster(clusterName="dev-cluster")
    for instance in group["Instances"]:
        document = json.dumps({"instanceId": instance["InstanceId"]})
        ecs.register_container_instance(cluster="dev-cluster", instanceIdentityDocument=document)
    return {"asg": asg, "ecs": ecs, "url": aws_url}


def _groups(aws: dict[str, Any]) -> list[dict[str, Any]]:
    found = aws["asg"].describe_auto_scaling_groups(AutoScalingGroupNames=["dev-asg"])
    return list(found["AutoScalingGroups"])


def _hosts(aws: dict[str, Any]) -> list[str]:
    return list(aws["ecs"].list_container_instances(cluster="dev-cluster")["containerInstanceArns"])


def _deletes(calls: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, bool]]:
    return [
        (params["AutoScalingGroupName"], params["ForceDelete"])
        for name, params in calls
        if name == "DeleteAutoScalingGroup"
    ]


def _scaling_activity_in_progress(autoscaling: Any, times: float) -> None:
    """moto has no scaling activities and drops a group at once: AWS's busy answer, `times`."""
    left = [times]

    def busy(**_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        if left[0] <= 0:
            return None  # on to moto
        left[0] -= 1
        error = {"Code": "ScalingActivityInProgress", "Message": "activity in progress"}
        return AWSResponse("http://autoscaling", 400, {}, None), {"Error": error}

    autoscaling.meta.events.register("before-call.auto-scaling.DeleteAutoScalingGroup", busy)


def _run(
    cfn: CloudFormation, request: str, asg: Any, ecs: Any, context: Any = None
) -> dict[str, Any]:
    event = {
        "RequestType": request,
        "ResponseURL": cfn.url,
        "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/s/1",
        "RequestId": f"req-{request}",
        "LogicalResourceId": "AsgCleanup",
        "ResourceProperties": {"AutoScalingGroupName": "dev-asg", "Cluster": "dev-cluster"},
    }
    if request != "Create":
        event["PhysicalResourceId"] = "asg-cleanup"
    sleeps: list[float] = []
    fn.handler(event, context or _Context(), asg, ecs, sleep=sleeps.append)
    answer = cfn.only_answer()
    answer["_sleeps"] = sleeps
    return answer


def test_delete_force_deletes_the_group_waits_for_it_and_empties_the_cluster(
    cloudformation: CloudFormation, aws: dict[str, Any]
) -> None:
    calls = record_calls(aws["asg"])
    answer = _run(cloudformation, "Delete", aws["asg"], aws["ecs"])
    assert _deletes(calls) == [("dev-asg", True)]  # one request, forced past the protection
    assert [name for name, _ in calls][-1] == "DescribeAutoScalingGroups"  # seen gone
    assert _groups(aws) == [] and _hosts(aws) == []
    assert answer["_sleeps"] == [10]
    assert answer["Status"] == "SUCCESS" and answer["PhysicalResourceId"] == "asg-cleanup"


def test_a_running_scaling_activity_is_waited_out(
    cloudformation: CloudFormation, aws: dict[str, Any]
) -> None:
    _scaling_activity_in_progress(aws["asg"], times=2)
    calls = record_calls(aws["asg"])
    answer = _run(cloudformation, "Delete", aws["asg"], aws["ecs"])
    assert _deletes(calls) == [("dev-asg", True)] * 3  # two busy answers, then accepted
    assert _groups(aws) == [] and _hosts(aws) == []
    assert len(answer["_sleeps"]) == 3  # two busy answers, then one wait for the group
    assert answer["Reason"] == "See the function's CloudWatch log"


@pytest.mark.parametrize("request_type", ["Create", "Update"])
def test_create_and_update_touch_nothing(
    cloudformation: CloudFormation, aws: dict[str, Any], request_type: str
) -> None:
    asg_calls, ecs_calls = record_calls(aws["asg"]), record_calls(aws["ecs"])
    answer = _run(cloudformation, request_type, aws["asg"], aws["ecs"])
    assert asg_calls == [] and ecs_calls == []
    assert len(_groups(aws)) == 1 and len(_hosts(aws)) == 2
    assert answer["Status"] == "SUCCESS"
    assert answer["PhysicalResourceId"] == "asg-cleanup"  # stable: never a replacing delete


FAILURES = {  # what goes wrong → what the answer's reason names
    "denied": "not authorized to perform: autoscaling:DeleteAutoScalingGroup",
    "unreachable": "Could not connect to the endpoint URL",
}


@pytest.mark.parametrize("failure", FAILURES)
def test_an_error_still_answers_success_so_the_stack_is_never_held(
    cloudformation: CloudFormation, aws: dict[str, Any], closed_port_url: str, failure: str
) -> None:
    asg_url = closed_port_url if failure == "unreachable" else aws["url"]
    allowed = ["autoscaling:DescribeAutoScalingGroups", "ecs:*"]
    keys = iam_enforced(aws["url"], allowed) if failure == "denied" else nullcontext(TEST_KEYS)
    with keys as key:
        asg, ecs = client("autoscaling", asg_url, key), client("ecs", aws["url"], key)
        answer = _run(cloudformation, "Delete", asg, ecs)
    assert answer["Status"] == "SUCCESS"
    assert answer["Reason"].startswith("cleanup incomplete: ")
    assert FAILURES[failure] in answer["Reason"]
    assert len(_groups(aws)) == 1  # left to CloudFormation's own delete


def test_answers_before_the_function_runs_out_of_time(
    cloudformation: CloudFormation, aws: dict[str, Any]
) -> None:
    # The group never goes: stop waiting while there is time left to answer.
    _scaling_activity_in_progress(aws["asg"], times=math.inf)
    calls = record_calls(aws["asg"])
    context = _Context(remaining_ms=fn.MARGIN_MS + 25_000, tick=10_000)
    answer = _run(cloudformation, "Delete", aws["asg"], aws["ecs"], context)
    assert len(_deletes(calls)) == 3 and len(_groups(aws)) == 1
    assert len(answer["_sleeps"]) == 3
    assert answer["Status"] == "SUCCESS"
