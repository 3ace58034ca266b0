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

from troposphere import Ref, Sub, Template
from troposphere.cloudformation import CustomResource

from compiler.cfn.inline_function import InlineFunction, add_inline_function
from compiler.cfn.outputs import ClusterOut, RegistryOut
from compiler.cfn.roles import Statement, statement
from compiler.ir.model import StackIR, StageIR, ir_as_dict

RESOURCE = "DesiredCount"
FUNCTION = InlineFunction(
    stem="DesiredCount",
    source_file="desired_count.py",
    policy_name="desired-count",
    purpose="the ECS service's desired count for CloudFormation",
    timeout_seconds=60,
)
SERVICE_TIMEOUT_SECONDS = 300


class DesiredCountResource(CustomResource):  # type: ignore[misc]
    resource_type = "Custom::DesiredCount"


def ir_fingerprint(ir: StackIR) -> str:
    """A short hash of everything the IR decides (changes whenever a template does)."""
    raw = json.dumps(ir_as_dict(ir), sort_keys=True).encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def _grants() -> list[Statement]:
    cluster_arn = Ref(ClusterOut.CLUSTER_ARN.value)
    services = Sub(
        "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:service/${Cluster}/*",
        Cluster=Ref(ClusterOut.CLUSTER_NAME.value),
    )
    return [
        # ListServices has no resource type; the ecs:cluster condition scopes it.
        statement(["ecs:ListServices"], "*", Condition={"ArnEquals": {"ecs:cluster": cluster_arn}}),
        statement(["ecs:DescribeServices"], services),
        statement(["ecr:DescribeImages"], Ref(RegistryOut.REPOSITORY_ARN.value)),
    ]


def add_desired_count(template: Template, ir: StackIR, stage: StageIR) -> None:
    """Add the function, its role and log group, and the DesiredCount custom resource."""
    function_arn = add_inline_function(template, ir, stage, FUNCTION, _grants())
    template.add_resource(
        DesiredCountResource(
            RESOURCE,
            ServiceToken=function_arn,
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
