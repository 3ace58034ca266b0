"""A release killed mid-way (stopped, or timed out) is repaired by the next release.

The runner is killed while the local AWS holds its answer to one step's request (the
step itself done, as when a build dies before it hears back). Then the next release of
the stage, whose own rollout fails, must leave the stage tag on the image of the
service's last completed deployment: the one before the killed release, unless the
killed release's rollout went on to complete (then that image is the stage's now).
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from local_account import LocalAccount

# (the request in flight when the build dies, how its rollout then ends, whose image the
# stage runs after the next release fails)
STEPS = [
    pytest.param("PutImage", 0, None, "before", id="tag-moved"),
    pytest.param("UpdateService", 0, "FAILED", "before", id="service-updated-rollout-failed"),
    pytest.param("DescribeServices", 1, "STUCK", "before", id="following-a-rollout-that-hangs"),
    pytest.param("UpdateService", 0, "COMPLETED", "killed", id="rollout-completed-after"),
]


def _killed_at(account: LocalAccount, action: str, skip: int, digest: str) -> Any:
    """Start a release of `digest` to dev and kill it during the held `action` request."""
    account.server.hold(action, skip)
    stop, result = threading.Event(), {}
    runner = threading.Thread(
        target=lambda: result.update(build=account.release("dev", digest, stop))
    )
    runner.start()
    deadline = time.monotonic() + 300  # a limit for a loaded machine, not a wait
    while not account.server.held() and time.monotonic() < deadline:
        time.sleep(0.02)
    stop.set()
    runner.join()
    account.server.release()
    return result["build"]


@pytest.mark.parametrize(("action", "skip", "outcome", "runs"), STEPS)
def test_the_next_release_restores_the_last_completed_image_first(
    account: LocalAccount, action: str, skip: int, outcome: str | None, runs: str
) -> None:
    account.create_stage("dev")
    before = account.push("0123abc", b"v1")
    account.released("dev", before)
    killed_digest = account.push("4567def", b"v2")
    if outcome:
        account.server.rollouts(outcome)
    killed = _killed_at(account, action, skip, killed_digest)
    assert killed.status == "STOPPED"
    assert account.tag_digest("dev") == killed_digest  # the stage tag was left on it
    account.server.rollouts("FAILED")
    after = account.release("dev", account.push("89abcde", b"v3"))
    assert after.status == "FAILED"
    expected = before if runs == "before" else killed_digest
    assert account.tag_digest("dev") == expected
    repaired = f"tag dev names {killed_digest}, which never completed a rollout"
    assert (repaired in after.stdout) == (runs == "before")
