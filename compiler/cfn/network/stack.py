"""The shared network stack: network.yaml.

VPC (DNS support and hostnames), one public and one private subnet per availability zone,
an internet gateway and routes, and the private subnets' way out per `network.egress`:
NAT gateway(s) with Elastic IPs, one NAT instance, or nothing (public-ip: tasks run in
the public subnets with public IPs). An S3 gateway endpoint (free) routes the tasks'
route tables to S3, so image layers (ECR serves them from S3) never cross a NAT. AZs are
picked by index from `Fn::GetAZs` unless the `Az1`..`Az3` parameters name them.
Outputs: `NetworkOut.*` (subnet lists comma-joined).
"""

from __future__ import annotations

from troposphere import (
    Equals,
    GetAtt,
    GetAZs,
    If,
    Join,
    Not,
    Output,
    Parameter,
    Ref,
    Select,
    Sub,
    Template,
    ec2,
)

from compiler.cfn.common.names import logical_id
from compiler.cfn.common.outputs import NetworkOut
from compiler.cfn.common.tagging import tag_list
from compiler.cfn.network.nat import add_nat_instance, association_id
from compiler.ir.model import StackIR, SubnetIR

ANYWHERE = "0.0.0.0/0"


def az_parameter(index: int) -> str:
    """Name of the parameter that may pin the AZ of subnet pair `index` (0-based)."""
    return f"Az{index + 1}"


def _az(template: Template, subnet: SubnetIR) -> If:
    """The AZ of a subnet pair: the parameter when set, else the region's AZ at its index."""
    name = az_parameter(subnet.az_index)
    template.add_parameter(
        Parameter(
            name,
            Type="String",
            Default="",
            Description=f"Availability zone {subnet.az_index + 1}; empty picks the region's "
            f"zone number {subnet.az_index + 1}",
        )
    )
    given = f"{name}Given"
    template.add_condition(given, Not(Equals(Ref(name), "")))
    return If(given, Ref(name), Select(subnet.az_index, GetAZs("")))


def _vpc(template: Template, ir: StackIR) -> None:
    template.add_resource(
        ec2.VPC(
            "Vpc",
            CidrBlock=ir.network.cidr,
            EnableDnsSupport=True,
            EnableDnsHostnames=True,
            **tag_list(ir, Name=ir.name),
        )
    )
    template.add_resource(ec2.InternetGateway("InternetGateway", **tag_list(ir, Name=ir.name)))
    template.add_resource(
        ec2.VPCGatewayAttachment(
            "InternetGatewayAttachment", VpcId=Ref("Vpc"), InternetGatewayId=Ref("InternetGateway")
        )
    )
    template.add_resource(
        ec2.RouteTable(
            "PublicRouteTable", VpcId=Ref("Vpc"), **tag_list(ir, Name=f"{ir.name}-public")
        )
    )
    template.add_resource(
        ec2.Route(
            "PublicDefaultRoute",
            DependsOn="InternetGatewayAttachment",
            RouteTableId=Ref("PublicRouteTable"),
            DestinationCidrBlock=ANYWHERE,
            GatewayId=Ref("InternetGateway"),
        )
    )


def _subnet(template: Template, ir: StackIR, subnet: SubnetIR, kind: str, az: If) -> str:
    """Add one subnet and return its logical ID ('PublicSubnet1', 'PrivateSubnet2', ...)."""
    number = str(subnet.az_index + 1)
    sid = logical_id(kind, "subnet", number)
    cidr = subnet.public_cidr if kind == "public" else subnet.private_cidr
    template.add_resource(
        ec2.Subnet(
            sid,
            VpcId=Ref("Vpc"),
            CidrBlock=cidr,
            AvailabilityZone=az,
            **tag_list(ir, Name=f"{ir.name}-{kind}-{number}"),
        )
    )
    return sid


def _associate(template: Template, subnet_id: str, table_id: str) -> None:
    template.add_resource(
        ec2.SubnetRouteTableAssociation(
            association_id(subnet_id), SubnetId=Ref(subnet_id), RouteTableId=Ref(table_id)
        )
    )


