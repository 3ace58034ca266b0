"""The NAT instance of `egress: nat-instance` (part of network.yaml).

A small current-generation instance in the first public subnet, with source/destination
check off. It boots on its own public IP once the public subnet routes to the internet
(the user data installs iptables from the package mirrors) and signals CloudFormation when
it forwards; only then do the Elastic IP and the private subnets' default route move to it.
So a replacement (a newer AMI on any later update) brings the new instance up beside the
old one and switches over, instead of fighting the old one for a shared interface. Its own
security group admits only the VPC's CIDR. The AMI comes from the public SSM parameter.
"""

from __future__ import annotations

import re

from troposphere import Base64, GetAtt, Parameter, Ref, Sub, Template, ec2
from troposphere.policies import CreationPolicy, ResourceSignal

from compiler.cfn.common.security_group import security_group
from compiler.cfn.common.tagging import tag_list
from compiler.ir.model import StackIR

# Graviton families carry a `g` after the generation digit: t4g, c7gn, m6gd, x2gd, im4gn.
_ARM = re.compile(r"^[a-z]+\d+g[a-z]*\.")
_AMI_PATH = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-{arch}"

NAT_INSTANCE = "NatInstance"
# Minutes CloudFormation waits for the instance to report that it forwards.
_SIGNAL_TIMEOUT = "PT15M"
# Fn::Sub text: ${AWS::...} are CloudFormation's; shell variables avoid braces.
_USER_DATA = """#!/bin/bash
set -euxo pipefail
signal() {
  /opt/aws/bin/cfn-signal -e "$1" --stack '${AWS::StackName}' --resource NatInstance \\
    --region '${AWS::Region}' || true
}
trap 'signal 1' ERR
# A mirror that fails once at boot must not leave the private subnets offline.
for attempt in 1 2 3 4 5; do
  dnf install -y iptables-services aws-cfn-bootstrap && break
  sleep $((attempt * 10))
done
rpm -q iptables-services aws-cfn-bootstrap
echo 'net.ipv4.ip_forward = 1' > /etc/sysctl.d/90-nat.conf
sysctl --system
systemctl enable --now iptables
iface=$(ip route show default | awk '{print $5; exit}')
iptables -t nat -A POSTROUTING -o "$iface" -j MASQUERADE
iptables -F FORWARD
service iptables save
signal 0
"""


def association_id(subnet_id: str) -> str:
    """Logical ID of a subnet's route table association."""
    return f"{subnet_id}RouteTableAssociation"


def is_graviton(instance_type: str) -> bool:
    """True for an arm64 (Graviton) instance type, which needs an arm64 AMI."""
    return _ARM.match(instance_type) is not None


def nat_ami_path(instance_type: str) -> str:
    """The SSM parameter naming the current AL2023 AMI for the instance type's CPU."""
    return _AMI_PATH.format(arch="arm64" if is_graviton(instance_type) else "x86_64")


def add_nat_instance(template: Template, ir: StackIR, public_subnet: str, table: str) -> None:
    """Add the NAT instance in `public_subnet` and route `table`'s default route through it."""
    instance_type = ir.network.nat_instance_type or "t4g.nano"
    template.add_parameter(
        Parameter(
            "NatAmiId",
            Type="AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
            Default=nat_ami_path(instance_type),
            Description="Public SSM parameter holding the NAT instance's Amazon Linux 2023 AMI",
        )
    )
    _security_group(template, ir)
    _instance(template, ir, instance_type, public_subnet)
    template.add_resource(
        ec2.EIP("NatEip", Domain="vpc", DependsOn="InternetGatewayAttachment", **tag_list(ir))
    )
    # Both wait for the instance's signal: traffic moves only to a NAT that forwards.
    template.add_resource(
        ec2.EIPAssociation(
            "NatEipAssociation",
            AllocationId=GetAtt("NatEip", "AllocationId"),
            InstanceId=Ref(NAT_INSTANCE),
        )
    )
    template.add_resource(
        ec2.Route(
            f"{table}DefaultRoute",
            RouteTableId=Ref(table),
            DestinationCidrBlock="0.0.0.0/0",
            InstanceId=Ref(NAT_INSTANCE),
        )
    )


def _security_group(template: Template, ir: StackIR) -> None:
    template.add_resource(
        security_group(
            "NatSecurityGroup",
            GroupDescription="NAT instance: admits traffic from inside the VPC only",
            VpcId=Ref("Vpc"),
            SecurityGroupIngress=[
                ec2.SecurityGroupRule(
                    IpProtocol="-1",
                    CidrIp=GetAtt("Vpc", "CidrBlock"),
                    Description="everything from inside the VPC, to forward",
                )
            ],
            **tag_list(ir, Name=f"{ir.name}-nat"),
        )
    )


def _instance(template: Template, ir: StackIR, instance_type: str, public_subnet: str) -> None:
    template.add_resource(
        ec2.Instance(
            NAT_INSTANCE,
            # The user data downloads packages: the subnet must reach the internet at boot.
            DependsOn=["PublicDefaultRoute", association_id(public_subnet)],
            CreationPolicy=CreationPolicy(
                ResourceSignal=ResourceSignal(Count=1, Timeout=_SIGNAL_TIMEOUT)
            ),
            InstanceType=instance_type,
            ImageId=Ref("NatAmiId"),
            NetworkInterfaces=[
                ec2.NetworkInterfaceProperty(
                    DeviceIndex="0",
                    SubnetId=Ref(public_subnet),
                    GroupSet=[Ref("NatSecurityGroup")],
                    AssociatePublicIpAddress=True,
                    DeleteOnTermination=True,
                )
            ],
            # A NAT forwards packets addressed to others, which the check would drop.
            SourceDestCheck=False,
            MetadataOptions=ec2.MetadataOptions(HttpTokens="required", HttpEndpoint="enabled"),
            UserData=Base64(Sub(_USER_DATA)),
            **tag_list(ir, Name=f"{ir.name}-nat"),
        )
    )
