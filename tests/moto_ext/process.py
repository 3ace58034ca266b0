"""The extension's server as a subprocess on a free port of 127.0.0.1, for the tests.

`python -m tests.moto_ext --port N` with dummy credentials; `reset` empties it between
tests; the other methods drive the extension's control endpoints (control.py).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
REGION = "us-east-1"
# Waits end on a condition; these limits only stop a test that would never end. They are
# generous because two suites may share a loaded 2-core machine.
START_LIMIT = 180.0  # seconds for a server process to answer
CALL_LIMIT = 120.0  # seconds for one control request to the server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class MotoServer:
    """One moto server process (with tests/moto_ext) on a fixed local port."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        # the server's own log (requests, tracebacks of failed resources), for debugging
        self.log = Path(tempfile.gettempdir()) / f"tinystack-moto-{self.port}.log"

    def start(self) -> None:
        env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ENDPOINT_URL": self.url,
        }
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.moto_ext", "--port", str(self.port)],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_LIMIT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto server exited; see {self.log}")
            try:
                urllib.request.urlopen(f"{self.url}/moto-api/", timeout=CALL_LIMIT)
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        raise RuntimeError(f"moto server did not start; see {self.log}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=CALL_LIMIT)
        self.process = None

    def reset(self) -> None:
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST")
        urllib.request.urlopen(request, timeout=CALL_LIMIT).close()

    def control(self, endpoint: str, doc: dict[str, Any] | None = None) -> Any:
        """POST `doc` to one of the extension's /moto-ext/ endpoints; its JSON answer."""
        body = json.dumps(doc or {}).encode()
        url = f"{self.url}/moto-ext/{endpoint}"
        request = urllib.request.Request(url, data=body, method="POST")
        with urllib.request.urlopen(request, timeout=CALL_LIMIT) as answer:
            return json.loads(answer.read() or b"null")

    def pace(self, seconds: float) -> None:
        """Make each resource take `seconds`, and change sets execute in the background."""
        self.control("pace", {"seconds": seconds})

    def fail_resource(self, logical_id: str, reason: str) -> None:
        """Arm the extension so that this resource fails to create or update."""
        self.control("fail", {"logical_id": logical_id, "reason": reason})

    def rollouts(self, *outcomes: str, seconds: float = 0.0) -> None:
        """How the next ECS deployments end (COMPLETED, FAILED, STUCK), each after `seconds`."""
        self.control("ecs-rollouts", {"outcomes": list(outcomes), "seconds": seconds})

    def hold(self, action: str, skip: int = 0) -> None:
        """Hold the answer to the next `action` request after `skip` others (once it is
        carried out), until `release`."""
        self.control("hold", {"action": action, "skip": skip})

    def held(self) -> bool:
        return bool(self.control("held")["held"])

    def release(self) -> None:
        self.control("release")

    def hold_resource(self, logical_id: str) -> None:
        """Keep this stack resource waiting before it is created, until `release_resource`."""
        self.control("hold-resource", {"logical_id": logical_id})

    def release_resource(self, logical_id: str) -> None:
        self.control("release-resource", {"logical_id": logical_id})
