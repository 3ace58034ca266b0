"""service-<stage>.yaml: what runs, who may reach it, what it may read, how it scales."""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from typing import Any

import pytest
import yaml
from cfn_templates import lint_problems, of_type, only, outputs, resources
from ir_factory import EXAMPLES, SM_ARN, SSM_ARN, example_ir, variant
from stack_irs import lowered
from troposphere import Template

from compiler.cfn.common.inline_function import function_source
from compiler.cfn.common.outputs import ServiceOut
from compiler.cfn.service.stack import build_service
from compiler.ir.model import StackIR

SECRETS = {"API_KEY": SSM_ARN, "DB_PASSWORD": SM_ARN}


def _service(**kwargs: Any) -> tuple[StackIR, Template]:
    ir = variant(**kwargs)
    return ir, build_service(ir, ir.stages[0])


def _container(template: Template) -> dict[str, Any]:
    definitions = only(template, "AWS::ECS::TaskDefinition")["ContainerDefinitions"]
    assert len(definitions) == 1
    container: dict[str, Any] = definitions[0]
    return container


def _statements(template: Template, role: str) -> list[dict[str, Any]]:
    props = resources(template)[role]["Properties"]
    return [s for p in props.get("Policies", []) for s in p["PolicyDocument"]["Statement"]]


@pytest.mark.parametrize(
    ("endpoint", "compute", "egress", "policy"),
    [
        ("api-gateway", "ec2", "nat-gateway", "step"),
        ("api-gateway", "fargate", "public-ip", "target-tracking"),
        ("alb", "ec2", "nat-instance", "target-tracking"),
        ("alb", "fargate", "nat-gateway", "step"),
    ],
)
def test_lints_clean(endpoint: str, compute: str, egress: str, policy: str) -> None:
    _, template = _service(
        endpoint=endpoint,
        compute=compute,
        egress=egress,
        scaling={"policy": policy},
        app={"secrets": SECRETS, "command": ["python", "app.py"]},
    )
    assert lint_problems(template) == ()


def test_every_stage_runs_its_own_stage_tag() -> None:
    ir = example_ir("crud-api")
    assert [s.name for s in ir.stages] == ["dev", "prod"]
    for stage in ir.stages:
        image = _container(build_service(ir, stage))["Image"]
        assert image == {"Fn::Sub": f"${{RepositoryUri}}:{stage.name}"}


def test_task_definition_carries_the_app_settings() -> None:
    _, template = _service(
        compute="fargate",
        app={"port": 8000, "cpu": 512, "memory": 1024, "environment": {"LOG_LEVEL": "info"},
             "secrets": SECRETS, "health_check": {"path": "/ping", "interval_seconds": 20}},
    )  # fmt: skip
    task = only(template, "AWS::ECS::TaskDefinition")
    assert (task["NetworkMode"], task["Cpu"], task["Memory"]) == ("awsvpc", "512", "1024")
    assert task["RequiresCompatibilities"] == ["FARGATE"]
    container = _container(template)
    assert container["PortMappings"] == [{"ContainerPort": 8000, "Protocol": "tcp"}]
    assert {"Name": "LOG_LEVEL", "Value": "info"} in container["Environment"]
    assert container["Secrets"] == [
        {"Name": "API_KEY", "ValueFrom": SSM_ARN},
        {"Name": "DB_PASSWORD", "ValueFrom": SM_ARN},
    ]
    check = container["HealthCheck"]
    assert check["Command"][0] == "CMD-SHELL"
    assert "curl" in check["Command"][1] and "wget" in check["Command"][1]
    assert "http://localhost:8000/ping" in check["Command"][1]
    assert check["Interval"] == 20
    logging = container["LogConfiguration"]
    assert logging["LogDriver"] == "awslogs"
    assert logging["Options"]["awslogs-group"] == {"Ref": "LogGroup"}


def test_log_group_keeps_90_days_and_survives_deletion() -> None:
    _, template = _service()
    group = resources(template)["LogGroup"]
    assert group["Properties"]["RetentionInDays"] == 90
    assert group["DeletionPolicy"] == "RetainExceptOnCreate"
    assert group["UpdateReplacePolicy"] == "Retain"
    assert outputs(template)[ServiceOut.LOG_GROUP_NAME] == {"Ref": "LogGroup"}


def test_execution_role_reads_only_the_named_secrets() -> None:
    _, template = _service(app={"secrets": SECRETS})
    statements = _statements(template, "ExecutionRole")
    by_action = {a: s["Resource"] for s in statements for a in s["Action"]}
    assert by_action["ssm:GetParameters"] == [SSM_ARN]
    assert by_action["secretsmanager:GetSecretValue"] == [SM_ARN, f"{SM_ARN}-??????"]
    assert by_action["ecr:BatchGetImage"] == {"Ref": "RepositoryArn"}


