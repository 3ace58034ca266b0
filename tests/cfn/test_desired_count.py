"""The desired-count function on its own: its decision and its answer to CloudFormation.

ECS and ECR are a moto server on 127.0.0.1 holding a real cluster, services and images; the
answer goes over real HTTP to a local server standing in for the presigned response URL.
"""

from __future__ import annotations

import json
from contextlib import nullcontext
from typing import Any

import pytest
from moto_endpoint import TEST_KEYS, CloudFormation, client, iam_enforced, record_calls
from moto_endpoint import aws_url as aws_url  # the fixtures, re-exported for pytest
from moto_endpoint import closed_port_url as closed_port_url
from moto_endpoint import cloudformation as cloudformation
from moto_endpoint import moto_url as moto_url

from compiler.cfn.functions import desired_count as fn

# Enough of an image manifest for ECR to store the image and its tags.
MANIFEST = json.dumps({
    "schemaVersion": 2,
    "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
    "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 2,
               "digest": "sha256:" + "0" * 64},
    "layers": [],
})  # fmt: skip


@pytest.fixture()
def aws(aws_url: str) -> dict[str, Any]:
    """The stage as its stack leaves it before the first build: a cluster, an empty repository."""
    ecs, ecr = client("ecs", aws_url), client("ecr", aws_url)
    ecs.create_cluster(clusterName="dev-cluster")
    ecr.create_repository(repositoryName="repo")
    return {"ecs": ecs, "ecr": ecr, "url": aws_url}


def _push(aws: dict[str, Any], *tags: str) -> None:
    for tag in tags:
        aws["ecr"].put_image(repositoryName="repo", imageManifest=MANIFEST, imageTag=tag)


def _service(aws: dict[str, Any], name: str, count: int) -> None:
    ecs = aws["ecs"]
    ecs.register_task_definition(
        family="app", containerDefinitions=[{"name": "app", "image": "repo:dev", "memory": 128}]
    )
    ecs.create_service(
        cluster="dev-cluster", serviceName=name, taskDefinition="app", desiredCount=count
    )


def _event(cfn: CloudFormation, request: str = "Create", **props: str) -> dict[str, Any]:
    base = {
        "Cluster": "dev-cluster",
        "Repository": "repo",
        "Tag": "dev",
        "Desired": "2",
        "Min": "1",
    }
    event: dict[str, Any] = {
        "RequestType": request,
        "ResponseURL": cfn.url,
        "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/s/1",
        "RequestId": "req-1",
        "LogicalResourceId": "DesiredCount",
        "ResourceProperties": base | props,
    }
    if request != "Create":
        event["PhysicalResourceId"] = "desired-count-dev"
    return event


def _answer(cfn: CloudFormation, event: dict[str, Any], ecs: Any, ecr: Any) -> dict[str, Any]:
    fn.handler(event, None, ecs=ecs, ecr=ecr)
    return cfn.only_answer()


def _decide(cfn: CloudFormation, aws: dict[str, Any], **props: str) -> dict[str, Any]:
    return _answer(cfn, _event(cfn, **props), aws["ecs"], aws["ecr"])


def test_first_deploy_without_image_keeps_zero_tasks_and_no_floor(
    cloudformation: CloudFormation, aws: dict[str, Any]
) -> None:
    answer = _decide(cloudformation, aws)
    assert answer["Status"] == "SUCCESS"
    assert answer["Data"] == {"DesiredCount": 0, "MinCapacity": 0}
    assert answer["_content_type"] == ""
    assert answer["RequestId"] == "req-1" and answer["LogicalResourceId"] == "DesiredCount"


@pytest.mark.parametrize("repository", ["repo", "never-created"])
def test_empty_repository_counts_as_no_image(
    cloudformation: CloudFormation, aws: dict[str, Any], repository: str
) -> None:
    # ECR says ImageNotFoundException for the empty one, RepositoryNotFoundException else
    answer = _decide(cloudformation, aws, Repository=repository)
    assert answer["Status"] == "SUCCESS"
    assert answer["Data"] == {"DesiredCount": 0, "MinCapacity": 0}