def _private_table(template: Template, ir: StackIR, number: str) -> str:
    tid = logical_id("private", "route", "table", number)
    template.add_resource(
        ec2.RouteTable(tid, VpcId=Ref("Vpc"), **tag_list(ir, Name=f"{ir.name}-private-{number}"))
    )
    return tid


def _nat_gateways(template: Template, ir: StackIR, public_ids: list[str]) -> list[str]:
    """One NAT gateway (+ EIP and private route table) per `nat_gateways`; table IDs."""
    tables = []
    for i in range(ir.network.nat_gateways):
        number = str(i + 1)
        eip, nat = logical_id("nat", "eip", number), logical_id("nat", "gateway", number)
        template.add_resource(
            ec2.EIP(eip, Domain="vpc", DependsOn="InternetGatewayAttachment", **tag_list(ir))
        )
        template.add_resource(
            ec2.NatGateway(
                nat,
                AllocationId=GetAtt(eip, "AllocationId"),
                SubnetId=Ref(public_ids[i]),
                **tag_list(ir, Name=f"{ir.name}-{number}"),
            )
        )
        table = _private_table(template, ir, number)
        template.add_resource(
            ec2.Route(
                f"{table}DefaultRoute",
                RouteTableId=Ref(table),
                DestinationCidrBlock=ANYWHERE,
                NatGatewayId=Ref(nat),
            )
        )
        tables.append(table)
    return tables


def _private_tables(template: Template, ir: StackIR, public_ids: list[str]) -> list[str]:
    """Private route tables per egress; subnet i uses table min(i, len - 1)."""
    egress = ir.network.egress
    if egress == "nat-gateway":
        return _nat_gateways(template, ir, public_ids)
    table = _private_table(template, ir, "1")
    if egress == "nat-instance":
        add_nat_instance(template, ir, public_ids[0], table)
    # public-ip: the private subnets stay without a way out; nothing runs in them.
    return [table]


def _s3_endpoint(template: Template, ir: StackIR, tables: list[str]) -> None:
    """The S3 gateway endpoint on the route tables of the subnets the tasks run in.
    https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html"""
    template.add_resource(
        ec2.VPCEndpoint(
            "S3GatewayEndpoint",
            VpcId=Ref("Vpc"),
            ServiceName=Sub("com.amazonaws.${AWS::Region}.s3"),
            VpcEndpointType="Gateway",
            RouteTableIds=[Ref(table) for table in tables],
            **tag_list(ir, Name=f"{ir.name}-s3"),
        )
    )


def _outputs(template: Template, ir: StackIR, public: list[str], private: list[str]) -> None:
    tasks = public if ir.network.tasks_in_public_subnets else private
    values = {
        NetworkOut.VPC_ID: Ref("Vpc"),
        NetworkOut.VPC_CIDR: GetAtt("Vpc", "CidrBlock"),
        NetworkOut.PUBLIC_SUBNET_IDS: Join(",", [Ref(s) for s in public]),
        NetworkOut.PRIVATE_SUBNET_IDS: Join(",", [Ref(s) for s in private]),
        NetworkOut.TASK_SUBNET_IDS: Join(",", [Ref(s) for s in tasks]),
    }
    for name, value in values.items():
        template.add_output(Output(name.value, Value=value))


def build_network(ir: StackIR) -> Template:
    """The network stack of the IR: VPC, subnets per AZ, IGW, NAT per egress, routes."""
    template = Template(Description=f"{ir.name}: network (VPC, subnets, egress)")
    _vpc(template, ir)
    public, private = [], []
    for subnet in ir.network.subnets:
        az = _az(template, subnet)
        public.append(_subnet(template, ir, subnet, "public", az))
        private.append(_subnet(template, ir, subnet, "private", az))
    tables = _private_tables(template, ir, public)
    for i, (pub, priv) in enumerate(zip(public, private, strict=True)):
        _associate(template, pub, "PublicRouteTable")
        _associate(template, priv, tables[min(i, len(tables) - 1)])
    task_tables = ["PublicRouteTable"] if ir.network.tasks_in_public_subnets else tables
    _s3_endpoint(template, ir, task_tables)
    _outputs(template, ir, public, private)
    return template
