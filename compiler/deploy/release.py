"""Promote a digest to a stage: the rules of release.yml, in Python with boto3.

`tsc rollback` releases an older image exactly as the pipeline's Release action releases
a new one (buildspecs/release.yml.j2; a test keeps the media types equal):
1. repair: the stage tag must name the image of the service's last completed deployment
   (ECS records it: the service deployment's revision and its image digest); a release
   stopped after moving the tag left it on an image that never completed, so it goes back;
2. put the stage tag on the digest through the ECR API (BatchGetImage, then PutImage of the
   same manifest; a tag already there is not an error);
3. a service at 0 tasks is raised to the stage's DESIRED_COUNT, its autoscaling floor to
   MIN_COUNT;
4. force a new deployment and follow it until it completes;
5. on any failure after 1, the stage tag goes back to the image of 1 (or is removed when
   no image ever completed there), and the release fails with one line.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from compiler.deploy.aws import Aws, poll_seconds
from compiler.deploy.errors import AwsError, DeployError

MEDIA_TYPES = (
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
)
ROLLOUT_TIMEOUT_SECONDS = 2700  # release.yml's ROLLOUT_TIMEOUT_SECONDS

Say = Callable[[str], None]


@dataclass(frozen=True)
class Target:
    """Where a stage runs, as its Release action knows it."""

    stage: str
    repository: str
    cluster: str  # name or ARN
    service: str
    desired: int  # tasks a stage at 0 is raised to
    minimum: int  # the autoscaling floor then


def tagged_digest(aws: Aws, repository: str, tag: str) -> str | None:
    """The digest `tag` names in the repository, or None."""
    try:
        found = aws.call(
            "ecr", "describe_images", repositoryName=repository, imageIds=[{"imageTag": tag}]
        )
    except AwsError as exc:
        if exc.code in ("ImageNotFoundException", "RepositoryNotFoundException"):
            return None
        raise
    details = found.get("imageDetails") or []
    return str(details[0]["imageDigest"]) if details else None


def put_tag(aws: Aws, repository: str, tag: str, digest: str) -> None:
    """Put `tag` on the image `digest`: its manifest put again, byte for byte."""
    got = aws.call(
        "ecr", "batch_get_image", repositoryName=repository, imageIds=[{"imageDigest": digest}],
        acceptedMediaTypes=list(MEDIA_TYPES),
    )  # fmt: skip
    images = got.get("images") or []
    if not images:
        raise DeployError(f"no image {digest} in repository {repository}")
    media = images[0].get("imageManifestMediaType")
    try:
        aws.call(
            "ecr", "put_image", repositoryName=repository, imageTag=tag, imageDigest=digest,
            imageManifest=images[0]["imageManifest"],
            **({"imageManifestMediaType": media} if media else {}),
        )  # fmt: skip
    except AwsError as exc:
        if exc.code != "ImageAlreadyExistsException":  # the tag already names this image
            raise


def _restore(aws: Aws, target: Target, digest: str | None) -> None:
    """The stage tag back on `digest`, or no stage tag when it is None."""
    if digest is None:
        aws.call(
            "ecr", "batch_delete_image", repositoryName=target.repository,
            imageIds=[{"imageTag": target.stage}],
        )  # fmt: skip
    else:
        put_tag(aws, target.repository, target.stage, digest)


def _service(aws: Aws, cluster: str, service: str) -> dict[str, Any]:
    found = aws.call("ecs", "describe_services", cluster=cluster, services=[service])
    services: list[dict[str, Any]] = found.get("services") or []
    if not services:
        raise DeployError(f"no service {service} in cluster {cluster}")
    return services[0]


def _revision_digest(aws: Aws, revision: str | None) -> str | None:
    if not revision:
        return None
    found = aws.call("ecs", "describe_service_revisions", serviceRevisionArns=[revision])
    revisions = found.get("serviceRevisions") or [{}]
    images = revisions[0].get("containerImages") or [{}]
    digest = images[0].get("imageDigest")
    return str(digest) if digest else None


def deployment_digests(aws: Aws, deployment_arn: str) -> tuple[str | None, str | None]:
    """(the digest the service last completed, the digest rolling out now or None)."""
    found = aws.call(
        "ecs", "describe_service_deployments", serviceDeploymentArns=[deployment_arn]
    ).get("serviceDeployments") or [{}]
    deployment = found[0]
    status = deployment.get("status", "")
    target = (deployment.get("targetServiceRevision") or {}).get("arn")
    sources = deployment.get("sourceServiceRevisions") or [{}]
    if status == "SUCCESSFUL":
        return _revision_digest(aws, target), None
    if status == "ROLLBACK_SUCCESSFUL":
        return _revision_digest(
            aws, (deployment.get("rollback") or {}).get("serviceRevisionArn")
        ), None
    # still rolling out, stopped or failing: what ran before
    completed = _revision_digest(aws, sources[0].get("arn"))
    rolling = _revision_digest(aws, target) if status in ("PENDING", "IN_PROGRESS") else None
    return completed, rolling


def completed_digest(aws: Aws, cluster: str, service: str) -> str | None:
    """The image of the service's last completed deployment (None: never completed one)."""
    current = _service(aws, cluster, service).get("currentServiceDeployment")
    return deployment_digests(aws, current)[0] if current else None


