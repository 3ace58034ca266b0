"""The desired-count custom resource of a stage's service stack (SPEC "First deploy").

An inline Python function (functions/desired_count.py, embedded as ZipFile) with a
least-privilege role and its own retained log group, and the `Custom::DesiredCount`
resource whose attributes DesiredCount and MinCapacity feed the ECS service and the
autoscaling floor. CloudFormation pushes the last answer into the Service and the
ScalableTarget whenever either is updated, so the function must be asked again first:
`seal_fingerprint` hashes exactly what those two are built from (their resources and all
they reference in the template) into `Fingerprint`, and lists the stack parameters they
read as `Inputs`. Any change that can update them re-asks the function; a change elsewhere
(another stage, the pipeline, alarms, a scaling policy) leaves this resource alone.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from troposphere import Ref, Sub, Template
from troposphere.cloudformation import CustomResource

from compiler.cfn.common.inline_function import InlineFunction, add_inline_function
from compiler.cfn.common.outputs import ClusterOut, RegistryOut
from compiler.cfn.common.roles import Statement, statement
from compiler.cfn.render import plain_data
from compiler.ir.model import StackIR, StageIR

RESOURCE = "DesiredCount"
FUNCTION = InlineFunction(
    stem="DesiredCount",
    source_file="desired_count.py",
    policy_name="desired-count",
    purpose="the ECS service's desired count for CloudFormation",
    timeout_seconds=60,
)
SERVICE_TIMEOUT_SECONDS = 300
# The resources CloudFormation gives the answer to (DesiredCount, MinCapacity).
READERS = ("Service", "ScalableTarget")
_SUB_NAME = re.compile(r"\$\{([A-Za-z0-9]+)[.}]")


class DesiredCountResource(CustomResource):  # type: ignore[misc]
    resource_type = "Custom::DesiredCount"


def _names(node: Any) -> set[str]:
    """Logical names a template fragment refers to: Ref, Fn::GetAtt, Fn::Sub, DependsOn."""
    if isinstance(node, list):
        return set().union(*map(_names, node))
    if not isinstance(node, dict):
        return set()
    found = set().union(*map(_names, node.values()))
    ref, att, sub = node.get("Ref"), node.get("Fn::GetAtt"), node.get("Fn::Sub")
    depends = node.get("DependsOn", [])
    found.update([ref] if isinstance(ref, str) else [])
    found.update([att[0]] if isinstance(att, list) else [])
    found.update(_SUB_NAME.findall(sub[0] if isinstance(sub, list) else str(sub or "")))
    found.update([depends] if isinstance(depends, str) else depends)
    return found


def _closure(resources: dict[str, Any]) -> dict[str, Any]:
    """READERS and every resource they reach, except this one (whose answer they read), as
    plain data by name, sorted (only these are turned into data: half the stack)."""
    seen: dict[str, Any] = {}
    todo = list(READERS)
    while todo:
        name = todo.pop()
        if name in seen or name == RESOURCE or name not in resources:
            continue
        seen[name] = plain_data(resources[name])
        todo += _names(seen[name])
    return dict(sorted(seen.items()))


def seal_fingerprint(template: Template) -> None:
    """Set Fingerprint and Inputs once the service stack is complete (see the docstring)."""
    inputs = _closure(template.resources)
    read = set().union(*map(_names, inputs.values()))
    raw = json.dumps(inputs, sort_keys=True).encode()
    custom = template.resources[RESOURCE]
    custom.Inputs = [Ref(p) for p in sorted(read & set(template.parameters))]
    custom.Fingerprint = hashlib.sha256(raw).hexdigest()[:16]


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
    function_arn = add_inline_function(template, ir, stage.names.prefix, FUNCTION, _grants())
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
        )
    )
