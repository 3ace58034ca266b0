"""`tsc rollback`: a stage back to the image it released before, with a release's checks.

Which image: `--to DIGEST`, else the digest the stage released before the one it runs now
(its service's last completed deployment, else its tag), from the pipeline's history of
successful Release actions of that stage (a rollback adds nothing to that history, so a
second rollback goes one further back).
compiler.deploy.release then promotes it exactly as the stage's Release action would,
with the cluster and service from the stage's outputs and the counts from the action.
"""

from __future__ import annotations

from dataclasses import dataclass

from compiler.deploy import pipeline
from compiler.deploy.aws import Aws
from compiler.deploy.errors import DeployError
from compiler.deploy.release import Say, Target, completed_digest, release, tagged_digest
from compiler.deploy.stack_view import StackView


@dataclass(frozen=True)
class RolledBack:
    stage: str
    digest: str  # what the stage runs now
    previous: str  # what it ran before the rollback ('none' when it had no image)


def previous_release(history: list[str], current: str | None, stage: str) -> str:
    """The release before `current` in `history` (newest first)."""
    hint = "; name one with --to DIGEST"
    if not history:
        raise DeployError(f"stage '{stage}' has no release in the pipeline's history{hint}")
    if current not in history:
        return history[0]  # the tag was moved by hand: back to the last real release
    at = history.index(current)
    if at + 1 >= len(history):
        raise DeployError(f"stage '{stage}' released nothing before {current}{hint}")
    return history[at + 1]


def roll_back(aws: Aws, view: StackView, stage: str, to: str | None, say: Say) -> RolledBack:
    """Promote the previous release (or `to`) to `stage` (see the module docstring)."""
    chosen = view.stage(stage)
    name = view.output("PipelineName")
    repository, cluster = view.repository, chosen.output("ClusterArn")
    current = completed_digest(aws, cluster, chosen.service) or tagged_digest(
        aws, repository, chosen.name
    )
    if to is not None and not to.startswith("sha256:"):
        raise DeployError(f"--to takes an image digest (sha256:...), not '{to}'")
    digest = to or previous_release(
        pipeline.released_digests(aws, name, chosen.name), current, chosen.name
    )
    if digest == current:
        raise DeployError(f"stage '{chosen.name}' already runs {digest}; nothing to roll back")
    counts = pipeline.release_environment(pipeline.definition(aws, name), chosen.name)
    target = Target(
        stage=chosen.name,
        repository=repository,
        cluster=cluster,
        service=chosen.service,
        desired=int(counts.get("DESIRED_COUNT", "1")),
        minimum=int(counts.get("MIN_COUNT", "1")),
    )
    say(f"rolling stage {chosen.name} back from {current or 'no image'} to {digest}")
    release(aws, target, digest, say)
    return RolledBack(chosen.name, digest, current or "none")
