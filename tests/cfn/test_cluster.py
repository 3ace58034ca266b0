"""cluster-<stage>.yaml: EC2 capacity that ECS scales itself, or Fargate."""

from __future__ import annotations

import re
from typing import Any

import pytest
from cfn_templates import lint_problems, of_type, only, outputs, parameters, resources
from ir_factory import variant
from naming_walk import evaluate, physical_names
from stack_irs import lowered

from compiler.cfn.cluster.stack import build_cluster, ecs_ami_path
from compiler.cfn.common.inline_function import function_source
from compiler.cfn.common.outputs import ClusterOut
from compiler.compile import compile_ir
from compiler.data.naming import name_problems, naming_rules


@pytest.mark.parametrize("compute", ["ec2", "fargate"])
def test_lints_clean(compute: str) -> None:
    ir = variant(compute=compute)
    assert lint_problems(build_cluster(ir, ir.stages[0])) == ()


def test_ec2_capacity_provider_scales_at_the_spec_percent() -> None:
    ir = variant(
        compute="ec2",
        stages=[{"name": "dev", "compute": {"target_capacity_percent": 55,
                                            "instances": {"min": 1, "max": 4}}}],
    )  # fmt: skip
    template = build_cluster(ir, ir.stages[0])
    provider = only(template, "AWS::ECS::CapacityProvider")["AutoScalingGroupProvider"]
    assert provider["ManagedScaling"]["Status"] == "ENABLED"
    assert provider["ManagedScaling"]["TargetCapacity"] == 55
    assert provider["ManagedTerminationProtection"] == "ENABLED"
    assert provider["AutoScalingGroupArn"] == {"Ref": "AutoScalingGroup"}
    group = only(template, "AWS::AutoScaling::AutoScalingGroup")
    assert (group["MinSize"], group["MaxSize"]) == ("1", "4")
    assert group["NewInstancesProtectedFromScaleIn"] is True
    assert group["VPCZoneIdentifier"] == {"Fn::Split": [",", {"Ref": "TaskSubnetIds"}]}
    association = only(template, "AWS::ECS::ClusterCapacityProviderAssociations")
    assert association["DefaultCapacityProviderStrategy"] == [
        {"CapacityProvider": {"Ref": "CapacityProvider"}, "Weight": 1}
    ]
    assert outputs(template)[ClusterOut.CAPACITY_PROVIDER] == {"Ref": "CapacityProvider"}


def test_default_cluster_runs_one_instance_for_one_needed() -> None:
    # docs/spec.md: target 100 by default; at 70, one needed instance keeps 2 running
    ir = variant(compute="ec2")
    provider = only(build_cluster(ir, ir.stages[0]), "AWS::ECS::CapacityProvider")
    assert provider["AutoScalingGroupProvider"]["ManagedScaling"]["TargetCapacity"] == 100


def test_ec2_launch_template_is_hardened_and_joins_the_cluster() -> None:
    ir = variant(compute="ec2")
    template = build_cluster(ir, ir.stages[0])
    data = only(template, "AWS::EC2::LaunchTemplate")["LaunchTemplateData"]
    assert data["MetadataOptions"]["HttpTokens"] == "required"
    ebs = data["BlockDeviceMappings"][0]["Ebs"]
    assert ebs["Encrypted"] is True and ebs["VolumeType"] == "gp3"
    assert data["InstanceType"] == ir.stages[0].compute.instance_type
    user_data = data["UserData"]["Fn::Base64"]["Fn::Sub"]
    assert "ECS_CLUSTER=${Cluster}" in user_data
    # the agent's reserve is kept out of placement, as the capacity check assumes
    assert f"ECS_RESERVED_MEMORY={ir.stages[0].compute.ecs_reserved_memory_mib}" in user_data
    assert ir.stages[0].compute.ecs_reserved_memory_mib == 128
    # awsvpc tasks own an interface: the hop limit alone leaves them the instance role.
    assert "ECS_AWSVPC_BLOCK_IMDS=true" in user_data
    ami = parameters(template)["EcsAmiId"]
    assert ami["Type"] == "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>"
    assert ami["Default"] == "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
    role = resources(template)["InstanceRole"]["Properties"]
    assert "AmazonEC2ContainerServiceforEC2Role" in role["ManagedPolicyArns"][0]["Fn::Sub"]


def test_graviton_instances_get_the_arm64_ami() -> None:
    assert "/arm64/" in ecs_ami_path("t4g.small")
    assert "/arm64/" not in ecs_ami_path("t3.small")


def test_fargate_offers_fargate_and_spot_without_instances() -> None:
    ir = variant(compute="fargate")
    template = build_cluster(ir, ir.stages[0])
    cluster = only(template, "AWS::ECS::Cluster")
    assert cluster["CapacityProviders"] == ["FARGATE", "FARGATE_SPOT"]
    assert of_type(template, "AWS::AutoScaling::AutoScalingGroup") == {}
    assert parameters(template) == {}
    assert outputs(template)[ClusterOut.CAPACITY_PROVIDER] == "FARGATE"


