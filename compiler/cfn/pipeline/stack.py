"""pipeline.yaml: CodePipeline V2, Source -> Build -> per stage [Approval] -> Release.

Resources: the artifact bucket (encrypted, private, TLS only, expiring, emptied on stack
delete by common/bucket_emptier.py), the source
(source.py), the Build and Release projects (build.py), the pipeline and
its role, the failure notification (notify.py).
Parameters: the repository's URI and ARN, and per stage `<Stage>ClusterName`, `<Stage>ClusterArn`,
`<Stage>ServiceName` (the stage stacks' outputs).
Outputs: `PipelineOut.*` that apply to the source in use.
"""

from __future__ import annotations

import json
from typing import Any

from troposphere import GetAtt, Output, Parameter, Ref, Sub, Template, codepipeline, s3

from compiler.cfn.common.bucket_emptier import add_bucket_emptier
from compiler.cfn.common.outputs import PipelineOut, RegistryOut, StageOut
from compiler.cfn.common.private_buckets import tls_only_policy
from compiler.cfn.common.roles import service_role
from compiler.cfn.common.tagging import tag_list
from compiler.cfn.pipeline.buckets import artifact_bucket
from compiler.cfn.pipeline.build import Projects, add_projects, stage_parameter
from compiler.cfn.pipeline.notify import add_failure_rule, add_topic
from compiler.cfn.pipeline.roles import allow, bucket_arn, bucket_objects
from compiler.cfn.pipeline.source import SOURCE_ARTIFACT, SourcePart, add_source, add_upload_trigger
from compiler.ir.model import StackIR, StageIR

PIPELINE = "Pipeline"
BUILD_NAMESPACE = "BuildVariables"
# The registry's outputs the pipeline takes (it reaches the repository by URI and ARN).
REGISTRY_INPUTS: tuple[RegistryOut, ...] = (RegistryOut.REPOSITORY_URI, RegistryOut.REPOSITORY_ARN)
# The stage stacks' outputs the pipeline takes, one parameter each per stage.
STAGE_INPUTS: tuple[StageOut, ...] = (
    StageOut.CLUSTER_NAME,
    StageOut.CLUSTER_ARN,
    StageOut.SERVICE_NAME,
)


def pipeline_parameters(ir: StackIR) -> list[str]:
    """Every parameter of the pipeline stack, in template order."""
    names = [out.value for out in REGISTRY_INPUTS]
    for stage in ir.stages:
        names += [stage_parameter(stage.name, out) for out in STAGE_INPUTS]
    return names


def _codebuild_type(category: str) -> codepipeline.ActionTypeId:
    return codepipeline.ActionTypeId(
        Category=category, Owner="AWS", Provider="CodeBuild", Version="1"
    )


def _build_stage(projects: Projects) -> codepipeline.Stages:
    action = codepipeline.Actions(
        Name="Build",
        ActionTypeId=_codebuild_type("Build"),
        Configuration={"ProjectName": Ref(projects.build)},
        InputArtifacts=[codepipeline.InputArtifacts(Name=SOURCE_ARTIFACT)],
        Namespace=BUILD_NAMESPACE,
        RunOrder=1,
    )
    return codepipeline.Stages(Name="Build", Actions=[action])


def release_variables(stage: StageIR) -> list[dict[str, str]]:
    """The Release action's environment for `stage` (`${...}` filled by Fn::Sub)."""
    values = {
        "STAGE_NAME": stage.name,
        "PREVIOUS_STAGE_NAME": stage.previous_stage,
        "CLUSTER_ARN": f"${{{stage_parameter(stage.name, StageOut.CLUSTER_ARN)}}}",
        "SERVICE_NAME": f"${{{stage_parameter(stage.name, StageOut.SERVICE_NAME)}}}",
        "DESIRED_COUNT": str(stage.scaling.desired),
        "MIN_COUNT": str(stage.scaling.min),
        # the digest this execution built: an approval approves exactly one image
        "IMAGE_DIGEST": f"#{{{BUILD_NAMESPACE}.IMAGE_DIGEST}}",
    }
    return [
        {"name": name, "value": value, "type": "PLAINTEXT"}
        for name, value in values.items()
        if value is not None
    ]


