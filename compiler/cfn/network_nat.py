"""The NAT instance of `egress: nat-instance` (part of network.yaml).

A small current-generation instance in the first public subnet. Its network interface has
source/destination check off and an Elastic IP attached before the instance boots (the
user data installs iptables from the package mirrors). Its own security group admits only
the VPC's CIDR. The AMI comes from the public SSM parameter for Amazon Linux 2023.
"""

from __future__ import annotations

import re

from troposphere import Base64, GetAtt, Parameter, Ref, Template, ec2

from compiler.cfn.tagging import tag_list
from compiler.ir.model import StackIR

# Graviton families carry a `g` after the generation digit: t4g, c7gn, m6gd, x2gd, im4gn.
_ARM = re.compile(r"^[a-z]+\d+g[a-z]*\.")
_AMI_PATH = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-{arch}"

_USER_DATA = """#!/bin/bash
set -euxo pipefail
dnf install -y iptables-services
echo 'net.ipv4.ip_forward = 1' > /etc/sysctl.d/90-nat.conf
sysctl --system
systemctl enable --now iptables
iface=$(ip route show default | awk '{print $5; exit}')
iptables -t nat -A POSTROUTING -o "$iface" -j MASQUERADE
iptables -F FORWARD
service iptables save
"""


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
    _interface(template, ir, public_subnet)
    template.add_resource(
        ec2.EIP("NatEip", Domain="vpc", DependsOn="InternetGatewayAttachment", **tag_list(ir))
    )
    template.add_resource(
        ec2.EIPAssociation(
            "NatEipAssociation",
            AllocationId=GetAtt("NatEip", "AllocationId"),
            NetworkInterfaceId=Ref("NatNetworkInterface"),
        )
    )
    _instance(template, ir, instance_type)
    template.add_resource(
        ec2.Route(
            f"{table}DefaultRoute",
            DependsOn="NatInstance",
            RouteTableId=Ref(table),
            DestinationCidrBlock="0.0.0.0/0",
            NetworkInterfaceId=Ref("NatNetworkInterface"),
        )
    )


def _interface(template: Template, ir: StackIR, public_subnet: str) -> None:
    """The NAT's security group and its network interface in the public subnet."""
    template.add_resource(
        ec2.SecurityGroup(
            "NatSecurityGroup",
            GroupDescription="NAT instance: admits traffic from inside the VPC only",
            VpcId=Ref("Vpc"),
            SecurityGroupIngress=[
                ec2.SecurityGroupRule(IpProtocol="-1", CidrIp=GetAtt("Vpc", "CidrBlock"))
            ],
            **tag_list(ir, Name=f"{ir.name}-nat"),
        )
    )
    template.add_resource(
        ec2.NetworkInterface(
            "NatNetworkInterface",
            Description="NAT instance interface",
            SubnetId=Ref(public_subnet),
            GroupSet=[Ref("NatSecurityGroup")],
            # A NAT forwards packets addressed to others, which the check would drop.
            SourceDestCheck=False,
            **tag_list(ir, Name=f"{ir.name}-nat"),
        )
    )


def _instance(template: Template, ir: StackIR, instance_type: str) -> None:
    template.add_resource(
        ec2.Instance(
            "NatInstance",
            # The public IP must be in place before boot: the user data downloads packages.
            DependsOn="NatEipAssociation",
            InstanceType=instance_type,
            ImageId=Ref("NatAmiId"),
            NetworkInterfaces=[
                ec2.NetworkInterfaceProperty(
                    DeviceIndex="0", NetworkInterfaceId=Ref("NatNetworkInterface")
                )
            ],
            MetadataOptions=ec2.MetadataOptions(HttpTokens="required", HttpEndpoint="enabled"),
            UserData=Base64(_USER_DATA),
            **tag_list(ir, Name=f"{ir.name}-nat"),
        )
    )
