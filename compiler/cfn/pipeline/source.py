"""The pipeline's Source stage: a CodeConnections repository or an S3 object.

github/gitlab/bitbucket: an `AWS::CodeStarConnections::Connection` (created unless the
spec names one) and a CodeStarSourceConnection action producing a full-clone reference,
so the build sees git metadata. s3: the source bucket (created versioned unless named),
an S3 action that does not poll, and an EventBridge rule on the object's uploads that
starts the pipeline; optionally the webhook function that feeds the object (see
webhook.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from troposphere import (
    GetAtt,
    Join,
    Ref,
    Select,
    Split,
    Sub,
    Template,
    codepipeline,
    codestarconnections,
    events,
)

from compiler.cfn.common.names import stack_uuid
from compiler.cfn.common.outputs import PipelineOut
from compiler.cfn.common.private_buckets import tls_only_policy
from compiler.cfn.common.roles import Statement, service_role
from compiler.cfn.common.tagging import tag_list
from compiler.cfn.pipeline.buckets import source_bucket
from compiler.cfn.pipeline.roles import allow, bucket_arn
from compiler.cfn.pipeline.webhook import add_webhook
from compiler.ir.model import SourceIR, StackIR
from compiler.ir.names import shorten

SOURCE_ARTIFACT = "SourceOutput"
SOURCE_NAMESPACE = "SourceVariables"
CONNECTION = "SourceConnection"
CONNECTION_NAME_LIMIT = 32  # AWS::CodeStarConnections::Connection ConnectionName
STACK_ID_DIGITS = 8  # the first group of the stack's UUID

_PROVIDER_TYPES = {"github": "GitHub", "gitlab": "GitLab", "bitbucket": "Bitbucket"}
# CodeStar Connections was renamed CodeConnections; IAM knows the action under both prefixes.
_USE_CONNECTION = ["codestar-connections:UseConnection", "codeconnections:UseConnection"]


@dataclass
class SourcePart:
    """What the rest of the pipeline stack needs from the source."""

    action: codepipeline.Actions
    pipeline_grants: list[Statement]  # for the pipeline's role
    codebuild_grants: list[Statement]  # for the CodeBuild roles (a full clone uses the connection)
    outputs: dict[PipelineOut, Any] = field(default_factory=dict)
    bucket_name: Any = None  # s3: a Ref or the given name, for the upload trigger


def pipeline_arn(pipeline: codepipeline.Pipeline) -> Sub:
    """The ARN of the pipeline resource."""
    return Sub(
        "arn:${AWS::Partition}:codepipeline:${AWS::Region}:${AWS::AccountId}:${Name}",
        Name=Ref(pipeline),
    )


def add_source(template: Template, ir: StackIR) -> SourcePart:
    """Add the source's resources to `template` and return its action and grants."""
    if ir.source.provider == "s3":
        return _s3_source(template, ir)
    return _connection_source(template, ir)


def _connection_name(ir: StackIR) -> Join:
    """`<name>-<provider>-<8 hex of the stack id>`: connection names are unique per account,
    so two stacks of one spec (say, under two --stack-name) must not share one."""
    head = shorten(f"{ir.name}-{ir.source.provider}", CONNECTION_NAME_LIMIT - STACK_ID_DIGITS - 1)
    return Join("-", [head, Select(0, Split("-", stack_uuid()))])


def _connection_source(template: Template, ir: StackIR) -> SourcePart:
    source = ir.source
    arn: Any = source.connection_arn
    if source.creates_connection:
        connection = codestarconnections.Connection(
            CONNECTION,
            ConnectionName=_connection_name(ir),
            **tag_list(ir),
        )
        # troposphere's validator predates GitLab connections; CloudFormation accepts it
        connection.properties["ProviderType"] = _PROVIDER_TYPES[source.provider]
        template.add_resource(connection)
        arn = GetAtt(connection, "ConnectionArn")
    action = codepipeline.Actions(
        Name="Source",
        ActionTypeId=codepipeline.ActionTypeId(
            Category="Source", Owner="AWS", Provider="CodeStarSourceConnection", Version="1"
        ),
        Configuration={
            "ConnectionArn": arn,
            "FullRepositoryId": source.repository,
            "BranchName": source.branch,
            # a reference CodeBuild clones in full: the build sees the commit and git history
            "OutputArtifactFormat": "CODEBUILD_CLONE_REF",
            "DetectChanges": True,
        },
        OutputArtifacts=[codepipeline.OutputArtifacts(Name=SOURCE_ARTIFACT)],
        Namespace=SOURCE_NAMESPACE,
        RunOrder=1,
    )
    grant = allow(_USE_CONNECTION, [arn])
    return SourcePart(action, [grant], [grant], {PipelineOut.CONNECTION_ARN: arn})


def _s3_source(template: Template, ir: StackIR) -> SourcePart:
    source = ir.source
    name: Any = source.bucket
    if source.creates_bucket:
        bucket = template.add_resource(source_bucket(ir))
        template.add_resource(tls_only_policy(bucket))
        name = Ref(bucket)
    key = _key(source)
    action = codepipeline.Actions(
        Name="Source",
        ActionTypeId=codepipeline.ActionTypeId(
            Category="Source", Owner="AWS", Provider="S3", Version="1"
        ),
        # EventBridge starts the pipeline on upload; polling would double-start it
        Configuration={"S3Bucket": name, "S3ObjectKey": key, "PollForSourceChanges": False},
        OutputArtifacts=[codepipeline.OutputArtifacts(Name=SOURCE_ARTIFACT)],
        Namespace=SOURCE_NAMESPACE,
        RunOrder=1,
    )
    object_arn = bucket_arn(name, f"/{key}")
    grants = [
        allow(["s3:GetObject", "s3:GetObjectVersion"], [object_arn]),
        allow(["s3:GetBucketVersioning", "s3:GetBucketLocation"], [bucket_arn(name)]),
    ]
    outputs: dict[PipelineOut, Any] = {PipelineOut.SOURCE_BUCKET_NAME: name}
    if source.webhook is not None:
        outputs |= add_webhook(template, ir, source.webhook, name, key)
    return SourcePart(action, grants, [], outputs, bucket_name=name)


def _key(source: SourceIR) -> str:
    assert source.key is not None  # lower() sets the default key for provider s3
    return source.key


def add_upload_trigger(
    template: Template, ir: StackIR, part: SourcePart, pipeline: codepipeline.Pipeline
) -> None:
    """provider s3: an EventBridge rule starting `pipeline` when the source object is written."""
    if part.bucket_name is None:
        return
    arn = pipeline_arn(pipeline)
    role = template.add_resource(
        service_role(
            "SourceTriggerRole",
            "events.amazonaws.com",
            [allow(["codepipeline:StartPipelineExecution"], [arn])],
            ir,
        )
    )
    pattern = {
        "source": ["aws.s3"],
        "detail-type": ["Object Created"],
        "detail": {"bucket": {"name": [part.bucket_name]}, "object": {"key": [_key(ir.source)]}},
    }
    template.add_resource(
        events.Rule(
            "SourceTriggerRule",
            Description=f"start the {ir.name} pipeline when its source object is uploaded",
            EventPattern=pattern,
            State="ENABLED",
            Targets=[events.Target(Id="pipeline", Arn=arn, RoleArn=GetAtt(role, "Arn"))],
            **tag_list(ir),
        )
    )