@pytest.mark.parametrize(
    ("value_from", "real_arn"),
    [
        # A partial ARN (no suffix): ECS resolves it, IAM must match the full ARN.
        ("arn:aws:secretsmanager:us-east-1:123456789012:secret:db",
         "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"),
        # A JSON key of a full ARN: IAM sees only the secret's ARN.
        ("arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password::",
         "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"),
    ],
)  # fmt: skip
def test_execution_role_can_read_the_secret_the_task_resolves(
    value_from: str, real_arn: str
) -> None:
    _, template = _service(app={"secrets": {"DB": value_from}})
    statements = _statements(template, "ExecutionRole")
    (granted,) = [
        s["Resource"] for s in statements if "secretsmanager:GetSecretValue" in s["Action"]
    ]
    assert any(fnmatchcase(real_arn, pattern.replace("?", "[!:]")) for pattern in granted)
    other = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dbx-AbCdEf"
    assert not any(fnmatchcase(other, pattern.replace("?", "[!:]")) for pattern in granted)


def test_without_secrets_no_secret_may_be_read() -> None:
    _, template = _service()
    actions = {a for s in _statements(template, "ExecutionRole") for a in s["Action"]}
    assert not {a for a in actions if a.startswith(("ssm:", "secretsmanager:"))}


def test_no_wildcard_actions_and_wildcard_resources_only_where_aws_requires() -> None:
    _, template = _service(app={"secrets": SECRETS, "exec": True})
    allowed_star = {
        "ecr:GetAuthorizationToken",
        "ecs:ListServices",
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
    }
    for role in of_type(template, "AWS::IAM::Role"):
        for statement in _statements(template, role):
            assert "*" not in json.dumps(statement["Action"])
            if statement["Resource"] == "*":
                assert set(statement["Action"]) <= allowed_star, statement


def test_tasks_admit_only_the_endpoint_group_on_the_app_port() -> None:
    _, template = _service(app={"port": 8000})
    group = only(template, "AWS::EC2::SecurityGroup")
    assert group["SecurityGroupIngress"] == [
        {
            "IpProtocol": "tcp",
            "FromPort": 8000,
            "ToPort": 8000,
            "SourceSecurityGroupId": {"Ref": "FrontSecurityGroupId"},
            "Description": "from the endpoint",
        }
    ]


def test_api_gateway_service_registers_srv_in_cloud_map() -> None:
    _, template = _service(endpoint="api-gateway", app={"port": 8000})
    service = only(template, "AWS::ECS::Service")
    assert service["ServiceRegistries"] == [
        {
            "RegistryArn": {"Ref": "DiscoveryServiceArn"},
            "ContainerName": "app",
            "ContainerPort": 8000,
        }
    ]
    assert "LoadBalancers" not in service


def test_alb_service_joins_the_target_group_with_a_grace_period() -> None:
    _, template = _service(endpoint="alb", app={"health_check": {"grace_period_seconds": 90}})
    service = only(template, "AWS::ECS::Service")
    assert service["LoadBalancers"][0]["TargetGroupArn"] == {"Ref": "TargetGroupArn"}
    assert service["HealthCheckGracePeriodSeconds"] == 90
    assert "ServiceRegistries" not in service


def test_service_rolls_back_failed_deployments() -> None:
    _, template = _service()
    service = only(template, "AWS::ECS::Service")
    breaker = service["DeploymentConfiguration"]["DeploymentCircuitBreaker"]
    assert breaker == {"Enable": True, "Rollback": True}
    assert service["CapacityProviderStrategy"] == [
        {"CapacityProvider": {"Ref": "CapacityProvider"}, "Weight": 1}
    ]


@pytest.mark.parametrize(
    ("compute", "egress", "expected"),
    [("fargate", "public-ip", "ENABLED"), ("fargate", "nat-gateway", "DISABLED"),
     ("ec2", "nat-instance", None)],
)  # fmt: skip
def test_public_ip_only_for_tasks_in_public_subnets(
    compute: str, egress: str, expected: str | None
) -> None:
    _, template = _service(compute=compute, egress=egress)
    vpc = only(template, "AWS::ECS::Service")["NetworkConfiguration"]["AwsvpcConfiguration"]
    assert vpc.get("AssignPublicIp") == expected
    assert vpc["Subnets"] == {"Fn::Split": [",", {"Ref": "TaskSubnetIds"}]}


