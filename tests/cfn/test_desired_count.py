"""The desired-count function on its own: its decision and its answer to CloudFormation.

The ECS/ECR clients are hand-written fakes (the function's own unit test); the answer
goes over real HTTP to a local server standing in for the presigned response URL.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar

import pytest

from compiler.cfn.functions import desired_count as fn


class _NotFound(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.response = {"Error": {"Code": code}}


class FakeEcs:
    def __init__(self, services: list[dict[str, Any]], fail: bool = False) -> None:
        self.services, self.fail = services, fail
        self.calls: list[str] = []

    def list_services(self, cluster: str, maxResults: int) -> dict[str, Any]:
        self.calls.append(f"list {cluster}")
        if self.fail:
            raise RuntimeError("AccessDenied on ecs:ListServices")
        return {"serviceArns": [s["serviceArn"] for s in self.services]}

    def describe_services(self, cluster: str, services: list[str]) -> dict[str, Any]:
        return {"services": [s for s in self.services if s["serviceArn"] in services]}


class FakeEcr:
    def __init__(self, tags: set[str], error: str = "ImageNotFoundException") -> None:
        self.tags, self.error = tags, error

    def describe_images(self, repositoryName: str, imageIds: list[dict[str, str]]) -> None:
        if imageIds[0]["imageTag"] not in self.tags:
            raise _NotFound(self.error)


class _Capture(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, Any]]] = []

    def do_PUT(self) -> None:
        length = int(self.headers["Content-Length"])
        body = json.loads(self.rfile.read(length))
        body["_content_type"] = self.headers.get("Content-Type")
        _Capture.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def response_url() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Capture)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/presigned?sig=x"
    server.shutdown()


def _event(url: str, request: str = "Create", **props: str) -> dict[str, Any]:
    base = {
        "Cluster": "dev-cluster",
        "Repository": "repo",
        "Tag": "dev",
        "Desired": "2",
        "Min": "1",
    }
    event: dict[str, Any] = {
        "RequestType": request,
        "ResponseURL": url,
        "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/s/1",
        "RequestId": "req-1",
        "LogicalResourceId": "DesiredCount",
        "ResourceProperties": base | props,
    }
    if request != "Create":
        event["PhysicalResourceId"] = "desired-count-dev"
    return event


def _answer(url: str, event: dict[str, Any], ecs: Any, ecr: Any) -> dict[str, Any]:
    _Capture.received.clear()
    fn.handler(event, None, ecs=ecs, ecr=ecr)
    assert len(_Capture.received) == 1
    return _Capture.received[0]


def _service(count: int, status: str = "ACTIVE") -> dict[str, Any]:
    return {"serviceArn": f"arn:svc/{status}", "desiredCount": count, "status": status}


def test_first_deploy_without_image_keeps_zero_tasks_and_no_floor(response_url: str) -> None:
    answer = _answer(response_url, _event(response_url), FakeEcs([]), FakeEcr(set()))
    assert answer["Status"] == "SUCCESS"
    assert answer["Data"] == {"DesiredCount": 0, "MinCapacity": 0}
    assert answer["_content_type"] == ""
    assert answer["RequestId"] == "req-1" and answer["LogicalResourceId"] == "DesiredCount"


def test_empty_repository_counts_as_no_image(response_url: str) -> None:
    ecr = FakeEcr(set(), error="RepositoryNotFoundException")
    answer = _answer(response_url, _event(response_url), FakeEcs([]), ecr)
    assert answer["Data"]["DesiredCount"] == 0


def test_stage_image_present_starts_desired_tasks(response_url: str) -> None:
    answer = _answer(response_url, _event(response_url), FakeEcs([]), FakeEcr({"dev", "latest"}))
    assert answer["Data"] == {"DesiredCount": 2, "MinCapacity": 1}


def test_other_stage_tag_does_not_count(response_url: str) -> None:
    answer = _answer(response_url, _event(response_url, Tag="prod"), FakeEcs([]), FakeEcr({"dev"}))
    assert answer["Data"]["DesiredCount"] == 0


def test_update_keeps_the_autoscaled_count(response_url: str) -> None:
    ecs = FakeEcs([_service(4), _service(9, status="DRAINING")])
    answer = _answer(response_url, _event(response_url, "Update"), ecs, FakeEcr(set()))
    assert answer["Data"] == {"DesiredCount": 4, "MinCapacity": 1}
    assert answer["PhysicalResourceId"] == "desired-count-dev"
    assert ecs.calls == ["list dev-cluster"]


def test_delete_answers_success_without_calling_aws(response_url: str) -> None:
    ecs = FakeEcs([], fail=True)
    answer = _answer(response_url, _event(response_url, "Delete"), ecs, FakeEcr(set()))
    assert answer["Status"] == "SUCCESS"
    assert ecs.calls == []


def test_errors_answer_failed_with_the_reason(response_url: str) -> None:
    answer = _answer(response_url, _event(response_url), FakeEcs([], fail=True), FakeEcr(set()))
    assert answer["Status"] == "FAILED"
    assert "AccessDenied on ecs:ListServices" in answer["Reason"]
    assert answer["PhysicalResourceId"] == "desired-count-dev"


def test_unexpected_ecr_error_is_not_mistaken_for_a_missing_image(response_url: str) -> None:
    ecr = FakeEcr(set(), error="AccessDeniedException")
    answer = _answer(response_url, _event(response_url), FakeEcs([]), ecr)
    assert answer["Status"] == "FAILED"
    assert "AccessDeniedException" in answer["Reason"]
