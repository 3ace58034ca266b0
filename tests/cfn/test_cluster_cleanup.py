"""The ASG cleanup function on its own: what it does on Delete and that it always answers.

The Auto Scaling and ECS clients are hand-written fakes (the function's own unit test); the
answer goes over real HTTP to a local server standing in for the presigned response URL.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar

import pytest

from compiler.cfn.functions import asg_cleanup as fn


class _ClientError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.response = {"Error": {"Code": code}}


class FakeAutoScaling:
    """A group that disappears `lag` describes after a force delete is accepted."""

    def __init__(self, busy: int = 0, lag: int = 1, error: str = "") -> None:
        self.busy, self.lag, self.error = busy, lag, error
        self.exists, self.deletes = True, []  # type: ignore[var-annotated]

    def describe_auto_scaling_groups(self, AutoScalingGroupNames: list[str]) -> dict[str, Any]:
        if self.deletes and self.lag == 0:
            self.exists = False
        self.lag -= bool(self.deletes)
        groups = [{"AutoScalingGroupName": n} for n in AutoScalingGroupNames if self.exists]
        return {"AutoScalingGroups": groups}

    def delete_auto_scaling_group(self, AutoScalingGroupName: str, ForceDelete: bool) -> None:
        if self.error:
            raise _ClientError(self.error)
        if self.busy:
            self.busy -= 1
            raise _ClientError("ScalingActivityInProgress")
        self.deletes.append((AutoScalingGroupName, ForceDelete))


class FakeEcs:
    def __init__(self) -> None:
        self.deregistered: list[tuple[str, str, bool]] = []

    def list_container_instances(self, cluster: str) -> dict[str, Any]:
        return {"containerInstanceArns": ["ci/1", "ci/2"]}

    def deregister_container_instance(
        self, cluster: str, containerInstance: str, force: bool
    ) -> None:
        self.deregistered.append((cluster, containerInstance, force))


class _Context:
    """Lambda's context; each look at the clock costs `tick` milliseconds."""

    def __init__(self, remaining_ms: int = 600_000, tick: int = 0) -> None:
        self.remaining_ms, self.tick = remaining_ms, tick

    def get_remaining_time_in_millis(self) -> int:
        self.remaining_ms -= self.tick
        return self.remaining_ms + self.tick


class _Capture(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, Any]]] = []

    def do_PUT(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Capture.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def response_url() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Capture)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/presigned?sig=x"
    server.shutdown()


def _run(url: str, request: str, asg: Any, ecs: Any, context: Any = None) -> dict[str, Any]:
    event = {
        "RequestType": request,
        "ResponseURL": url,
        "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/s/1",
        "RequestId": f"req-{request}",
        "LogicalResourceId": "AsgCleanup",
        "ResourceProperties": {"AutoScalingGroupName": "dev-asg", "Cluster": "dev-cluster"},
    }
    if request != "Create":
        event["PhysicalResourceId"] = "asg-cleanup"
    sleeps: list[float] = []
    _Capture.received.clear()
    fn.handler(event, context or _Context(), asg, ecs, sleep=sleeps.append)
    (answer,) = _Capture.received
    answer["_sleeps"] = sleeps
    return answer


def test_delete_force_deletes_the_group_waits_for_it_and_empties_the_cluster(
    response_url: str,
) -> None:
    asg, ecs = FakeAutoScaling(lag=2), FakeEcs()
    answer = _run(response_url, "Delete", asg, ecs)
    assert asg.deletes == [("dev-asg", True)]  # one request, forced past the protection
    assert not asg.exists
    assert ecs.deregistered == [("dev-cluster", "ci/1", True), ("dev-cluster", "ci/2", True)]
    assert answer["Status"] == "SUCCESS" and answer["PhysicalResourceId"] == "asg-cleanup"


def test_a_running_scaling_activity_is_waited_out(response_url: str) -> None:
    asg = FakeAutoScaling(busy=2, lag=0)
    answer = _run(response_url, "Delete", asg, FakeEcs())
    assert asg.deletes == [("dev-asg", True)] and not asg.exists
    assert len(answer["_sleeps"]) == 3  # two busy answers, then one wait for the group
    assert answer["Reason"] == "See the function's CloudWatch log"


@pytest.mark.parametrize("request_type", ["Create", "Update"])
def test_create_and_update_touch_nothing(response_url: str, request_type: str) -> None:
    asg, ecs = FakeAutoScaling(), FakeEcs()
    answer = _run(response_url, request_type, asg, ecs)
    assert asg.deletes == [] and ecs.deregistered == []
    assert answer["Status"] == "SUCCESS"
    assert answer["PhysicalResourceId"] == "asg-cleanup"  # stable: never a replacing delete


def test_an_error_still_answers_success_so_the_stack_is_never_held(response_url: str) -> None:
    answer = _run(response_url, "Delete", FakeAutoScaling(error="AccessDenied"), FakeEcs())
    assert answer["Status"] == "SUCCESS"
    assert "AccessDenied" in answer["Reason"]


def test_answers_before_the_function_runs_out_of_time(response_url: str) -> None:
    # The group never goes: stop waiting while there is time left to answer.
    asg = FakeAutoScaling(lag=10**6)
    context = _Context(remaining_ms=fn.MARGIN_MS + 25_000, tick=10_000)
    answer = _run(response_url, "Delete", asg, FakeEcs(), context)
    assert asg.deletes == [("dev-asg", True)] and asg.exists
    assert len(answer["_sleeps"]) == 3
    assert answer["Status"] == "SUCCESS"