def test_desired_count_comes_from_the_custom_resource() -> None:
    _, template = _service(scaling={"min": 2, "max": 6}, instances={"min": 2, "max": 7})
    service = only(template, "AWS::ECS::Service")
    assert service["DesiredCount"] == {"Fn::GetAtt": ["DesiredCount", "DesiredCount"]}
    custom = resources(template)["DesiredCount"]
    assert custom["Type"] == "Custom::DesiredCount"
    props = custom["Properties"]
    assert (props["Tag"], props["Desired"], props["Min"]) == ("dev", 2, 2)
    assert props["ServiceTimeout"] <= 300  # a lost answer never holds a stack for an hour
    assert props["Cluster"] == {"Ref": "ClusterArn"}
    assert props["Repository"] == {"Ref": "RepositoryName"}
    code = only(template, "AWS::Lambda::Function")["Code"]["ZipFile"]
    assert code == function_source("desired_count.py")


def _asked_with(spec: dict[str, Any], stage: str = "dev") -> tuple[str, list[Any]]:
    """The desired-count resource's Fingerprint and Inputs in `stage` of crud-api + `spec`."""
    data = yaml.safe_load((EXAMPLES / "crud-api.yaml").read_text())
    ir = lowered(data | spec)
    template = build_service(ir, next(s for s in ir.stages if s.name == stage))
    props = resources(template)["DesiredCount"]["Properties"]
    return props["Fingerprint"], props["Inputs"]


def _with_stage(name: str, **settings: Any) -> dict[str, Any]:
    """crud-api's stages, `name` given extra settings."""
    stages = yaml.safe_load((EXAMPLES / "crud-api.yaml").read_text())["stages"]
    return {"stages": [s | settings if s["name"] == name else s for s in stages]}


# changes that can update the Service or the ScalableTarget, which read the function's
# answer: CloudFormation would push a stale count into them unless the function runs again
@pytest.mark.parametrize(
    "spec",
    [
        {"scaling": {"min": 1, "max": 7, "cpu_percent": 75, "policy": "step"}},
        {"app": {"port": 8000, "environment": {"LOG_LEVEL": "debug"}}},
        _with_stage("dev", environment={"STAGE": "dev", "NEW": "1"}),
        {"tags": {"team": "payments"}},
    ],
    ids=["scaling-max", "shared-app-setting", "own-stage", "tags"],
)
def test_desired_count_is_asked_again_when_its_readers_may_change(spec: dict[str, Any]) -> None:
    assert _asked_with(spec)[0] != _asked_with({})[0]


# changes outside the service and its scalable target: the function's answer stays
@pytest.mark.parametrize(
    "spec",
    [
        _with_stage("prod", scaling={"min": 2, "max": 9}),
        {"alarms": {"emails": ["oncall@example.com"]}},
        {"scaling": {"min": 1, "max": 6, "cpu_percent": 60, "policy": "step"}},
        {"pipeline": {"buildspecs": "repository", "compute_type": "small", "timeout_minutes": 45}},
    ],
    ids=["other-stage", "alarm-email", "scaling-policy-only", "pipeline"],
)
def test_desired_count_is_left_alone_by_changes_its_readers_ignore(spec: dict[str, Any]) -> None:
    assert _asked_with(spec) == _asked_with({})


def test_desired_count_inputs_are_the_parameters_its_readers_take() -> None:
    # a new value of any (a replaced cluster, subnet, Cloud Map service) re-asks the function
    _, inputs = _asked_with({})
    assert [i["Ref"] for i in inputs] == [
        "CapacityProvider",
        "ClusterName",
        "DiscoveryServiceArn",
        "FrontSecurityGroupId",
        "RepositoryArn",
        "RepositoryUri",
        "TaskSubnetIds",
        "VpcId",
    ]


def test_desired_count_function_may_only_look_at_this_cluster_and_repository() -> None:
    _, template = _service()
    statements = _statements(template, "DesiredCountRole")
    by_action = {a: s for s in statements for a in s["Action"]}
    assert by_action["ecs:ListServices"]["Condition"] == {
        "ArnEquals": {"ecs:cluster": {"Ref": "ClusterArn"}}
    }
    assert by_action["ecr:DescribeImages"]["Resource"] == {"Ref": "RepositoryArn"}
    assert "ClusterName" in json.dumps(by_action["ecs:DescribeServices"]["Resource"])


def test_step_scaling_alarms_carry_the_spec_thresholds() -> None:
    ir, template = _service(scaling={"cpu_percent": 60, "min": 1, "max": 7, "policy": "step"})
    alarms = {k: v["Properties"] for k, v in of_type(template, "AWS::CloudWatch::Alarm").items()}
    out, scale_in = alarms["ScaleOutAlarm"], alarms["ScaleInAlarm"]
    assert (out["Threshold"], out["ComparisonOperator"]) == (60, "GreaterThanThreshold")
    assert (out["Period"], out["EvaluationPeriods"], out["Statistic"]) == (60, 3, "Average")
    assert out["MetricName"] == "CPUUtilization" and out["Namespace"] == "AWS/ECS"
    assert scale_in["Threshold"] == ir.stages[0].scaling.scale_in_cpu_percent == 30
    assert scale_in["ComparisonOperator"] == "LessThanThreshold"
    assert out["AlarmActions"] == [{"Ref": "ScaleOutPolicy"}]
    policies = {
        k: v["Properties"]
        for k, v in of_type(template, "AWS::ApplicationAutoScaling::ScalingPolicy").items()
    }
    steps = policies["ScaleOutPolicy"]["StepScalingPolicyConfiguration"]["StepAdjustments"]
    assert steps == [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}]
    steps = policies["ScaleInPolicy"]["StepScalingPolicyConfiguration"]["StepAdjustments"]
    assert steps == [{"MetricIntervalUpperBound": 0, "ScalingAdjustment": -1}]
    target = only(template, "AWS::ApplicationAutoScaling::ScalableTarget")
    assert target["MaxCapacity"] == 7
    assert target["MinCapacity"] == {"Fn::GetAtt": ["DesiredCount", "MinCapacity"]}