def _release_stage(stage: StageIR, projects: Projects, topic: Any) -> codepipeline.Stages:
    actions = []
    if stage.approval:
        actions.append(
            codepipeline.Actions(
                Name="Approve",
                ActionTypeId=codepipeline.ActionTypeId(
                    Category="Approval", Owner="AWS", Provider="Manual", Version="1"
                ),
                Configuration={
                    "NotificationArn": Ref(topic),
                    "CustomData": f"Release this execution's image to stage '{stage.name}'?",
                },
                RunOrder=1,
            )
        )
    environment = json.dumps(release_variables(stage), separators=(",", ":"))
    actions.append(
        codepipeline.Actions(
            Name="Release",
            ActionTypeId=_codebuild_type("Build"),
            Configuration={
                "ProjectName": Ref(projects.release),
                "EnvironmentVariables": Sub(environment),
            },
            InputArtifacts=[codepipeline.InputArtifacts(Name=SOURCE_ARTIFACT)],
            RunOrder=len(actions) + 1,
        )
    )
    return codepipeline.Stages(Name=f"Release-{stage.name}", Actions=actions)


def _pipeline_role(
    ir: StackIR, artifacts: s3.Bucket, projects: Projects, source: SourcePart, topic: Any
) -> Any:
    grants = [
        allow(["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"], [bucket_objects(artifacts)]),
        allow(["s3:GetBucketLocation", "s3:GetBucketVersioning"], [bucket_arn(artifacts)]),
        allow(
            ["codebuild:BatchGetBuilds", "codebuild:StartBuild"],
            [GetAtt(projects.build, "Arn"), GetAtt(projects.release, "Arn")],
        ),
        allow(["sns:Publish"], [Ref(topic)]),
        *source.pipeline_grants,
    ]
    return service_role("PipelineRole", "codepipeline.amazonaws.com", grants, ir)


def _pipeline(ir: StackIR, role: Any, artifacts: s3.Bucket, stages: list[Any], emptier: str) -> Any:
    return codepipeline.Pipeline(
        PIPELINE,
        # deleted before the emptier runs, so no new artifact lands in an emptied bucket
        DependsOn=[emptier],
        PipelineType="V2",
        # a newer execution may overtake one waiting for approval; each carries its own digest
        ExecutionMode="SUPERSEDED",
        RoleArn=GetAtt(role, "Arn"),
        ArtifactStore=codepipeline.ArtifactStore(Type="S3", Location=Ref(artifacts)),
        Stages=stages,
        RestartExecutionOnUpdate=False,
        **tag_list(ir),
    )


def build_pipeline(ir: StackIR) -> Template:
    """The pipeline nested stack of `ir`."""
    template = Template(Description=f"{ir.name}: delivery pipeline (CodePipeline V2)")
    template.set_version("2010-09-09")
    for name in pipeline_parameters(ir):
        template.add_parameter(Parameter(name, Type="String"))
    artifacts = template.add_resource(artifact_bucket(ir))
    template.add_resource(tls_only_policy(artifacts))
    emptier = add_bucket_emptier(template, ir, ir.name, artifacts.title)
    topic = add_topic(template, ir)
    source = add_source(template, ir)
    projects = add_projects(template, ir, artifacts, source.codebuild_grants)
    role = template.add_resource(_pipeline_role(ir, artifacts, projects, source, topic))
    stages = [
        codepipeline.Stages(Name="Source", Actions=[source.action]),
        _build_stage(projects),
        *(_release_stage(stage, projects, topic) for stage in ir.stages),
    ]
    pipeline = template.add_resource(_pipeline(ir, role, artifacts, stages, emptier))
    add_upload_trigger(template, ir, source, pipeline)
    add_failure_rule(template, ir, topic, pipeline)
    outputs: dict[PipelineOut, Any] = {
        PipelineOut.PIPELINE_NAME: Ref(pipeline),
        PipelineOut.ARTIFACT_BUCKET_NAME: Ref(artifacts),
        PipelineOut.NOTIFICATION_TOPIC_ARN: Ref(topic),
        **source.outputs,
    }
    for name, value in sorted(outputs.items()):
        template.add_output(Output(name.value, Value=value))
    return template
