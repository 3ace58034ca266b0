"""The shared delivery path of the picture: the source, CodePipeline with its Build, the
approvals and a Release per stage (CodeBuild), and the ECR repository."""

from __future__ import annotations

from compiler.graph.labels import wrap
from compiler.graph.model import Component, Flow, Kind, Parts
from compiler.ir.model import PipelineIR, SourceIR, StackIR, StageIR

PROVIDERS: dict[str, tuple[str, Kind]] = {
    "github": ("GitHub", "github"),
    "gitlab": ("GitLab", "gitlab"),
    "bitbucket": ("Bitbucket", "bitbucket"),
}
BUILDSPECS: dict[str, str] = {
    "repository": "build.yml in repo",
    "inline": "inline buildspec",
}


def source_parts(source: SourceIR) -> tuple[tuple[Component, ...], Parts]:
    """The source: the repository outside AWS, the parts in the stack (an S3 bucket, a
    webhook function) and the flows that end in a push to the pipeline."""
    if source.provider != "s3":
        connection = "connection to activate" if source.creates_connection else "given connection"
        repo = _repository(source.provider, source.repository or "", source.branch, connection)
        return (repo,), ((), (Flow(repo.id, "pipeline", "push"),))
    bucket = Component(
        "source_bucket",
        "bucket",
        (
            "S3 source bucket",
            "created, versioned" if source.creates_bucket else (source.bucket or ""),
            f"key {source.key}",
        ),
    )
    if source.webhook is None:
        return (), ((bucket,), (Flow(bucket.id, "pipeline", "push"),))
    hook = source.webhook
    repo = _repository(hook.provider, hook.repository, hook.branch, "push webhook")
    function = Component(
        "webhook", "function", ("webhook function", "Lambda function URL", "zips the commit")
    )
    flows = (
        Flow(repo.id, function.id, "push"),
        Flow(function.id, bucket.id, "source.zip"),
        Flow(bucket.id, "pipeline", "push"),
    )
    return (repo,), ((function, bucket), flows)


def _repository(provider: str, repository: str, branch: str, how: str) -> Component:
    name, kind = PROVIDERS[provider]
    return Component("repository", kind, (f"{name} {repository}", f"branch {branch}", how))


def pipeline_parts(ir: StackIR, stages: tuple[StageIR, ...]) -> Parts:
    """CodePipeline, its Build, the ECR repository the image goes to, and per stage its
    approval (when asked) and Release, which promotes the build's digest, in order."""
    components = [
        Component("pipeline", "pipeline", ("CodePipeline", *_pipeline_steps(stages))),
        _build(ir.pipeline),
        Component(
            "registry",
            "registry",
            (
                "ECR repository",
                "keeps stage tags, latest",
                f"+ last {ir.registry.keep_untagged_images} images",
            ),
        ),
    ]
    flows = [Flow("pipeline", "build", "source"), Flow("build", "registry", "image")]
    previous = "build"
    for stage in stages:
        s = stage.name
        release = Component(f"release_{s}", "codebuild", (f"Release {s}", f"tags :{s} = digest"))
        if stage.approval:
            approval = Component(f"approval_{s}", "approval", ("manual approval", f"before {s}"))
            components.append(approval)
            flows += [
                Flow(previous, approval.id, "digest"),
                Flow(approval.id, release.id, "approved"),
            ]
        else:
            flows.append(Flow(previous, release.id, "digest"))
        components.append(release)
        flows.append(Flow(release.id, f"{s}_service", "release"))
        previous = release.id
    return tuple(components), tuple(flows)


def _pipeline_steps(stages: tuple[StageIR, ...]) -> tuple[str, ...]:
    """The pipeline's stages in order, a few to a line."""
    steps = ["Source", "Build"]
    for stage in stages:
        steps += ["approval"] if stage.approval else []
        steps.append(f"Release {stage.name}")
    return wrap(steps, " → ")


def _build(pipeline: PipelineIR) -> Component:
    return Component(
        "build",
        "codebuild",
        (
            "Build: CodeBuild",
            f"{pipeline.compute_type}, {BUILDSPECS[pipeline.buildspecs]}",
            "pushes :latest, :<commit>",
        ),
    )
