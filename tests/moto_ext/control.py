"""The extension's own HTTP surface and state, in front of moto's WSGI application.

`/moto-ext/cfn-response/<id>` receives custom-resource responses (the handler PUTs its
JSON there, as it would to CloudFormation's pre-signed S3 URL). `/moto-ext/fail` arms a
resource failure for fault tests, and `/moto-ext/pace` makes each resource take a while
(and change sets execute in the background, as in AWS), in the spirit of moto's own
`/moto-api/` endpoints.
`/moto-ext/ecs-rollouts` arms how the next ECS deployments end (ecs_deployments.py).
`/moto-ext/hold {"action": "PutImage", "skip": 0}` holds the answer to the next request
of that action (JSON protocols, by X-Amz-Target; after `skip` others of it) once the
server has carried it out, until
`/moto-ext/release`; `GET /moto-ext/held` says whether one is held: a test kills its
client at that step, deterministically. `/moto-ext/hold-resource {"logical_id": ...}`
keeps that stack resource waiting before it is created, until
`/moto-ext/release-resource`: a test acts while a deploy is surely under way, whatever
the machine's load.
`/moto-api/reset` also clears this state. GetConnection (CodeConnections, which moto
lacks) answers for the connections stacks created here, all PENDING as in AWS.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from typing import Any

_LOCK = threading.Lock()
_RESPONSES: dict[str, dict[str, Any]] = {}
# logical ID -> reason: the resource fails every time it is created or updated
_FAILURES: dict[str, str] = {}
_SERVER: dict[str, str] = {"url": "http://127.0.0.1:5000"}
# seconds each resource takes; above 0, change sets execute in the background (changesets.py)
_PACE: dict[str, float] = {"seconds": 0.0}
# connection ARN -> status, for the connections API moto lacks (see `_connections`)
_CONNECTIONS: dict[str, str] = {}
# the action whose next answer is held, and the two moments of the hold
_HOLD: dict[str, Any] = {
    "action": None,
    "skip": 0,
    "held": threading.Event(),
    "release": threading.Event(),
}
# logical ID -> the gate its creation waits at (set: released)
_HELD_RESOURCES: dict[str, threading.Event] = {}
# a test that never releases cannot wedge the server; generous, as a loaded machine is slow
_HOLD_LIMIT_SECONDS = 600
_CONNECTION_TARGETS = ("CodeStar_connections_20191201.", "CodeConnections_20231201.")  # in
# the X-Amz-Target header, e.g. com.amazonaws.codestar.connections.CodeStar_connections_...

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def server_url() -> str:
    """Base URL of this server, as the custom-resource handler must call it back."""
    return _SERVER["url"]


def set_server_url(url: str) -> None:
    _SERVER["url"] = url


def take_response(request_id: str) -> dict[str, Any] | None:
    """The response a custom-resource handler sent for `request_id`, if any."""
    with _LOCK:
        return _RESPONSES.pop(request_id, None)


def pace() -> float:
    """Seconds each resource takes (0: moto's instant, synchronous way)."""
    return _PACE["seconds"]


def wait_if_held(logical_id: str) -> None:
    """Block while a test holds this stack resource (see `/moto-ext/hold-resource`)."""
    with _LOCK:
        gate = _HELD_RESOURCES.get(logical_id)
    if gate is not None:
        gate.wait(_HOLD_LIMIT_SECONDS)


def _release_resources(logical_ids: list[str] | None = None) -> None:
    with _LOCK:
        for logical_id in list(_HELD_RESOURCES) if logical_ids is None else logical_ids:
            gate = _HELD_RESOURCES.pop(logical_id, None)
            if gate is not None:
                gate.set()


def failure_for(logical_id: str) -> str | None:
    """The armed failure reason for a logical ID, or None."""
    with _LOCK:
        return _FAILURES.get(logical_id)


def record_connection(arn: str, status: str) -> None:
    """Remember a connection a stack created, so GetConnection can answer for it."""
    with _LOCK:
        _CONNECTIONS[arn] = status


def reset() -> None:
    from tests.moto_ext import ecs_deployments, pipelines

    with _LOCK:
        _RESPONSES.clear()
        _FAILURES.clear()
        _CONNECTIONS.clear()
        _PACE["seconds"] = 0.0
    _release_hold()
    _release_resources()  # a held resource of the last test goes on, into the emptied server
    ecs_deployments.reset()
    pipelines.reset()


def _release_hold() -> None:
    _HOLD["action"] = None
    _HOLD["release"].set()


def _hold_if_armed(target: str) -> None:
    """Keep this request's answer back when it is the action armed for a hold."""
    with _LOCK:
        action = _HOLD["action"]
        if action is None or not target.endswith("." + action):
            return
        if _HOLD["skip"] > 0:
            _HOLD["skip"] -= 1
            return
        _HOLD["action"] = None
    _HOLD["held"].set()
    _HOLD["release"].wait(_HOLD_LIMIT_SECONDS)


def _control(path: str, doc: dict[str, Any]) -> Any:
    """The hold, rollout and pipeline endpoints' answers (None for any other path)."""
    from tests.moto_ext import ecs_deployments, pipelines

    if path == "/moto-ext/pipeline-action":
        # finish a pipeline's running action as its build would: {pipeline, action, status,
        # variables, region}
        try:
            execution = pipelines.finish_action(
                str(doc.get("account", "123456789012")), str(doc.get("region", "us-east-1")),
                str(doc["pipeline"]), str(doc["action"]), str(doc.get("status", "Succeeded")),
                {str(k): str(v) for k, v in (doc.get("variables") or {}).items()},
            )  # fmt: skip
        except pipelines.PipelineError as exc:
            return {"error": str(exc)}
        return {"execution": execution}
    if path == "/moto-ext/ecs-rollouts":
        ecs_deployments.arm(list(doc.get("outcomes", [])), float(doc.get("seconds", 0.0)))
        return {"armed": doc}
    if path == "/moto-ext/hold":
        with _LOCK:
            _HOLD["held"].clear()
            _HOLD["release"].clear()
            _HOLD["action"] = str(doc["action"])
            _HOLD["skip"] = int(doc.get("skip", 0))
        return {"hold": doc["action"]}
    if path == "/moto-ext/held":
        return {"held": _HOLD["held"].is_set()}
    if path == "/moto-ext/release":
        _release_hold()
        return {"released": True}
    if path == "/moto-ext/hold-resource":
        with _LOCK:
            _HELD_RESOURCES.setdefault(str(doc["logical_id"]), threading.Event())
        return {"held": doc["logical_id"]}
    if path == "/moto-ext/release-resource":
        _release_resources([str(doc["logical_id"])])
        return {"released": doc["logical_id"]}
    return None


def _connections(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """GetConnection of the CodeConnections API, for connections stacks created here."""
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    doc = json.loads(_read_body(environ) or b"{}")
    arn = str(doc.get("ConnectionArn", ""))
    with _LOCK:
        status = _CONNECTIONS.get(arn)
    if not target.endswith(".GetConnection") or status is None:
        start_response("400 Bad Request", [("Content-Type", "application/x-amz-json-1.0")])
        error = {"__type": "ResourceNotFoundException", "message": f"{arn} not found"}
        return [json.dumps(error).encode()]
    start_response("200 OK", [("Content-Type", "application/x-amz-json-1.0")])
    connection = {
        "ConnectionArn": arn,
        "ConnectionStatus": status,
        "ConnectionName": arn.rsplit("/", 1)[-1],
        "ProviderType": "GitHub",
    }
    return [json.dumps({"Connection": connection}).encode()]


def _read_body(environ: dict[str, Any]) -> bytes:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body: bytes = environ["wsgi.input"].read(length) if length else b""
    return body


def _reply(start_response: Callable[..., Any], status: str, doc: Any) -> list[bytes]:
    start_response(status, [("Content-Type", "application/json")])
    return [json.dumps(doc).encode()]


def wrap(app: WsgiApp) -> WsgiApp:
    """moto's application with the extension's endpoints in front of it."""

    def middleware(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/moto-ext/cfn-response/"):
            request_id = path.rsplit("/", 1)[1]
            doc = json.loads(_read_body(environ) or b"{}")
            with _LOCK:
                _RESPONSES[request_id] = doc
            return _reply(start_response, "200 OK", {})
        if path == "/moto-ext/pace":
            doc = json.loads(_read_body(environ) or b"{}")
            _PACE["seconds"] = float(doc["seconds"])
            return _reply(start_response, "200 OK", {"pace": _PACE["seconds"]})
        if path == "/moto-ext/fail":
            doc = json.loads(_read_body(environ) or b"{}")
            with _LOCK:
                _FAILURES[str(doc["logical_id"])] = str(doc["reason"])
            return _reply(start_response, "200 OK", {"armed": doc["logical_id"]})
        if path.startswith("/moto-ext/"):
            answer = _control(path, json.loads(_read_body(environ) or b"{}"))
            if answer is not None:
                return _reply(start_response, "200 OK", answer)
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if any(name in target for name in _CONNECTION_TARGETS):
            return _connections(environ, start_response)
        if path == "/moto-api/reset":
            reset()
        body = app(environ, start_response)
        _hold_if_armed(target)
        return body

    return middleware
