"""Real endpoints for the inline functions' tests: moto in server mode on 127.0.0.1 for AWS,
and a local HTTP server standing in for CloudFormation's presigned response URL.

A test module imports the fixtures it uses (`from moto_endpoint import aws_url as aws_url`,
and `moto_url` with it). Each module gets its own moto server; `aws_url` empties it before
every test.
"""

from __future__ import annotations

import functools
import json
import logging
import socket
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, cast

import boto3
import pytest
from botocore.config import Config
from moto.server import ThreadedMotoServer

TEST_KEYS = ("testing", "testing")
# Only a limit for a call that would never end: a loaded machine answers slowly, not wrongly.
CALL_LIMIT = 120.0


def _post(url: str, body: bytes = b"") -> None:
    # text/plain, or the server would read the body as a form and see nothing
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "text/plain"}
    )
    urllib.request.urlopen(request, timeout=CALL_LIMIT).close()


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    """moto in server mode on 127.0.0.1: the clients talk HTTP to it, as to AWS."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture()
def aws_url(moto_url: str) -> str:
    """The moto server, emptied: each test starts from no resources at all."""
    _post(f"{moto_url}/moto-api/reset")
    return moto_url


@functools.cache
def _session(keys: tuple[str, str]) -> boto3.Session:
    # one session per keys: it loads each service's model once, not once per client
    return boto3.Session(
        aws_access_key_id=keys[0], aws_secret_access_key=keys[1], region_name="us-east-1"
    )


def client(service: str, url: str, keys: tuple[str, str] = TEST_KEYS) -> Any:
    """A boto3 client for `service` at `url`: one attempt, so a closed port fails at once
    (refused), while a slow answer is waited for."""
    config = Config(
        connect_timeout=CALL_LIMIT, read_timeout=CALL_LIMIT, retries={"total_max_attempts": 1}
    )
    return _session(keys).client(service, endpoint_url=url, config=config)


@contextmanager
def iam_enforced(url: str, allowed: list[str]) -> Iterator[tuple[str, str]]:
    """Keys of a user allowed only `allowed`, with moto checking every request against IAM."""
    iam = client("iam", url)
    iam.create_user(UserName="function")
    # a policy names at least one action: nothing allowed is just something harmless
    statement = {"Effect": "Allow", "Action": allowed or ["sts:GetCallerIdentity"]}
    policy = {"Version": "2012-10-17", "Statement": [statement | {"Resource": "*"}]}
    iam.put_user_policy(
        UserName="function", PolicyName="function", PolicyDocument=json.dumps(policy)
    )
    key = iam.create_access_key(UserName="function")["AccessKey"]
    _post(f"{url}/moto-api/reset-auth", b"0")  # from the next request on
    try:
        yield key["AccessKeyId"], key["SecretAccessKey"]
    finally:
        _post(f"{url}/moto-api/reset-auth", b"inf")


@pytest.fixture()
def closed_port_url() -> Iterator[str]:
    """An address on 127.0.0.1 that refuses connections: bound, never listening."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


def record_calls(aws_client: Any) -> list[tuple[str, dict[str, Any]]]:
    """The operations `aws_client` sends from now on, with their parameters, in order."""
    calls: list[tuple[str, dict[str, Any]]] = []

    def note(params: dict[str, Any], model: Any, **_: Any) -> None:
        calls.append((model.name, dict(params)))

    aws_client.meta.events.register("before-parameter-build", note)
    return calls


class _Put(BaseHTTPRequestHandler):
    def do_PUT(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        body["_content_type"] = self.headers.get("Content-Type")
        cast(CloudFormation, self.server).answers.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        """Quiet."""


class CloudFormation(HTTPServer):
    """Takes the custom resource's answer, PUT to the presigned URL CloudFormation gave it."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Put)
        self.answers: list[dict[str, Any]] = []
        self.url = f"http://127.0.0.1:{self.server_port}/presigned?sig=x"

    def only_answer(self) -> dict[str, Any]:
        """The one answer received since the last call: a function answers exactly once."""
        answers, self.answers = self.answers, []
        (answer,) = answers
        return answer


@pytest.fixture(scope="module")
def cloudformation() -> Iterator[CloudFormation]:
    server = CloudFormation()
    # a short poll: shutdown() waits for the loop to look
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()
