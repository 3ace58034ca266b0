"""IAM roles an AWS service assumes, as every stack writes them.

The trust policy naming one service principal, and a role holding one inline policy of
plain statement data. The pipeline's roles, the task roles and the inline functions' roles
are all built here, so a change to how tinystack trusts a service is made once.
"""

from __future__ import annotations

from typing import Any

from troposphere import iam

from compiler.cfn.common.tagging import tag_list
from compiler.ir.model import StackIR

Statement = dict[str, Any]

# The only actions granted on Resource "*": none accepts a narrower resource (AWS Service
# Authorization Reference, "Resource types" column empty), or the resource's ARN cannot be
# known. Action -> why. tests/cfn/test_iam_audit.py holds every template to this list.
ACTIONS_WITHOUT_RESOURCE_SCOPE: dict[str, str] = {
    "ecr:GetAuthorizationToken": "the registry login token has no resource type",
    "ssmmessages:CreateControlChannel": "ECS Exec's session channels have no resource type",
    "ssmmessages:CreateDataChannel": "ECS Exec's session channels have no resource type",
    "ssmmessages:OpenControlChannel": "ECS Exec's session channels have no resource type",
    "ssmmessages:OpenDataChannel": "ECS Exec's session channels have no resource type",
    "autoscaling:DescribeAutoScalingGroups": "Describe* of Auto Scaling has no resource type",
    "ecs:ListServices": "no resource type; the statement carries an ecs:cluster condition",
    "application-autoscaling:RegisterScalableTarget": "a scalable target's ARN holds a random "
    "ID that neither CloudFormation nor the release step can name in advance",
}


def statement(actions: list[str], resource: Any, **extra: Any) -> Statement:
    """One Allow statement, actions in the order given (`extra`: e.g. a Condition)."""
    return {"Effect": "Allow", "Action": actions, "Resource": resource, **extra}


def secrets_manager_arns(arn: str) -> list[str]:
    """The ARNs IAM must allow to read the Secrets Manager secret `arn` names.

    The ARN may be partial (without the 6-character suffix AWS adds to the name), which
    the services resolve but IAM does not match, and may end in `:json-key:stage:id`:
    allow the secret's ARN as written and with any suffix.
    https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_iam-policies.html
    """
    base = ":".join(arn.split(":")[:7])
    return [base, f"{base}-??????"]


def trust_policy(service: str) -> dict[str, Any]:
    """The policy that lets `service` (e.g. 'lambda.amazonaws.com') assume a role."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
        ],
    }


def service_role(
    title: str,
    service: str,
    statements: list[Statement],
    ir: StackIR,
    policy_name: str | None = None,
) -> iam.Role:
    """A role `service` assumes, allowed only `statements` (policy named `title` by default)."""
    policy = iam.Policy(
        PolicyName=policy_name or title,
        PolicyDocument={"Version": "2012-10-17", "Statement": statements},
    )
    return iam.Role(
        title, AssumeRolePolicyDocument=trust_policy(service), Policies=[policy], **tag_list(ir)
    )
