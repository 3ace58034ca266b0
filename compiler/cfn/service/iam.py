"""The task's two roles in service-<stage>.yaml, least privilege.

Execution role (what ECS does before the app runs): pull from this repository, write to
this log group, read only the secrets the spec names. Task role (what the app itself
may do): only the ECS Exec channels, so `aws ecs execute-command` works.
"""

from __future__ import annotations

from troposphere import GetAtt, Ref, Template, iam

from compiler.cfn.common.outputs import RegistryOut
from compiler.cfn.common.roles import Statement, secrets_manager_arns, service_role, statement
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
    return statements


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
    ]
    template.add_resource(_role("ExecutionRole", ir, execution))
    # The Session Manager channels have no resource type: AWS requires "*".
    template.add_resource(_role("TaskRole", ir, [statement(_EXEC_ACTIONS, "*")]))