def test_target_tracking_follows_average_cpu() -> None:
    _, template = _service(scaling={"cpu_percent": 60, "policy": "target-tracking"})
    assert of_type(template, "AWS::CloudWatch::Alarm") == {}
    config = only(template, "AWS::ApplicationAutoScaling::ScalingPolicy")[
        "TargetTrackingScalingPolicyConfiguration"
    ]
    assert config["TargetValue"] == 60.0
    metric = config["PredefinedMetricSpecification"]["PredefinedMetricType"]
    assert metric == "ECSServiceAverageCPUUtilization"


def _exec_actions(template: Template) -> set[str]:
    return {
        a
        for role in of_type(template, "AWS::IAM::Role")
        for s in _statements(template, role)
        for a in s["Action"]
        if a.startswith("ssmmessages:")
    }


def test_ecs_exec_is_off_unless_the_spec_turns_it_on() -> None:
    _, template = _service()
    assert only(template, "AWS::ECS::Service")["EnableExecuteCommand"] is False
    assert _exec_actions(template) == set()
    assert "Policies" not in resources(template)["TaskRole"]["Properties"]
    _, template = _service(app={"exec": True})
    assert only(template, "AWS::ECS::Service")["EnableExecuteCommand"] is True
    assert _exec_actions(template) == {
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
    }


def test_a_stage_exec_overrides_app_exec() -> None:
    ir = lowered(
        {"version": 1, "name": "crud-api", "app": {"exec": True},
         "stages": [{"name": "dev"}, {"name": "prod", "exec": False}]}
    )  # fmt: skip
    dev, prod = (build_service(ir, stage) for stage in ir.stages)
    assert only(dev, "AWS::ECS::Service")["EnableExecuteCommand"] is True
    assert only(prod, "AWS::ECS::Service")["EnableExecuteCommand"] is False
    assert _exec_actions(dev) and not _exec_actions(prod)
    assert lint_problems(prod) == ()


@pytest.mark.parametrize(
    ("secrets", "services"),
    [
        ({"DB": SM_ARN}, ["secretsmanager"]),
        ({"KEY": SSM_ARN}, ["ssm"]),
        (SECRETS, ["secretsmanager", "ssm"]),
    ],
)
def test_execution_role_decrypts_secrets_only_through_their_store(
    secrets: dict[str, str], services: list[str]
) -> None:
    # a secret under a customer-managed KMS key: ECS's agent decrypts it through the store
    _, template = _service(app={"secrets": secrets})
    (decrypt,) = [s for s in _statements(template, "ExecutionRole") if "kms:Decrypt" in s["Action"]]
    assert decrypt["Action"] == ["kms:Decrypt"]
    assert decrypt["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:kms:${AWS::Region}:*:key/*"}
    via = decrypt["Condition"]["StringEquals"]["kms:ViaService"]
    assert via == [{"Fn::Sub": f"{s}.${{AWS::Region}}.${{AWS::URLSuffix}}"} for s in services]
    assert lint_problems(template) == ()


def test_without_secrets_no_key_may_be_used() -> None:
    _, template = _service()
    actions = {a for s in _statements(template, "ExecutionRole") for a in s["Action"]}
    assert not {a for a in actions if a.startswith("kms:")}


def test_health_check_command_replaces_curl_and_wget() -> None:
    command = ["CMD", "/app/healthcheck", "--port", "8000"]
    _, template = _service(app={"health_check": {"command": command}})
    check = _container(template)["HealthCheck"]
    assert check["Command"] == command
    assert lint_problems(template) == ()


def test_behind_an_alb_the_container_checks_only_what_the_spec_asks() -> None:
    # the target group checks health; a curl/wget check would fail images without them
    _, template = _service(endpoint="alb")
    assert "HealthCheck" not in _container(template)
    command = ["CMD-SHELL", "/bin/probe || exit 1"]
    _, template = _service(endpoint="alb", app={"health_check": {"command": command}})
    assert _container(template)["HealthCheck"]["Command"] == command
