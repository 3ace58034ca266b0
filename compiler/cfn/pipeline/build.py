"""The pipeline's CodeBuild side: the Build project, the one Release project, their logs and roles.

Build (privileged, for docker) builds and pushes the image and exports IMAGE_DIGEST.
Release serves every stage; the pipeline's actions give it the stage's variables. Each
project writes to its own retained log group and runs as its own least-privilege role:
Build may push to this repository; Release may tag images in it, roll only the stage
services the pipeline names and read those services' deployment history (which image
each deployment ran: release.yml's repair).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from troposphere import GetAtt, Ref, Select, Split, Template, codebuild, logs, s3

from compiler.buildspecs import BUILD_FILE, RELEASE_FILE, render_buildspec
from compiler.cfn.common.log_groups import retained_log_group
from compiler.cfn.common.names import logical_id
from compiler.cfn.common.outputs import RegistryOut, StageOut
from compiler.cfn.common.roles import Statement, service_role
from compiler.cfn.common.tagging import tag_list
from compiler.cfn.pipeline.roles import allow, bucket_arn, bucket_objects, service_arn
from compiler.ir.model import StackIR

BUILD_PROJECT = "BuildProject"
RELEASE_PROJECT = "ReleaseProject"
# Release waits for ECS to settle (up to three 10-minute waits): never cut it short.
RELEASE_TIMEOUT_FLOOR_MINUTES = 60

_PUSH = [
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:CompleteLayerUpload",
    "ecr:DescribeImages",
    "ecr:GetDownloadUrlForLayer",
    "ecr:InitiateLayerUpload",
    "ecr:PutImage",
    "ecr:UploadLayerPart",
]
_TAG = ["ecr:BatchDeleteImage", "ecr:BatchGetImage", "ecr:DescribeImages", "ecr:PutImage"]


@dataclass(frozen=True)
class Projects:
    build: codebuild.Project
    release: codebuild.Project


def stage_parameter(stage: str, output: StageOut) -> str:
    """Name of the pipeline parameter carrying a stage stack's output, e.g. 'DevClusterArn'."""
    return logical_id(stage, output.value)


def _common_grants(group: logs.LogGroup, artifacts: s3.Bucket) -> list[Statement]:
    return [
        allow(["logs:CreateLogStream", "logs:PutLogEvents"], [GetAtt(group, "Arn")]),
        allow(["s3:GetObject", "s3:GetObjectVersion"], [bucket_objects(artifacts)]),
        allow(["s3:GetBucketAcl", "s3:GetBucketLocation"], [bucket_arn(artifacts)]),
    ]


def _stage_services(ir: StackIR, kind: str) -> list[Any]:
    return [
        service_arn(
            stage_parameter(stage.name, StageOut.CLUSTER_NAME),
            stage_parameter(stage.name, StageOut.SERVICE_NAME),
            kind,
        )
        for stage in ir.stages
    ]


def _release_grants(ir: StackIR) -> list[Statement]:
    return [
        allow(_TAG, [Ref(RegistryOut.REPOSITORY_ARN.value)]),
        allow(["ecs:DescribeServices", "ecs:UpdateService"], _stage_services(ir, "service")),
        allow(["ecs:DescribeServiceDeployments"], _stage_services(ir, "service-deployment")),
        allow(["ecs:DescribeServiceRevisions"], _stage_services(ir, "service-revision")),
        # raising a 0-task stage's autoscaling floor; scalable targets carry random IDs
        allow(["application-autoscaling:RegisterScalableTarget"], ["*"]),
    ]


def _environment(ir: StackIR, privileged: bool) -> codebuild.Environment:
    uri = Ref(RegistryOut.REPOSITORY_URI.value)
    variables = {
        # the registry host: the repository URI up to its first '/'
        "ECR_ENDPOINT": Select(0, Split("/", uri)),
        "ECR_IMAGE_URL": uri,
    }
    return codebuild.Environment(
        Type="LINUX_CONTAINER",
        ComputeType=ir.pipeline.codebuild_compute_type,
        Image=ir.pipeline.image,
        ImagePullCredentialsType="CODEBUILD",
        PrivilegedMode=privileged,
        EnvironmentVariables=[
            codebuild.EnvironmentVariable(Name=k, Type="PLAINTEXT", Value=v)
            for k, v in variables.items()
        ],
    )


def _buildspec(ir: StackIR, file_name: str) -> str:
    if ir.pipeline.buildspecs == "inline":
        return render_buildspec(file_name, ir)
    return file_name  # committed at the root of the application's repository


def _project(
    title: str, ir: StackIR, role: Any, group: logs.LogGroup, file_name: str, timeout: int
) -> codebuild.Project:
    return codebuild.Project(
        title,
        Description=f"{ir.name}: {file_name}",
        ServiceRole=GetAtt(role, "Arn"),
        Source=codebuild.Source(Type="CODEPIPELINE", BuildSpec=_buildspec(ir, file_name)),
        Artifacts=codebuild.Artifacts(Type="CODEPIPELINE"),
        Environment=_environment(ir, privileged=file_name == BUILD_FILE),
        TimeoutInMinutes=timeout,
        LogsConfig=codebuild.LogsConfig(
            CloudWatchLogs=codebuild.CloudWatchLogs(Status="ENABLED", GroupName=Ref(group))
        ),
        **tag_list(ir),
    )


def add_projects(
    template: Template, ir: StackIR, artifacts: s3.Bucket, source_grants: list[Statement]
) -> Projects:
    """Add both projects, their log groups and roles to `template`."""
    build_logs = template.add_resource(retained_log_group("BuildLogGroup", ir))
    release_logs = template.add_resource(retained_log_group("ReleaseLogGroup", ir))
    push = [
        allow(["ecr:GetAuthorizationToken"], ["*"]),  # the ECR login has no resource scope
        allow(_PUSH, [Ref(RegistryOut.REPOSITORY_ARN.value)]),
    ]
    build_role = template.add_resource(
        service_role(
            "BuildRole",
            "codebuild.amazonaws.com",
            _common_grants(build_logs, artifacts) + push + source_grants,
            ir,
        )
    )
    release_role = template.add_resource(
        service_role(
            "ReleaseRole",
            "codebuild.amazonaws.com",
            _common_grants(release_logs, artifacts) + _release_grants(ir) + source_grants,
            ir,
        )
    )
    timeout = ir.pipeline.timeout_minutes
    build = _project(BUILD_PROJECT, ir, build_role, build_logs, BUILD_FILE, timeout)
    release_timeout = max(timeout, RELEASE_TIMEOUT_FLOOR_MINUTES)
    release = _project(
        RELEASE_PROJECT, ir, release_role, release_logs, RELEASE_FILE, release_timeout
    )
    return Projects(template.add_resource(build), template.add_resource(release))
