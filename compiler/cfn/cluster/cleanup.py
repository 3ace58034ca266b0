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

from troposphere import GetAtt, Ref, Sub, Template
from troposphere.cloudformation import CustomResource

from compiler.cfn.common.inline_function import InlineFunction, add_inline_function
from compiler.cfn.common.roles import statement
from compiler.ir.model import StackIR, StageIR

RESOURCE = "AsgCleanup"
FUNCTION = InlineFunction(
    stem="AsgCleanup",
    source_file="asg_cleanup.py",
    policy_name="asg-cleanup",
    purpose="force-deletes the ECS instances on stack delete",
    timeout_seconds=600,
)
# Above the function's own timeout: its answer always comes first.
SERVICE_TIMEOUT_SECONDS = 900
_GROUP_ARN = (
    "arn:${AWS::Partition}:autoscaling:${AWS::Region}:${AWS::AccountId}:autoScalingGroup:*:"
    "autoScalingGroupName/${AutoScalingGroup}"
)


class AsgCleanupResource(CustomResource):  # type: ignore[misc]
    resource_type = "Custom::AsgCleanup"


def add_asg_cleanup(template: Template, ir: StackIR, stage: StageIR) -> str:
    """Add the cleanup function and resource; returns the logical ID the provider waits on."""
    grants = [
        statement(["autoscaling:DeleteAutoScalingGroup"], Sub(_GROUP_ARN)),
        # DescribeAutoScalingGroups has no resource-level permissions: AWS requires "*".
        statement(["autoscaling:DescribeAutoScalingGroups"], "*"),
        statement(
            ["ecs:ListContainerInstances", "ecs:DeregisterContainerInstance"],
            GetAtt("Cluster", "Arn"),
        ),
    ]
    function_arn = add_inline_function(template, ir, stage.names.prefix, FUNCTION, grants)
    template.add_resource(
        AsgCleanupResource(
            RESOURCE,
            ServiceToken=function_arn,
            ServiceTimeout=SERVICE_TIMEOUT_SECONDS,
            AutoScalingGroupName=Ref("AutoScalingGroup"),
            Cluster=Ref("Cluster"),
        )
    )
    return RESOURCE
