"""Running a generated project's app for real, and the HTTP contract all four must keep.

The app is started with the command its Dockerfile's CMD names (gunicorn, uvicorn through
`python main.py`, node), on 127.0.0.1 and a free port, so the tests exercise the same
server the image runs, not a framework test client.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# The CMD's program -> how to run it from this test environment.
_PROGRAMS: dict[str, list[str]] = {
    "gunicorn": [sys.executable, "-m", "gunicorn"],
    "python": [sys.executable],
    "node": ["node"],
}
# Variables of the developer's shell that would change which store the app picks.
_CLEARED = (
    "ITEMS_TABLE", "AWS_ENDPOINT_URL", "WEB_CONCURRENCY", "PORT", "HOST",
    "DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD", "DB_SSLMODE",
)  # fmt: skip


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs of a Dockerfile's text, continuation lines joined."""
    joined = text.replace("\\\n", " ")
    pairs = []
    for line in joined.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            instruction, _, arguments = stripped.partition(" ")
            pairs.append((instruction.upper(), arguments.strip()))
    return pairs


def server_command(project: Path) -> list[str]:
    """The Dockerfile's CMD (exec form), mapped onto this machine's interpreters."""
    text = (project / "Dockerfile").read_text(encoding="utf-8")
    cmd = [args for instruction, args in dockerfile_instructions(text) if instruction == "CMD"]
    argv: list[str] = json.loads(cmd[-1])
    return _PROGRAMS[argv[0]] + argv[1:]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_app(project: Path, extra_env: Mapping[str, str] | None = None) -> Iterator[str]:
    """Start the project's server and yield its base URL once /ping answers 200."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    env.update({"HOST": "127.0.0.1", "PORT": str(port), **(extra_env or {})})
    log = project / f"server-{port}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            server_command(project), cwd=project, env=env, stdout=output, stderr=output
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 180  # a loaded machine starts servers slowly
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited early:\n{log.read_text(errors='replace')}")
        try:
            if call("GET", base + "/ping")[0] == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"server did not answer /ping:\n{log.read_text(errors='replace')}")


def call(method: str, url: str, body: Any = None, raw: bytes | None = None) -> tuple[int, Any]:
    """One HTTP request; returns (status, decoded JSON body or None when empty)."""
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("content-type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            status, payload = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, payload = error.code, error.read()
    return status, (json.loads(payload) if payload else None)


def check_contract(base: str) -> None:
    """The whole HTTP contract of README.md: greeting, health, CRUD, 400s and 404s."""
    status, greeting = call("GET", base + "/")
    assert status == 200 and "Hello" in greeting["message"]
    assert call("GET", base + "/ping")[0] == 200

    status, item = call("PUT", base + "/item", {"title": "first", "content": "hello"})
    assert status == 201, item
    assert item == {"id": item["id"], "title": "first", "content": "hello"}
    status, other = call("PUT", base + "/item", {"title": "second", "content": "x", "id": "mine"})
    assert status == 201 and other["id"] not in ("mine", item["id"])  # ids are the server's

    url = f"{base}/item/{item['id']}"
    status, listing = call("GET", base + "/item")
    assert status == 200
    assert sorted(listing["items"], key=lambda i: i["title"]) == [item, other]
    assert call("GET", url) == (200, item)

    changed = {**item, "title": "first!", "content": "bye"}
    assert call("POST", url, {"title": "first!", "content": "bye"}) == (200, changed)
    assert call("GET", url) == (200, changed)

    _check_bad_requests(base, url)
    assert call("DELETE", url) == (204, None)
    assert call("GET", url)[0] == 404
    assert call("DELETE", url)[0] == 404
    assert call("GET", base + "/item")[1]["items"] == [other]


# Bodies every app must refuse with 400, on create and on update.
BAD_BODIES: tuple[bytes, ...] = (
    b"{not json",
    b"",
    b"[1, 2]",
    b'"just a string"',
    b'{"title": "no content"}',
    b'{"content": "no title"}',
    b'{"title": 1, "content": "title is a number"}',
)


def _check_bad_requests(base: str, url: str) -> None:
    for raw in BAD_BODIES:
        for method, target in (("PUT", base + "/item"), ("POST", url)):
            status, body = call(method, target, raw=raw)
            assert status == 400, (method, raw, status, body)
            assert isinstance(body["error"], str) and body["error"], body
    missing = f"{base}/item/no-such-id"
    for method, body in (("GET", None), ("POST", {"title": "a", "content": "b"}), ("DELETE", None)):
        status, answer = call(method, missing, body)
        assert status == 404, (method, status, answer)
        assert "no-such-id" in answer["error"]


def node_modules_for(project: Path, repository_copy: Path) -> None:
    """Give an Express project its dependencies: the repository's `npm ci` output, else npm ci."""
    installed = repository_copy / "node_modules"
    if installed.is_dir():
        (project / "node_modules").symlink_to(installed, target_is_directory=True)
        return
    npm = shutil.which("npm")
    assert npm, "npm is needed for the express blueprint"
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=project, check=True)
