"""release.yml run as CodeBuild runs it, with the real AWS CLI against the local account.

The local ECS (tests/moto_ext/ecs_deployments.py) rolls deployments out as armed: they
complete, fail through the circuit breaker (which rolls the service back), or never settle.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from local_account import LocalAccount


def _deployed_digest(account: LocalAccount, stage: str) -> str:
    """The image digest ECS resolved for the stage's current deployment."""
    service = account.service(stage)
    deployment = account.ecs.describe_service_deployments(
        serviceDeploymentArns=[service["currentServiceDeployment"]]
    )["serviceDeployments"][0]
    assert deployment["status"] == "SUCCESSFUL"
    revision = account.ecs.describe_service_revisions(
        serviceRevisionArns=[deployment["targetServiceRevision"]["arn"]]
    )["serviceRevisions"][0]
    return str(revision["containerImages"][0]["imageDigest"])


def test_a_first_release_tags_the_digest_rolls_the_service_and_raises_it_from_zero(
    account: LocalAccount,
) -> None:
    account.create_stage("dev")
    digest = account.push("0123abc", b"v1")
    # as the Release project's role: it may do exactly what the pipeline stack grants it
    with account.credentials(account.role_statements("ReleaseRole")) as keys:
        build = account.release("dev", digest, **keys)
    assert build.status == "SUCCEEDED", build.stderr
    assert account.tag_digest("dev") == digest
    assert _deployed_digest(account, "dev") == digest  # the rollout runs exactly that image
    assert build.stdout.strip().endswith(f"stage dev now runs {account.image_url}@{digest}")
    # the stage was at 0 tasks (first deploy): it comes up to desired, its floor to min
    assert account.service("dev")["desiredCount"] == 2 and account.floor("dev") == 1


def test_a_later_stage_promotes_exactly_the_builds_digest_after_a_newer_push(
    account: LocalAccount, source: Path
) -> None:
    built = account.build(source, version="0123abc").exported["IMAGE_DIGEST"]
    # while prod waited for its approval, a newer commit was built and pushed
    newer = account.push("latest", b"a newer commit's image")
    account.create_stage("prod")
    release = account.release("prod", built)
    assert release.status == "SUCCEEDED", release.stderr
    assert account.tag_digest("prod") == built != newer
    assert _deployed_digest(account, "prod") == built
    # prod too was at 0 tasks: its own desired and min
    assert account.service("prod")["desiredCount"] == 3 and account.floor("prod") == 2


def test_a_failed_deployment_moves_the_tag_back_and_fails_with_one_line(
    account: LocalAccount,
) -> None:
    account.create_stage("dev")
    good = account.push("0123abc", b"v1")
    account.released("dev", good)
    local = account.stages["dev"]  # autoscaling has since raised the running stage to 4 tasks
    account.ecs.update_service(
        cluster=local.cluster_name, service=local.service_name, desiredCount=4
    )
    bad = account.push("4567def", b"v2 crashes on start")
    account.server.rollouts("FAILED")
    build = account.release("dev", bad)
    assert build.status == "FAILED"
    assert account.tag_digest("dev") == good  # prod can never promote the rejected image
    # a running stage keeps autoscaling's count and floor: only a stage at 0 is raised
    assert account.service("dev")["desiredCount"] == 4 and account.floor("dev") == 0
    (line,) = build.stderr_lines()
    assert line.startswith(f"release of {bad} to stage dev failed: deployment ecs-svc/")
    assert "circuit breaker" in line and line.endswith(f"tag dev moved back to {good}")


def test_a_failed_first_deployment_leaves_no_stage_tag(account: LocalAccount) -> None:
    account.create_stage("dev")
    bad = account.push("0123abc", b"crashes on start")
    account.server.rollouts("FAILED")
    build = account.release("dev", bad)
    assert build.status == "FAILED"
    assert account.tag_digest("dev") is None
    (line,) = build.stderr_lines()
    assert line.endswith("tag dev removed (no image has completed a rollout there)")


def test_a_rollout_that_never_settles_fails_within_its_timeout(account: LocalAccount) -> None:
    account.create_stage("dev")
    good = account.push("0123abc", b"v1")
    account.released("dev", good)
    account.server.rollouts("STUCK")
    build = account.release(
        "dev",
        account.push("4567def", b"v2"),
        timeout=300,  # the project's: release.yml's own timeout must end it first
        ROLLOUT_TIMEOUT_SECONDS="2",
        ROLLOUT_POLL_SECONDS="2",
    )
    assert build.status == "FAILED"  # not TIMED_OUT: the release gave up by itself
    assert account.tag_digest("dev") == good
    (line,) = build.stderr_lines()
    assert "service crud-api-dev-service did not become stable within 2 seconds" in line


@pytest.mark.parametrize("digest", ["", "None", "latest"])
def test_a_release_refuses_what_is_not_a_digest(account: LocalAccount, digest: str) -> None:
    account.create_stage("dev")
    good = account.push("0123abc", b"v1")
    account.released("dev", good)
    build = account.release("dev", digest)
    assert build.status == "FAILED"
    assert account.tag_digest("dev") == good
    (line,) = build.stderr_lines()
    assert line.startswith(f"release to stage dev refused: IMAGE_DIGEST is '{digest}'")
