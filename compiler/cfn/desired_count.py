"""The desired-count custom resource of a stage's service stack (SPEC "First deploy").

An inline Python function (functions/desired_count.py, embedded as ZipFile) with a
least-privilege role and its own retained log group, and the `Custom::DesiredCount`
resource whose attributes DesiredCount and MinCapacity feed the ECS service and the
autoscaling floor. A hash of the IR is a property, so every change to the stack asks the
function again: the running service's count is read before any change reaches the service.
"""

from __future__ import annotations

import hashlib
import json
from importlib.resources import files

from troposphere import GetAtt, Ref, Sub, Template, awslambda, logs
from troposphere.cloudformation import CustomResource

from compiler.cfn.outputs import ClusterOut, RegistryOut
from compiler.cfn.roles import service_role, statement
from compiler.cfn.tagging import tag_list
from compiler.ir.model import StackIR, StageIR, ir_as_dict

RESOURCE = "DesiredCount"
# Lambda takes at most 4096 characters of inline (ZipFile) code.
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-lambda-function-code.html
ZIPFILE_LIMIT = 4096
SERVICE_TIMEOUT_SECONDS = 300


class DesiredCountResource(CustomResource):  # type: ignore[misc]
    resource_type = "Custom::DesiredCount"


def function_source() -> str:
    """The function's Python source, as embedded in the template."""
    return files("compiler.cfn.functions").joinpath("desired_count.py").read_text("utf-8")


def ir_fingerprint(ir: StackIR) -> str:
    """A short hash of everything the IR decides (changes whenever a template does)."""
    raw = json.dumps(ir_as_dict(ir), sort_keys=True).encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def _role(template: Template, ir: StackIR) -> None:
    cluster_arn = Ref(ClusterOut.CLUSTER_ARN.value)
    services = Sub(
        "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:service/${Cluster}/*",
        Cluster=Ref(ClusterOut.CLUSTER_NAME.value),
    )
    statements = [
        statement(["logs:CreateLogStream", "logs:PutLogEvents"], GetAtt("DesiredCountLogs", "Arn")),
        # ListServices has no resource type; the ecs:cluster condition scopes it.
        statement(["ecs:ListServices"], "*", Condition={"ArnEquals": {"ecs:cluster": cluster_arn}}),
        statement(["ecs:DescribeServices"], services),
        statement(["ecr:DescribeImages"], Ref(RegistryOut.REPOSITORY_ARN.value)),
    ]
    template.add_resource(
        service_role(
            "DesiredCountRole", "lambda.amazonaws.com", statements, ir, policy_name="desired-count"
        )
    )


def add_desired_count(template: Template, ir: StackIR, stage: StageIR) -> None:
    """Add the function, its role and log group, and the DesiredCount custom resource."""
    template.add_resource(
        logs.LogGroup(
            "DesiredCountLogs",
            RetentionInDays=90,
            DeletionPolicy="RetainExceptOnCreate",
            UpdateReplacePolicy="Retain",
            **tag_list(ir),
        )
    )
    _role(template, ir)
    template.add_resource(
        awslambda.Function(
            "DesiredCountFunction",
            Description=f"{stage.names.prefix}: the ECS service's desired count for CloudFormation",
            Runtime="python3.12",
            Handler="index.handler",
            Code=awslambda.Code(ZipFile=function_source()),
            Role=GetAtt("DesiredCountRole", "Arn"),
            Timeout=60,
            MemorySize=128,
            LoggingConfig=awslambda.LoggingConfig(LogGroup=Ref("DesiredCountLogs")),
            **tag_list(ir),
        )
    )
    template.add_resource(
        DesiredCountResource(
            RESOURCE,
            ServiceToken=GetAtt("DesiredCountFunction", "Arn"),
            # Should an answer ever get lost, fail after 5 minutes instead of the default hour.
            ServiceTimeout=SERVICE_TIMEOUT_SECONDS,
            Cluster=Ref(ClusterOut.CLUSTER_ARN.value),
            Repository=Ref(RegistryOut.REPOSITORY_NAME.value),
            Tag=stage.name,
            Desired=stage.scaling.desired,
            Min=stage.scaling.min,
            Fingerprint=ir_fingerprint(ir),
        )
    )
