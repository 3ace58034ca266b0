"""A stage's cluster stack: cluster-<stage>.yaml.

The ECS cluster. Under ec2 also the capacity that runs tasks: a launch template (the
ECS-optimized Amazon Linux 2023 AMI from the public SSM parameter, IMDSv2 only, an
encrypted gp3 root volume, user data joining the cluster), the instance role and profile,
the instances' security group, an Auto Scaling group across the task subnets and an ECS
capacity provider with managed scaling at `target_capacity_percent` and managed
termination protection, set as the cluster's default strategy, and the cleanup that lets
the stack be deleted (cluster/cleanup.py). Under fargate the cluster offers FARGATE and
FARGATE_SPOT.
Outputs: ClusterName, ClusterArn, CapacityProvider (the strategy the service uses).
"""

from __future__ import annotations

from troposphere import (
    Base64,
    GetAtt,
    Output,
    Parameter,
    Ref,
    Split,
    Sub,
    Template,
    autoscaling,
    ec2,
    ecs,
    iam,
)

from compiler.cfn.cluster.cleanup import add_asg_cleanup
from compiler.cfn.common.names import unique_name
from compiler.cfn.common.outputs import ClusterOut, NetworkOut
from compiler.cfn.common.roles import trust_policy
from compiler.cfn.common.security_group import security_group
from compiler.cfn.common.tagging import asg_tags, tag_list, tag_specifications
from compiler.cfn.network.nat import is_graviton
from compiler.ir.model import StackIR, StageIR

CAPACITY_PROVIDER = "CapacityProvider"  # logical ID of the ec2 capacity provider
_AMI = "/aws/service/ecs/optimized-ami/amazon-linux-2023/{arch}recommended/image_id"
# ECS_RESERVED_MEMORY keeps the agent's share out of placement, as the capacity math assumes.
# ECS_AWSVPC_BLOCK_IMDS: an awsvpc task has its own interface, so the hop limit does not keep
# it from the instance role's credentials; the agent blocks metadata for such tasks.
_USER_DATA = (
    "#!/bin/bash\n"
    "echo ECS_CLUSTER=${Cluster} >> /etc/ecs/ecs.config\n"
    "echo ECS_RESERVED_MEMORY=%d >> /etc/ecs/ecs.config\n"
    "echo ECS_AWSVPC_BLOCK_IMDS=true >> /etc/ecs/ecs.config\n"
)
_EC2_ROLE_POLICY = "arn:${AWS::Partition}:iam::aws:policy/service-role/" + (
    "AmazonEC2ContainerServiceforEC2Role"
)


def cluster_parameters(stage: StageIR) -> tuple[str, ...]:
    """Names of the cluster stack's parameters: only ec2 instances need the network."""
    if stage.compute.type == "fargate":
        return ()
    return (NetworkOut.VPC_ID.value, NetworkOut.TASK_SUBNET_IDS.value)


def ecs_ami_path(instance_type: str) -> str:
    """The public SSM parameter naming the ECS-optimized AL2023 AMI for the CPU type."""
    return _AMI.format(arch="arm64/" if is_graviton(instance_type) else "")


def _cluster(template: Template, ir: StackIR, stage: StageIR) -> None:
    fargate = stage.compute.type == "fargate"
    extra = (
        {
            "CapacityProviders": ["FARGATE", "FARGATE_SPOT"],
            "DefaultCapacityProviderStrategy": [
                ecs.CapacityProviderStrategyItem(CapacityProvider="FARGATE", Weight=1)
            ],
        }
        if fargate
        else {}
    )
    template.add_resource(
        ecs.Cluster(
            "Cluster",
            # The alarms read the free AWS/ECS metrics; Container Insights bills per metric.
            ClusterSettings=[ecs.ClusterSetting(Name="containerInsights", Value="disabled")],
            **extra,
            **tag_list(ir),
        )
    )


def _instance_role(template: Template, ir: StackIR) -> None:
    template.add_resource(
        iam.Role(
            "InstanceRole",
            AssumeRolePolicyDocument=trust_policy("ec2.amazonaws.com"),
            ManagedPolicyArns=[Sub(_EC2_ROLE_POLICY)],
            **tag_list(ir),
        )
    )
    template.add_resource(iam.InstanceProfile("InstanceProfile", Roles=[Ref("InstanceRole")]))
    template.add_resource(
        security_group(
            "InstanceSecurityGroup",
            # Tasks use awsvpc (their own interfaces), so the instances need no ingress.
            GroupDescription="ECS container instances: no inbound traffic",
            VpcId=Ref(NetworkOut.VPC_ID.value),
            **tag_list(ir),
        )
    )