def _refs(value: Any) -> set[str]:
    """Every logical ID a resource body points at (Ref, GetAtt, Sub variables, DependsOn)."""
    if isinstance(value, dict):
        found = set()
        for key, inner in value.items():
            if key == "Ref":
                found.add(inner)
            elif key == "Fn::GetAtt":
                found.add(inner[0])
            elif key == "Fn::Sub" and isinstance(inner, str):
                found |= set(re.findall(r"\$\{([A-Za-z0-9]+)\}", inner))
            else:
                found |= _refs(inner)
        return found
    if isinstance(value, list):
        return set().union(*(_refs(v) for v in value)) if value else set()
    return set()


def _depends(body: dict[str, Any]) -> set[str]:
    after = body.get("DependsOn", [])
    return _refs(body.get("Properties", {})) | set([after] if isinstance(after, str) else after)


def test_stack_delete_force_deletes_the_protected_group_after_the_capacity_provider() -> None:
    # CloudFormation deletes in reverse dependency order. The provider must go before the
    # cleanup runs, and the cleanup before CloudFormation's own delete of the group, which
    # otherwise waits forever on instances still protected from scale-in.
    ir = variant(compute="ec2")
    body = resources(build_cluster(ir, ir.stages[0]))
    assert "AsgCleanup" in _depends(body["CapacityProvider"])
    cleanup = body["AsgCleanup"]
    assert cleanup["Type"] == "Custom::AsgCleanup"
    assert {"AutoScalingGroup", "Cluster"} <= _depends(cleanup)
    assert cleanup["Properties"]["AutoScalingGroupName"] == {"Ref": "AutoScalingGroup"}
    # ...and the cluster outlives the group, so it is empty when its turn comes.
    assert "Cluster" in _depends(body["LaunchTemplate"])
    assert "LaunchTemplate" in _depends(body["AutoScalingGroup"])
    # A cleanup answer can never be what holds the stack.
    function = body["AsgCleanupFunction"]["Properties"]
    assert cleanup["Properties"]["ServiceTimeout"] > function["Timeout"]


def test_cleanup_role_allows_exactly_what_the_function_calls() -> None:
    ir = variant(compute="ec2")
    body = resources(build_cluster(ir, ir.stages[0]))
    statements = body["AsgCleanupRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    granted = {a: s["Resource"] for s in statements["Statement"] for a in s["Action"]}
    source = body["AsgCleanupFunction"]["Properties"]["Code"]["ZipFile"]
    assert source == function_source("asg_cleanup.py")
    called = set(re.findall(r"(autoscaling|ecs)\.([a-z_]+)\(", source))
    service = {"autoscaling": "autoscaling", "ecs": "ecs"}
    needed = {f"{service[c]}:{''.join(w.title() for w in m.split('_'))}" for c, m in called}
    assert needed == {a for a in granted if not a.startswith("logs:")}
    assert granted["autoscaling:DeleteAutoScalingGroup"]["Fn::Sub"].endswith(
        "autoScalingGroupName/${AutoScalingGroup}"
    )
    assert granted["ecs:DeregisterContainerInstance"] == {"Fn::GetAtt": ["Cluster", "Arn"]}


def test_fargate_needs_no_cleanup() -> None:
    ir = variant(compute="fargate")
    assert of_type(build_cluster(ir, ir.stages[0]), "Custom::AsgCleanup") == {}


@pytest.mark.parametrize("name", ["ecs-demo", "aws-shop", "fargate-x"])
def test_a_spec_named_like_a_reserved_prefix_gets_a_valid_capacity_provider(name: str) -> None:
    # ECS refuses capacity provider names beginning aws/ecs/fargate; the generated name
    # began with the stack's, which is the spec's name by default.
    ir = lowered({"version": 1, "name": name, "compute": {"type": "ec2"}})
    files = compile_ir(ir).files
    rule = naming_rules()[("AWS::ECS::CapacityProvider", "Name")]
    (provider,) = [n for n in physical_names(files, name) if n.rule == rule]
    assert not provider.generated and name_problems(rule, provider.name) == []
    assert provider.name.startswith(f"capacity-{name}-dev-")


def test_the_capacity_provider_name_is_unique_per_stack() -> None:
    ir = variant(compute="ec2")
    name = resources(build_cluster(ir, ir.stages[0]))["CapacityProvider"]["Properties"]["Name"]
    pseudo = {"AWS::StackId": "arn:aws:cloudformation:us-east-1:1:stack/s/1c2fa620-982a-11e3"}
    assert evaluate(name, pseudo) == "capacity-crud-api-dev-1c2fa620-982a-11e3"
