"""The EC2 cluster's teardown helper (part of cluster-<stage>.yaml).

Deleting a stack whose ECS capacity provider has managed termination protection hangs: the
provider goes first and leaves its instances protected from scale-in, so CloudFormation's
delete of the Auto Scaling group waits on instances that never terminate
(https://github.com/aws/containers-roadmap/issues/2862). The `Custom::AsgCleanup` resource
sits between the two: it is deleted after the capacity provider and before the group, and
its inline function (functions/asg_cleanup.py) force-deletes the group and deregisters
what is left in the cluster. It does nothing on create and update.
"""

from __future__ import annotations

from importlib.resources import files

from troposphere import GetAtt, Ref, Sub, Template, awslambda, logs
from troposphere.cloudformation import CustomResource

from compiler.cfn.roles import service_role, statement
from compiler.cfn.tagging import tag_list
from compiler.ir.model import StackIR, StageIR

RESOURCE = "AsgCleanup"
FUNCTION_TIMEOUT_SECONDS = 600
# Above the function's own timeout: its answer always comes first.
SERVICE_TIMEOUT_SECONDS = 900
_GROUP_ARN = (
    "arn:${AWS::Partition}:autoscaling:${AWS::Region}:${AWS::AccountId}:autoScalingGroup:*:"
    "autoScalingGroupName/${AutoScalingGroup}"
)


class AsgCleanupResource(CustomResource):  # type: ignore[misc]
    resource_type = "Custom::AsgCleanup"


def cleanup_source() -> str:
    """The function's Python source, as embedded in the template."""
    return files("compiler.cfn.functions").joinpath("asg_cleanup.py").read_text("utf-8")


def _role(template: Template, ir: StackIR) -> None:
    statements = [
        statement(["logs:CreateLogStream", "logs:PutLogEvents"], GetAtt("AsgCleanupLogs", "Arn")),
        statement(["autoscaling:DeleteAutoScalingGroup"], Sub(_GROUP_ARN)),
        # DescribeAutoScalingGroups has no resource-level permissions: AWS requires "*".
        statement(["autoscaling:DescribeAutoScalingGroups"], "*"),
        statement(
            ["ecs:ListContainerInstances", "ecs:DeregisterContainerInstance"],
            GetAtt("Cluster", "Arn"),
        ),
    ]
    template.add_resource(
        service_role(
            "AsgCleanupRole", "lambda.amazonaws.com", statements, ir, policy_name="asg-cleanup"
        )
    )


def add_asg_cleanup(template: Template, ir: StackIR, stage: StageIR) -> str:
    """Add the cleanup function and resource; returns the logical ID the provider waits on."""
    template.add_resource(
        logs.LogGroup(
            "AsgCleanupLogs",
            RetentionInDays=90,
            DeletionPolicy="RetainExceptOnCreate",
            UpdateReplacePolicy="Retain",
            **tag_list(ir),
        )
    )
    _role(template, ir)
    template.add_resource(
        awslambda.Function(
            "AsgCleanupFunction",
            Description=f"{stage.names.prefix}: force-deletes the ECS instances on stack delete",
            Runtime="python3.12",
            Handler="index.handler",
            Code=awslambda.Code(ZipFile=cleanup_source()),
            Role=GetAtt("AsgCleanupRole", "Arn"),
            Timeout=FUNCTION_TIMEOUT_SECONDS,
            MemorySize=128,
            LoggingConfig=awslambda.LoggingConfig(LogGroup=Ref("AsgCleanupLogs")),
            **tag_list(ir),
        )
    )
    template.add_resource(
        AsgCleanupResource(
            RESOURCE,
            ServiceToken=GetAtt("AsgCleanupFunction", "Arn"),
            ServiceTimeout=SERVICE_TIMEOUT_SECONDS,
            AutoScalingGroupName=Ref("AutoScalingGroup"),
            Cluster=Ref("Cluster"),
        )
    )
    return RESOURCE
