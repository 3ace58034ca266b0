"""A stage's service stack: service-<stage>.yaml.

The task definition (awsvpc, image `<repository>:<stage>`, the spec's port, size,
environment, secrets as valueFrom, the container health check, awslogs), its retained log
group, the task and execution roles (iam.py), the task security group admitting
only the endpoint's group on the app port, the stores' variables, secret and security
group rules (data_access.py), the desired-count custom resource (desired_count.py), the
ECS service (circuit breaker with rollback, ECS Exec when `exec`, registered
with the target group or the Cloud Map service) and its autoscaling (scaling.py).
Outputs (`ServiceOut`): ServiceName, ServiceArn, LogGroupName.
"""

from __future__ import annotations

import shlex
from typing import Any

from troposphere import GetAtt, Output, Parameter, Ref, Split, Template, ecs

from compiler.cfn.common.log_groups import retained_log_group
from compiler.cfn.common.outputs import ClusterOut, EndpointOut, NetworkOut, RegistryOut, ServiceOut
from compiler.cfn.common.security_group import security_group
from compiler.cfn.common.substitution import sub_join
from compiler.cfn.common.tagging import tag_list
from compiler.cfn.data.outputs import data_outputs
from compiler.cfn.endpoint.front_door import app_port_rule
from compiler.cfn.service.data_access import add_store_ingress, data_environment, data_secrets
from compiler.cfn.service.desired_count import RESOURCE as DESIRED_COUNT
from compiler.cfn.service.desired_count import add_desired_count, seal_fingerprint
from compiler.cfn.service.iam import add_task_roles
from compiler.cfn.service.scaling import add_scaling
from compiler.ir.model import StackIR, StageIR

CONTAINER = "app"
_COMMON_PARAMETERS = (
    ClusterOut.CLUSTER_NAME,
    ClusterOut.CLUSTER_ARN,
    ClusterOut.CAPACITY_PROVIDER,
    NetworkOut.VPC_ID,
    NetworkOut.TASK_SUBNET_IDS,
    RegistryOut.REPOSITORY_NAME,
    RegistryOut.REPOSITORY_URI,
    RegistryOut.REPOSITORY_ARN,
    EndpointOut.FRONT_SECURITY_GROUP_ID,
)
# The endpoint output the service registers with, per endpoint type.
REGISTRATION: dict[str, EndpointOut] = {
    "api-gateway": EndpointOut.DISCOVERY_SERVICE_ARN,
    "alb": EndpointOut.TARGET_GROUP_ARN,
}


def service_parameters(stage: StageIR) -> tuple[str, ...]:
    """Names of the service stack's parameters (wired by the stage stack)."""
    return (
        *(p.value for p in _COMMON_PARAMETERS),
        REGISTRATION[stage.endpoint.type].value,
        *data_outputs(stage.data),  # every store's coordinates
    )


def health_command(port: int, path: str) -> list[str]:
    """The default container health check: curl, or wget where the image has no curl."""
    # One shell word: `&`, `;` and `$(` are URL characters the path may hold.
    url = shlex.quote(f"http://localhost:{port}{path}")
    return ["CMD-SHELL", f"curl -fsS -o /dev/null {url} || wget -q -O /dev/null {url} || exit 1"]


def _health_check(stage: StageIR) -> dict[str, ecs.HealthCheck]:
    """The container health check: the spec's command, else (api-gateway only) the default.

    Behind an ALB the target group checks `path`, so the container carries a check only
    when the spec asks for one; under api-gateway nothing in front checks the tasks.
    """
    check = stage.app.health_check
    if check.command is not None:
        command = list(check.command)
    elif stage.endpoint.type == "api-gateway":
        command = health_command(stage.app.port, check.path)
    else:
        return {}
    # ECS caps the timeout at 60 s and the start period at 300 s.
    return {
        "HealthCheck": ecs.HealthCheck(
            Command=command,
            Interval=check.interval_seconds,
            Timeout=min(check.timeout_seconds, 60),
            Retries=check.unhealthy_threshold,
            StartPeriod=min(check.grace_period_seconds, 300),
        )
    }


def _container(stage: StageIR) -> ecs.ContainerDefinition:
    app = stage.app
    extra: dict[str, Any] = {"Command": list(app.command)} if app.command else {}
    # the stores' variables and secret with the spec's own (TS261: no name is in both)
    environment = sorted({**dict(app.environment), **data_environment(stage.data)}.items())
    secrets = [ecs.Secret(Name=s.name, ValueFrom=s.arn) for s in app.secrets]
    secrets = sorted([*secrets, *data_secrets(stage.data)], key=lambda s: str(s.Name))
    return ecs.ContainerDefinition(
        Name=CONTAINER,
        # Always the stage tag: a release moves the tag and never changes this template.
        Image=sub_join(Ref(RegistryOut.REPOSITORY_URI.value), f":{stage.name}"),
        Essential=True,
        PortMappings=[ecs.PortMapping(ContainerPort=app.port, Protocol="tcp")],
        Environment=[ecs.Environment(Name=k, Value=v) for k, v in environment],
        Secrets=secrets,
        **_health_check(stage),
        LogConfiguration=ecs.LogConfiguration(
            LogDriver="awslogs",
            Options={
                "awslogs-group": Ref("LogGroup"),
                "awslogs-region": Ref("AWS::Region"),
                "awslogs-stream-prefix": stage.name,
            },
        ),
        **extra,
    )