def _launch_template(template: Template, ir: StackIR, stage: StageIR) -> None:
    template.add_parameter(
        Parameter(
            "EcsAmiId",
            Type="AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
            Default=ecs_ami_path(stage.compute.instance_type or ""),
            Description="Public SSM parameter holding the ECS-optimized Amazon Linux 2023 AMI",
        )
    )
    data = ec2.LaunchTemplateData(
        ImageId=Ref("EcsAmiId"),
        InstanceType=stage.compute.instance_type,
        IamInstanceProfile=ec2.IamInstanceProfile(Arn=GetAtt("InstanceProfile", "Arn")),
        SecurityGroupIds=[Ref("InstanceSecurityGroup")],
        # Hop limit 1: only the host (the agent runs in its network) reads metadata.
        MetadataOptions=ec2.MetadataOptions(
            HttpTokens="required", HttpEndpoint="enabled", HttpPutResponseHopLimit=1
        ),
        BlockDeviceMappings=[
            ec2.LaunchTemplateBlockDeviceMapping(
                DeviceName="/dev/xvda",
                # 30 GiB is the AL2023 ECS AMI's snapshot size, the smallest allowed.
                Ebs=ec2.EBSBlockDevice(
                    VolumeSize=30, VolumeType="gp3", Encrypted=True, DeleteOnTermination=True
                ),
            )
        ],
        UserData=Base64(Sub(_USER_DATA % stage.compute.ecs_reserved_memory_mib)),
        **tag_specifications(ir, "instance", "volume"),
    )
    template.add_resource(
        ec2.LaunchTemplate(
            "LaunchTemplate",
            LaunchTemplateData=data,
            **tag_specifications(ir, "launch-template"),
        )
    )


def _capacity(template: Template, ir: StackIR, stage: StageIR) -> None:
    template.add_resource(
        autoscaling.AutoScalingGroup(
            "AutoScalingGroup",
            MinSize=str(stage.compute.instances_min),
            MaxSize=str(stage.compute.instances_max),
            VPCZoneIdentifier=Split(",", Ref(NetworkOut.TASK_SUBNET_IDS.value)),
            LaunchTemplate=autoscaling.LaunchTemplateSpecification(
                LaunchTemplateId=Ref("LaunchTemplate"),
                Version=GetAtt("LaunchTemplate", "LatestVersionNumber"),
            ),
            # Managed termination protection needs it: ECS decides which instance may go.
            NewInstancesProtectedFromScaleIn=True,
            **asg_tags(ir, Name=f"{stage.names.prefix}-ecs"),
        )
    )
    # Deleted before the cleanup, which then force-deletes the group (cluster/cleanup.py).
    cleanup = add_asg_cleanup(template, ir, stage)
    template.add_resource(
        ecs.CapacityProvider(
            CAPACITY_PROVIDER,
            # ECS refuses names beginning aws/ecs/fargate, which a generated one (the stack's
            # name first) would for a stack named so; ours begins with what it is.
            Name=unique_name(f"capacity-{stage.names.prefix}"),
            DependsOn=cleanup,
            AutoScalingGroupProvider=ecs.AutoScalingGroupProvider(
                AutoScalingGroupArn=Ref("AutoScalingGroup"),
                ManagedScaling=ecs.ManagedScaling(
                    Status="ENABLED",
                    TargetCapacity=stage.compute.target_capacity_percent,
                    MinimumScalingStepSize=1,
                    MaximumScalingStepSize=stage.compute.instances_max,
                ),
                ManagedTerminationProtection="ENABLED",
                ManagedDraining="ENABLED",
            ),
            **tag_list(ir),
        )
    )
    strategy = [ecs.CapacityProviderStrategy(CapacityProvider=Ref(CAPACITY_PROVIDER), Weight=1)]
    template.add_resource(
        ecs.ClusterCapacityProviderAssociations(
            "ClusterCapacityProviders",
            Cluster=Ref("Cluster"),
            CapacityProviders=[Ref(CAPACITY_PROVIDER)],
            DefaultCapacityProviderStrategy=strategy,
        )
    )


def build_cluster(ir: StackIR, stage: StageIR) -> Template:
    """The cluster stack of one stage: ECS cluster and, under ec2, its instances."""
    template = Template(Description=f"{stage.names.prefix}: ECS cluster")
    _cluster(template, ir, stage)
    provider: object = "FARGATE"
    if stage.compute.type == "ec2":
        for name in cluster_parameters(stage):
            template.add_parameter(Parameter(name, Type="String"))
        _instance_role(template, ir)
        _launch_template(template, ir, stage)
        _capacity(template, ir, stage)
        provider = Ref(CAPACITY_PROVIDER)
    template.add_output(Output(ClusterOut.CLUSTER_NAME, Value=Ref("Cluster")))
    template.add_output(Output(ClusterOut.CLUSTER_ARN, Value=GetAtt("Cluster", "Arn")))
    template.add_output(Output(ClusterOut.CAPACITY_PROVIDER, Value=provider))
    return template
