"""network.yaml: subnets per AZ, and the way out that each `egress` promises."""

from __future__ import annotations

import pytest
from cfn_templates import lint_problems, of_type, only, outputs, parameters, resources, untagged
from ir_factory import variant

from compiler.cfn.common.outputs import NetworkOut
from compiler.cfn.network.stack import build_network


@pytest.mark.parametrize(
    ("egress", "nat", "azs"),
    [
        ("nat-gateway", "single", 2),
        ("nat-gateway", "per-az", 3),
        ("nat-instance", "single", 2),
        ("public-ip", "single", 3),
    ],
)
def test_lints_clean(egress: str, nat: str, azs: int) -> None:
    compute = "fargate" if egress == "public-ip" else "ec2"
    ir = variant(egress=egress, nat=nat, azs=azs, compute=compute)
    assert lint_problems(build_network(ir)) == ()


def test_public_and_private_subnet_per_az_with_optional_az_parameters() -> None:
    ir = variant(azs=3)
    template = build_network(ir)
    subnets = of_type(template, "AWS::EC2::Subnet")
    assert len(subnets) == 6
    cidrs = {s["Properties"]["CidrBlock"] for s in subnets.values()}
    expected = {c for s in ir.network.subnets for c in (s.public_cidr, s.private_cidr)}
    assert cidrs == expected
    assert sorted(parameters(template)) == ["Az1", "Az2", "Az3"]
    assert all(p["Default"] == "" for p in parameters(template).values())
    az = subnets["PrivateSubnet3"]["Properties"]["AvailabilityZone"]["Fn::If"]
    assert az == ["Az3Given", {"Ref": "Az3"}, {"Fn::Select": [2, {"Fn::GetAZs": ""}]}]
    vpc = only(template, "AWS::EC2::VPC")
    assert vpc["EnableDnsSupport"] is True and vpc["EnableDnsHostnames"] is True


def test_two_azs_take_only_two_az_parameters() -> None:
    assert sorted(parameters(build_network(variant(azs=2)))) == ["Az1", "Az2"]


@pytest.mark.parametrize(("nat", "expected"), [("single", 1), ("per-az", 3)])
def test_nat_gateways_per_mode_each_with_an_eip(nat: str, expected: int) -> None:
    template = build_network(variant(nat=nat, azs=3))
    assert len(of_type(template, "AWS::EC2::NatGateway")) == expected
    assert len(of_type(template, "AWS::EC2::EIP")) == expected
    routes = [
        r["Properties"]
        for r in of_type(template, "AWS::EC2::Route").values()
        if "NatGatewayId" in r["Properties"]
    ]
    assert len(routes) == expected
    # Every private subnet leaves through a NAT gateway.
    tables = {r["RouteTableId"]["Ref"] for r in routes}
    private = [
        a["Properties"]["RouteTableId"]["Ref"]
        for k, a in of_type(template, "AWS::EC2::SubnetRouteTableAssociation").items()
        if k.startswith("Private")
    ]
    assert len(private) == 3 and set(private) == tables


def test_nat_instance_forwards_for_the_vpc_only() -> None:
    ir = variant(egress="nat-instance")
    template = build_network(ir)
    assert of_type(template, "AWS::EC2::NatGateway") == {}
    instance = only(template, "AWS::EC2::Instance")
    assert instance["InstanceType"] == ir.network.nat_instance_type
    assert instance["MetadataOptions"]["HttpTokens"] == "required"
    assert "iptables" in instance["UserData"]["Fn::Base64"]["Fn::Sub"]
    assert instance["SourceDestCheck"] is False
    group = only(template, "AWS::EC2::SecurityGroup")
    assert group["SecurityGroupIngress"] == [
        {"IpProtocol": "-1", "CidrIp": {"Fn::GetAtt": ["Vpc", "CidrBlock"]},
         "Description": "everything from inside the VPC, to forward"}
    ]  # fmt: skip
    ami = parameters(template)["NatAmiId"]
    assert ami["Type"] == "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>"
    assert ami["Default"].startswith("/aws/service/ami-amazon-linux-latest/al2023-ami")
    route = next(
        r["Properties"]
        for r in of_type(template, "AWS::EC2::Route").values()
        if "InstanceId" in r["Properties"]
    )
    assert route == {
        "RouteTableId": {"Ref": "PrivateRouteTable1"},
        "DestinationCidrBlock": "0.0.0.0/0",
        "InstanceId": {"Ref": "NatInstance"},
    }