def _follow(aws: Aws, target: Target, deployment: str) -> None:
    deadline = time.monotonic() + ROLLOUT_TIMEOUT_SECONDS
    while True:
        listed = _service(aws, target.cluster, target.service).get("deployments") or []
        state = next((d for d in listed if d.get("id") == deployment), None)
        if state is None:
            raise DeployError(
                f"deployment {deployment} is no longer listed (replaced by another deployment)"
            )
        if state.get("rolloutState") == "COMPLETED":
            return
        if state.get("rolloutState") == "FAILED":
            reason = state.get("rolloutStateReason", "")
            raise DeployError(f"deployment {deployment} failed and was rolled back ({reason})")
        if time.monotonic() >= deadline:
            raise DeployError(
                f"service {target.service} did not become stable within "
                f"{ROLLOUT_TIMEOUT_SECONDS} seconds"
            )
        time.sleep(poll_seconds())


def _roll(aws: Aws, target: Target, say: Say) -> None:
    """Steps 3 and 4: raise a stage at 0, force a new deployment, follow it."""
    raised = _service(aws, target.cluster, target.service).get("desiredCount") == 0
    counts = {"desiredCount": target.desired} if raised else {}
    updated = aws.call(
        "ecs", "update_service", cluster=target.cluster, service=target.service,
        forceNewDeployment=True, **counts,
    )["service"]  # fmt: skip
    deployment = next(
        (d["id"] for d in updated.get("deployments") or [] if d.get("status") == "PRIMARY"), ""
    )
    if raised:
        cluster_name = target.cluster.rsplit("/", 1)[-1]
        aws.call(
            "application-autoscaling", "register_scalable_target", ServiceNamespace="ecs",
            ScalableDimension="ecs:service:DesiredCount",
            ResourceId=f"service/{cluster_name}/{target.service}", MinCapacity=target.minimum,
        )  # fmt: skip
        say(f"stage {target.stage} had no tasks: raised to {target.desired}")
    say(f"rolling service {target.service} (deployment {deployment})")
    _follow(aws, target, deployment)


def release(aws: Aws, target: Target, digest: str, say: Say) -> str | None:
    """Promote `digest` to the stage (see the docstring); the image it had completed."""
    tagged = tagged_digest(aws, target.repository, target.stage)
    current = _service(aws, target.cluster, target.service).get("currentServiceDeployment")
    previous = deployment_digests(aws, current)[0] if current else tagged
    if tagged != previous:
        say(f"tag {target.stage} names {tagged}, which never completed a rollout")
        say(f"tag {target.stage} goes back to {previous}")
        _restore(aws, target, previous)
    try:
        put_tag(aws, target.repository, target.stage, digest)
        say(f"tag {target.stage} -> {digest}")
        _roll(aws, target, say)
    except DeployError as exc:
        back = f"tag {target.stage} moved back to {previous}"
        if previous is None:
            back = f"tag {target.stage} removed (no image has completed a rollout there)"
        try:
            _restore(aws, target, previous)
        except DeployError:
            back = f"tag {target.stage} could NOT be moved back to {previous}: move it by hand"
        raise DeployError(
            f"release of {digest} to stage {target.stage} failed: {exc}; {back}"
        ) from exc
    return previous