def test_stage_image_present_starts_desired_tasks(
    cloudformation: CloudFormation, aws: dict[str, Any]
) -> None:
    _push(aws, "dev", "latest")
    assert _decide(cloudformation, aws)["Data"] == {"DesiredCount": 2, "MinCapacity": 1}


def test_other_stage_tag_does_not_count(
    cloudformation: CloudFormation, aws: dict[str, Any]
) -> None:
    _push(aws, "dev")
    assert _decide(cloudformation, aws, Tag="prod")["Data"]["DesiredCount"] == 0


def test_update_keeps_the_autoscaled_count(
    cloudformation: CloudFormation, aws: dict[str, Any]
) -> None:
    _push(aws, "dev")
    _service(aws, "web", 4)
    _service(aws, "old", 9)
    aws["ecs"].delete_service(cluster="dev-cluster", service="old", force=True)  # no longer ACTIVE
    ecs_calls, ecr_calls = record_calls(aws["ecs"]), record_calls(aws["ecr"])
    answer = _answer(cloudformation, _event(cloudformation, "Update"), aws["ecs"], aws["ecr"])
    assert answer["Data"] == {"DesiredCount": 4, "MinCapacity": 1}
    assert answer["PhysicalResourceId"] == "desired-count-dev"
    assert [(name, params["cluster"]) for name, params in ecs_calls] == [
        ("ListServices", "dev-cluster"),
        ("DescribeServices", "dev-cluster"),
    ]
    assert ecr_calls == []  # a running service wins: the image is not even looked up


def test_delete_answers_success_without_calling_aws(
    cloudformation: CloudFormation, aws_url: str
) -> None:
    ecs, ecr = client("ecs", aws_url), client("ecr", aws_url)
    ecs_calls, ecr_calls = record_calls(ecs), record_calls(ecr)
    answer = _answer(cloudformation, _event(cloudformation, "Delete"), ecs, ecr)
    assert answer["Status"] == "SUCCESS"
    assert answer["Data"] == {}
    assert ecs_calls == [] and ecr_calls == []


FAILURES = {  # what goes wrong with ECS → what the answer's reason names
    "denied": "not authorized to perform: ecs:ListServices",
    "no cluster": "ClusterNotFoundException",
    "unreachable": "Could not connect to the endpoint URL",
}


@pytest.mark.parametrize("failure", FAILURES)
def test_errors_answer_failed_with_the_reason(
    cloudformation: CloudFormation, aws: dict[str, Any], closed_port_url: str, failure: str
) -> None:
    event = _event(cloudformation, Cluster="gone" if failure == "no cluster" else "dev-cluster")
    ecs_url = closed_port_url if failure == "unreachable" else aws["url"]
    keys = iam_enforced(aws["url"], []) if failure == "denied" else nullcontext(TEST_KEYS)
    with keys as key:
        answer = _answer(cloudformation, event, client("ecs", ecs_url, key), aws["ecr"])
    assert answer["Status"] == "FAILED"
    assert FAILURES[failure] in answer["Reason"]
    assert answer["PhysicalResourceId"] == "desired-count-dev"
    assert answer["Data"] == {}


@pytest.mark.parametrize("failure", ["denied", "unreachable"])
def test_unexpected_ecr_error_is_not_mistaken_for_a_missing_image(
    cloudformation: CloudFormation, aws: dict[str, Any], closed_port_url: str, failure: str
) -> None:
    # The repository is empty: taking the error for "no image" would answer SUCCESS, 0 tasks.
    ecr_url = closed_port_url if failure == "unreachable" else aws["url"]
    allowed = ["ecs:ListServices", "ecs:DescribeServices"]
    keys = iam_enforced(aws["url"], allowed) if failure == "denied" else nullcontext(TEST_KEYS)
    with keys as key:
        ecs, ecr = client("ecs", aws["url"], key), client("ecr", ecr_url, key)
        answer = _answer(cloudformation, _event(cloudformation), ecs, ecr)
    assert answer["Status"] == "FAILED"
    expected = "ecr:DescribeImages" if failure == "denied" else f"{ecr_url}/"
    assert expected in answer["Reason"]