def test_nat_instance_boots_with_internet_and_signals_before_traffic_moves() -> None:
    # Booting before the public route exists left dnf without a mirror and the NAT dead.
    template = build_network(variant(egress="nat-instance"))
    body = resources(template)["NatInstance"]
    assert set(body["DependsOn"]) == {"PublicDefaultRoute", "PublicSubnet1RouteTableAssociation"}
    assert body["CreationPolicy"]["ResourceSignal"]["Count"] == 1
    user_data = body["Properties"]["UserData"]["Fn::Base64"]["Fn::Sub"]
    assert "--resource NatInstance" in user_data
    assert user_data.rstrip().endswith("signal 0")
    (nic,) = body["Properties"]["NetworkInterfaces"]
    assert nic["AssociatePublicIpAddress"] is True and nic["SubnetId"] == {"Ref": "PublicSubnet1"}


def test_nat_instance_can_be_replaced_without_a_shared_interface() -> None:
    # A newer AMI replaces the instance; a standalone ENI held by the old one failed that.
    template = build_network(variant(egress="nat-instance"))
    assert of_type(template, "AWS::EC2::NetworkInterface") == {}
    association = only(template, "AWS::EC2::EIPAssociation")
    assert association["InstanceId"] == {"Ref": "NatInstance"}


def test_public_ip_has_no_nat_and_tasks_run_in_public_subnets() -> None:
    template = build_network(variant(egress="public-ip", compute="fargate"))
    kinds = {r["Type"] for r in resources(template).values()}
    assert not kinds & {"AWS::EC2::NatGateway", "AWS::EC2::Instance", "AWS::EC2::EIP"}
    values = outputs(template)
    assert values[NetworkOut.TASK_SUBNET_IDS] == values[NetworkOut.PUBLIC_SUBNET_IDS]


def test_outputs_are_the_wiring_names_and_tasks_default_to_private() -> None:
    template = build_network(variant())
    values = outputs(template)
    assert sorted(values) == sorted(o.value for o in NetworkOut)
    assert values[NetworkOut.TASK_SUBNET_IDS] == {
        "Fn::Join": [",", [{"Ref": "PrivateSubnet1"}, {"Ref": "PrivateSubnet2"}]]
    }


@pytest.mark.parametrize("egress", ["nat-gateway", "nat-instance"])
def test_every_taggable_resource_carries_the_stack_tags(egress: str) -> None:
    ir = variant(egress=egress, tags={"team": "platform", "cost-center": "42"})
    assert untagged(build_network(ir), dict(ir.tags)) == []


@pytest.mark.parametrize(
    ("egress", "nat", "compute", "task_tables"),
    [
        ("nat-gateway", "single", "ec2", ["PrivateRouteTable1"]),
        ("nat-gateway", "per-az", "ec2", ["PrivateRouteTable1", "PrivateRouteTable2"]),
        ("nat-instance", "single", "ec2", ["PrivateRouteTable1"]),
        ("public-ip", "single", "fargate", ["PublicRouteTable"]),
    ],
)
def test_an_s3_gateway_endpoint_serves_the_route_tables_of_the_tasks(
    egress: str, nat: str, compute: str, task_tables: list[str]
) -> None:
    """ECR serves image layers from S3: with the endpoint, pulls do not cross the NAT (the
    cost model prices them at the endpoint's $0). Every subnet the tasks use is covered."""
    template = build_network(variant(egress=egress, nat=nat, compute=compute))
    endpoint = only(template, "AWS::EC2::VPCEndpoint")
    assert endpoint["VpcEndpointType"] == "Gateway"
    assert endpoint["ServiceName"] == {"Fn::Sub": "com.amazonaws.${AWS::Region}.s3"}
    assert endpoint["RouteTableIds"] == [{"Ref": table} for table in task_tables]
    tasks = outputs(template)[NetworkOut.TASK_SUBNET_IDS]["Fn::Join"][1]
    routed = {
        a["Properties"]["SubnetId"]["Ref"]
        for a in of_type(template, "AWS::EC2::SubnetRouteTableAssociation").values()
        if a["Properties"]["RouteTableId"] in endpoint["RouteTableIds"]
    }
    assert {ref["Ref"] for ref in tasks} <= routed
