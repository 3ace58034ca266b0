"""Spec values that reach a shell are one word there, run by a real shell.

The audit (docs/design.md "Hostile input"): the container health check (CMD-SHELL, run by
/bin/sh -c in the container) reads `app.health_check.path` and `app.port`; build.yml
(bash) reads `app.dockerfile` and `app.build_context`. Every other spec value reaches a
command line only as an exec-form list (`app.command`), as comments, or not at all.
"""

from __future__ import annotations

import http.server
import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml
from stack_irs import lowered

from compiler.buildspecs import render_buildspecs
from compiler.cfn.render import template_data
from compiler.cfn.service.stack import build_service


class _Recorder(http.server.BaseHTTPRequestHandler):
    paths: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.paths.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[int, list[str]]]:
    paths: list[str] = []
    handler = type("Handler", (_Recorder,), {"paths": paths})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1], paths
    finally:
        httpd.shutdown()
        httpd.server_close()


def _health_shell(port: int, path: str) -> str:
    app = {"port": port, "health_check": {"path": path}}
    ir = lowered({"version": 1, "name": "demo", "app": app})
    data = template_data(build_service(ir, ir.stages[0]))
    task = data["Resources"]["TaskDefinition"]["Properties"]
    command: list[str] = task["ContainerDefinitions"][0]["HealthCheck"]["Command"]
    assert command[0] == "CMD-SHELL"
    return command[1]


@pytest.mark.parametrize(
    "path", ["/health?x=1&y=2", "/$(touch$IFS'pwned')", "/a;touch$IFS'pwned'", "/it's", "/p%20q"]
)
def test_the_health_check_asks_for_exactly_the_path_and_runs_nothing_else(
    path: str, server: tuple[int, list[str]], tmp_path: Path
) -> None:
    # failed on the old code: `&` backgrounded curl (the check always passed) and $(...) ran
    port, paths = server
    shell = _health_shell(port, path)
    done = subprocess.run(["/bin/sh", "-c", shell], cwd=tmp_path, timeout=30, check=False)
    assert done.returncode == 0
    assert paths == [path]
    assert list(tmp_path.iterdir()) == []


def test_the_health_check_fails_when_the_app_does_not_answer(tmp_path: Path) -> None:
    shell = _health_shell(1, "/ping")  # nothing listens on port 1
    done = subprocess.run(["/bin/sh", "-c", shell], cwd=tmp_path, timeout=60, check=False,
                          capture_output=True)  # fmt: skip
    assert done.returncode != 0


@pytest.mark.parametrize(
    ("dockerfile", "context"),
    [("Dockerfile", "."), ('D$(touch pwned)"; touch pwned; "', "ctx`touch pwned`"),
     ("it's here/Dockerfile", "$HOME dir")],
)  # fmt: skip
def test_build_yml_passes_dockerfile_and_context_as_single_words(
    dockerfile: str, context: str, tmp_path: Path
) -> None:
    ir = lowered({"version": 1, "name": "demo",
                  "app": {"dockerfile": dockerfile, "build_context": context}})  # fmt: skip
    build = yaml.safe_load(render_buildspecs(ir)["build.yml"])
    docker_build = next(c for c in build["phases"]["build"]["commands"] if "docker build" in c)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    stub = bin_dir / "docker"
    stub.write_text('#!/bin/bash\nprintf "%s\\0" "$@" > "$ARGS"\n')
    stub.chmod(0o755)
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}",
           "ARGS": str(tmp_path / "args"), "ECR_IMAGE_URL": "repo", "commit": "abc"}  # fmt: skip
    subprocess.run(["bash", "-c", docker_build], cwd=work, env=env, check=True, timeout=30)
    argv = (tmp_path / "args").read_bytes().decode().split("\0")[:-1]
    assert argv[argv.index("--file") + 1] == dockerfile
    assert argv[-1] == context
    assert list(work.iterdir()) == []
