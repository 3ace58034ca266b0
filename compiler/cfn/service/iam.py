"""The task's two roles in service-<stage>.yaml, least privilege.

Execution role (what ECS does before the app runs): pull from this repository, write to
this log group, read only the secrets the spec names (and decrypt them through their
store, for a secret under a customer-managed KMS key) and the database's managed secret.
Task role (what the app itself may do): the ECS Exec channels when `exec` is on, so `aws
ecs execute-command` works, and exactly the access each of the stage's stores needs.
"""

from __future__ import annotations

from troposphere import GetAtt, Ref, Sub, Template, iam

from compiler.cfn.common.outputs import RegistryOut
from compiler.cfn.common.roles import (
    Statement,
    secrets_manager_arns,
    service_role,
    statement,
    trust_policy,
)
from compiler.cfn.common.tagging import tag_list
from compiler.cfn.service.data_access import data_execution_statements, data_task_statements
from compiler.ir.model import SecretIR, StackIR, StageIR

# The IAM action that reads each kind of secret store through `valueFrom`.
SECRET_ACTIONS: dict[str, str] = {
    "ssm": "ssm:GetParameters",
    "secretsmanager": "secretsmanager:GetSecretValue",
}
_EXEC_ACTIONS = [
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
]


def secret_resources(secret: SecretIR) -> list[str]:
    """The ARNs IAM must allow for one secret's `valueFrom` (an SSM parameter as written)."""
    if secret.store == "secretsmanager":
        return secrets_manager_arns(secret.arn)
    return [secret.arn]


def _role(name: str, ir: StackIR, statements: list[Statement]) -> iam.Role:
    return service_role(name, "ecs-tasks.amazonaws.com", statements, ir, policy_name="task")


def _secret_statements(stage: StageIR) -> list[Statement]:
    statements = []
    for store, action in SECRET_ACTIONS.items():
        arns = sorted(
            {arn for s in stage.app.secrets if s.store == store for arn in secret_resources(s)}
        )
        if arns:
            statements.append(statement([action], arns))
    stores = sorted({str(s.store) for s in stage.app.secrets})
    if stores:
        statements.append(_decrypt_through(stores))
    return statements


def _decrypt_through(stores: list[str]) -> Statement:
    """kms:Decrypt on this region's keys, only as the secret stores call it.

    A secret under a customer-managed key fails at task start without it
    (ResourceInitializationError); the spec does not name the key, so the grant is any key
    of the region, used only through Secrets Manager or SSM on the task's behalf.
    https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
    """
    # kms:ViaService names the calling service's endpoint: <prefix>.<region>.amazonaws.com
    via = [Sub(f"{store}.${{AWS::Region}}.${{AWS::URLSuffix}}") for store in stores]
    return statement(
        ["kms:Decrypt"],
        Sub("arn:${AWS::Partition}:kms:${AWS::Region}:*:key/*"),
        Condition={"StringEquals": {"kms:ViaService": via}},
    )


def add_task_roles(template: Template, ir: StackIR, stage: StageIR) -> None:
    """Add ExecutionRole and TaskRole."""
    execution = [
        # GetAuthorizationToken has no resource type: AWS requires "*".
        statement(["ecr:GetAuthorizationToken"], "*"),
        statement(
            ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
            Ref(RegistryOut.REPOSITORY_ARN.value),
        ),
        statement(["logs:CreateLogStream", "logs:PutLogEvents"], GetAtt("LogGroup", "Arn")),
        *_secret_statements(stage),
        *data_execution_statements(stage.data),
    ]
    template.add_resource(_role("ExecutionRole", ir, execution))
    template.add_resource(_task_role(ir, stage))


def _task_role(ir: StackIR, stage: StageIR) -> iam.Role:
    # The Session Manager channels have no resource type: AWS requires "*".
    exec_channels = [statement(_EXEC_ACTIONS, "*")] if stage.app.exec else []
    task = [*exec_channels, *data_task_statements(stage.data)]
    if task:
        return _role("TaskRole", ir, task)
    # The app's own identity, with no permission until something grants one.
    return iam.Role(
        "TaskRole", AssumeRolePolicyDocument=trust_policy("ecs-tasks.amazonaws.com"), **tag_list(ir)
    )