def _task(template: Template, ir: StackIR, stage: StageIR) -> None:
    template.add_resource(retained_log_group("LogGroup", ir))
    add_task_roles(template, ir, stage)
    template.add_resource(
        ecs.TaskDefinition(
            "TaskDefinition",
            NetworkMode="awsvpc",
            RequiresCompatibilities=["FARGATE" if stage.compute.type == "fargate" else "EC2"],
            Cpu=str(stage.app.cpu),
            Memory=str(stage.app.memory),
            ExecutionRoleArn=GetAtt("ExecutionRole", "Arn"),
            TaskRoleArn=GetAtt("TaskRole", "Arn"),
            ContainerDefinitions=[_container(stage)],
            **tag_list(ir),
        )
    )
    front_door = Ref(EndpointOut.FRONT_SECURITY_GROUP_ID.value)
    template.add_resource(
        security_group(
            "TaskSecurityGroup",
            GroupDescription=f"{stage.names.prefix} tasks: the app port from the endpoint only",
            VpcId=Ref(NetworkOut.VPC_ID.value),
            SecurityGroupIngress=[
                app_port_rule(stage, "from the endpoint", SourceSecurityGroupId=front_door)
            ],
            **tag_list(ir),
        )
    )


def _registration(stage: StageIR) -> dict[str, Any]:
    """How the service joins its front door: target group (alb) or Cloud Map (SRV)."""
    port = stage.app.port
    if stage.endpoint.type == "alb":
        return {
            "LoadBalancers": [
                ecs.LoadBalancer(
                    ContainerName=CONTAINER,
                    ContainerPort=port,
                    TargetGroupArn=Ref(EndpointOut.TARGET_GROUP_ARN.value),
                )
            ],
            "HealthCheckGracePeriodSeconds": stage.app.health_check.grace_period_seconds,
        }
    registry = ecs.ServiceRegistry(
        RegistryArn=Ref(EndpointOut.DISCOVERY_SERVICE_ARN.value),
        ContainerName=CONTAINER,
        ContainerPort=port,
    )
    return {"ServiceRegistries": [registry]}


def _network(ir: StackIR, stage: StageIR) -> ecs.NetworkConfiguration:
    vpc: dict[str, Any] = {
        "Subnets": Split(",", Ref(NetworkOut.TASK_SUBNET_IDS.value)),
        "SecurityGroups": [Ref("TaskSecurityGroup")],
    }
    # Only Fargate tasks take AssignPublicIp (awsvpc tasks on EC2 never get one).
    if stage.compute.type == "fargate":
        vpc["AssignPublicIp"] = "ENABLED" if ir.network.tasks_in_public_subnets else "DISABLED"
    return ecs.NetworkConfiguration(AwsvpcConfiguration=ecs.AwsvpcConfiguration(**vpc))


def _service(template: Template, ir: StackIR, stage: StageIR) -> None:
    extra: dict[str, Any] = {"PlatformVersion": "LATEST"} if stage.compute.type == "fargate" else {}
    ingress = add_store_ingress(template, stage)
    if ingress:  # tasks connect to their stores as they start
        extra["DependsOn"] = ingress
    template.add_resource(
        ecs.Service(
            "Service",
            Cluster=Ref(ClusterOut.CLUSTER_NAME.value),
            TaskDefinition=Ref("TaskDefinition"),
            DesiredCount=GetAtt(DESIRED_COUNT, "DesiredCount"),
            CapacityProviderStrategy=[
                ecs.CapacityProviderStrategyItem(
                    CapacityProvider=Ref(ClusterOut.CAPACITY_PROVIDER.value), Weight=1
                )
            ],
            DeploymentConfiguration=ecs.DeploymentConfiguration(
                DeploymentCircuitBreaker=ecs.DeploymentCircuitBreaker(Enable=True, Rollback=True),
                MaximumPercent=200,
                MinimumHealthyPercent=100,
            ),
            NetworkConfiguration=_network(ir, stage),
            EnableExecuteCommand=stage.app.exec,
            EnableECSManagedTags=True,
            PropagateTags="SERVICE",
            **_registration(stage),
            **extra,
            **tag_list(ir),
        )
    )


def build_service(ir: StackIR, stage: StageIR) -> Template:
    """The service stack of one stage: task, roles, service, desired count, autoscaling."""
    template = Template(Description=f"{stage.names.prefix}: ECS service")
    for name in service_parameters(stage):
        template.add_parameter(Parameter(name, Type="String"))
    _task(template, ir, stage)
    add_desired_count(template, ir, stage)
    _service(template, ir, stage)
    add_scaling(template, ir, stage)
    seal_fingerprint(template)
    outputs = {
        ServiceOut.SERVICE_NAME: GetAtt("Service", "Name"),
        ServiceOut.SERVICE_ARN: Ref("Service"),
        ServiceOut.LOG_GROUP_NAME: Ref("LogGroup"),
    }
    for out, value in outputs.items():
        template.add_output(Output(out.value, Value=value))
    return template
