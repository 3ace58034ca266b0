"""The bill prices what the compiled templates run (issue 12's first acceptance line).

Each bundled example, and a spec at `target_capacity_percent: 70`, is compiled with
`tsc compile`; the written templates alone (no cost or IR code) give per stage the
instances ECS managed scaling runs, the NAT gateways or NAT instance, the public IPv4
addresses, the alarms AWS bills and the log groups that receive data. `tsc cost --json`
must price exactly those. Facts the templates cannot say (an instance type's size, the
alarms AWS creates for a policy) come from the AWS documentation, cited where used.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from click.testing import CliRunner

from compiler.cli import main
from compiler.template_yaml import load_template

ROOT = Path(__file__).resolve().parents[2]
HOURS = 730  # the report's hours a month, as AWS prices by the hour

# dev: 1 task needs 1 t3.small; at 70% managed scaling runs ceil(1 x 100 / 70) = 2.
# prod: 3 tasks need 2 (2 a t3.small); at 70% it runs ceil(2 x 100 / 70) = 3.
SEVENTY_PERCENT = """\
version: 1
name: seventy
compute:
  type: ec2
  instance_type: t3.small
  target_capacity_percent: 70
stages:
  - name: dev
  - name: prod
    scaling: {min: 3, max: 6}
    compute: {instances: {min: 2, max: 6}}
"""
SPECS = [*(p.stem for p in sorted((ROOT / "examples").glob("*.yaml"))), "seventy-percent"]


class InstanceType(NamedTuple):
    vcpu: int
    memory_mib: int
    max_enis: int


# https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html (vCPUs, memory, network
# interfaces) for the instance types the specs above use
INSTANCE_TYPES = {
    "t3.micro": InstanceType(2, 1024, 2),
    "t3.small": InstanceType(2, 2048, 3),
}
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/memory-management.html: an
# m4.large (8192 MiB) registers 7985 MiB with ECS; the kernel keeps the rest
REGISTERED_SHARE = 7985 / 8192
CPU_UNITS_PER_VCPU = 1024
# AWS creates a high and a low alarm per target-tracking policy (Application Auto Scaling's,
# and the Auto Scaling group's policy behind ECS managed scaling):
# https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking.html
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-auto-scaling.html
ALARMS_PER_TARGET_TRACKING_POLICY = 2


# --- the compiled stack, read back from the folder `tsc compile` writes ---------------------


@dataclass(frozen=True)
class Compiled:
    """The templates of one compiled stack: the shared ones and each stage's."""

    shared: list[dict[str, Any]]  # root, network, pipeline, registry
    stages: dict[str, list[dict[str, Any]]]  # stage name -> its stage and nested templates

    @property
    def network(self) -> dict[str, Any]:
        (network,) = (t for t in self.shared if of_type([t], "AWS::EC2::VPC"))
        return network


def read_compiled(folder: Path) -> Compiled:
    """Follow the root template's nested stacks: stage-<name> stacks and what they nest."""

    def load(name: str) -> dict[str, Any]:
        data: dict[str, Any] = load_template((folder / name).read_text())
        return data

    root = load("root.yaml")
    shared, stages = [root], {}
    for name in nested_files(root):
        template = load(name)
        if name.startswith("stage-"):
            stage = name.removeprefix("stage-").rsplit(".", 2)[0]
            stages[stage] = [template, *(load(n) for n in nested_files(template))]
        else:
            shared.append(template)
    return Compiled(shared, stages)


def nested_files(template: dict[str, Any]) -> list[str]:
    """File names of a template's nested stacks (their TemplateURL ends in the file name)."""
    urls = [p["TemplateURL"]["Fn::Sub"] for p in of_type([template], "AWS::CloudFormation::Stack")]
    return [url.rsplit("}", 1)[-1] for url in urls]


def of_type(templates: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    """Properties of every resource of one type in the templates."""
    return [
        r.get("Properties", {})
        for t in templates
        for r in t.get("Resources", {}).values()
        if r["Type"] == kind
    ]


def one(templates: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    (props,) = of_type(templates, kind)
    return props


# --- counted from the templates --------------------------------------------------------------


def steady_tasks(stage: list[dict[str, Any]]) -> int:
    """Tasks at steady state: the `Desired` the desired-count custom resource gives the service."""
    return int(one(stage, "Custom::DesiredCount")["Desired"])


def task_size(stage: list[dict[str, Any]]) -> tuple[int, int]:
    """The task definition's CPU units and memory (MiB)."""
    task = one(stage, "AWS::ECS::TaskDefinition")
    return int(task["Cpu"]), int(task["Memory"])


def reserved_memory_mib(launch: dict[str, Any]) -> int:
    """ECS_RESERVED_MEMORY as the launch template's user data sets it."""
    user_data = launch["LaunchTemplateData"]["UserData"]["Fn::Base64"]["Fn::Sub"]
    found = re.search(r"ECS_RESERVED_MEMORY=(\d+)", user_data)
    assert found, "the user data sets no ECS_RESERVED_MEMORY"
    return int(found[1])


def tasks_per_instance(stage: list[dict[str, Any]]) -> int:
    """awsvpc tasks one instance holds: an ENI each (the primary is the instance's), and
    the CPU and memory ECS registers, the user data's reserve taken off."""
    launch = one(stage, "AWS::EC2::LaunchTemplate")
    size = INSTANCE_TYPES[launch["LaunchTemplateData"]["InstanceType"]]
    cpu, memory = task_size(stage)
    registered = math.floor(size.memory_mib * REGISTERED_SHARE) - reserved_memory_mib(launch)
    return min(size.max_enis - 1, size.vcpu * CPU_UNITS_PER_VCPU // cpu, registered // memory)


def instances_needed(stage: list[dict[str, Any]]) -> int:
    """Instances the steady tasks fill, before the capacity target."""
    return math.ceil(steady_tasks(stage) / tasks_per_instance(stage))


def instances_running(stage: list[dict[str, Any]]) -> int:
    """Instances ECS managed scaling runs: CapacityProviderReservation = needed / running x
    100 is kept at TargetCapacity, so ceil(needed x 100 / target), within the group's
    MinSize..MaxSize (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/
    cluster-auto-scaling.html)."""
    group = one(stage, "AWS::AutoScaling::AutoScalingGroup")
    scaling = one(stage, "AWS::ECS::CapacityProvider")["AutoScalingGroupProvider"]["ManagedScaling"]
    assert scaling["Status"] == "ENABLED"
    managed = math.ceil(instances_needed(stage) * 100 / scaling["TargetCapacity"])
    return min(max(int(group["MinSize"]), managed), int(group["MaxSize"]))


def root_volume_gib(stage: list[dict[str, Any]]) -> int:
    launch = one(stage, "AWS::EC2::LaunchTemplate")
    (mapping,) = launch["LaunchTemplateData"]["BlockDeviceMappings"]
    assert mapping["Ebs"]["VolumeType"] == "gp3"
    return int(mapping["Ebs"]["VolumeSize"])


def alarms_billed(templates: list[dict[str, Any]]) -> int:
    """Alarms in the templates, and the ones AWS creates for each target-tracking policy:
    Application Auto Scaling's on the service, the group's behind ECS managed scaling."""
    policies = of_type(templates, "AWS::ApplicationAutoScaling::ScalingPolicy")
    tracking = [p for p in policies if p["PolicyType"] == "TargetTrackingScaling"]
    providers = of_type(templates, "AWS::ECS::CapacityProvider")
    managed = [
        p
        for p in providers
        if p["AutoScalingGroupProvider"]["ManagedScaling"]["Status"] == "ENABLED"
    ]
    in_templates = len(of_type(templates, "AWS::CloudWatch::Alarm"))
    return in_templates + ALARMS_PER_TARGET_TRACKING_POLICY * (len(tracking) + len(managed))


def public_subnets(network: dict[str, Any]) -> int:
    """The network's public subnets, one per zone, as its PublicSubnetIds output lists them."""
    _, listed = network["Outputs"]["PublicSubnetIds"]["Value"]["Fn::Join"]
    return len(listed)


def stage_public_ipv4(stage: list[dict[str, Any]], network: dict[str, Any]) -> int:
    """An internet-facing load balancer's address in each of its subnets (the network's
    public ones), and one per task that gets a public IP."""
    addresses = 0
    for balancer in of_type(stage, "AWS::ElasticLoadBalancingV2::LoadBalancer"):
        assert balancer["Scheme"] == "internet-facing"
        assert balancer["Subnets"] == {"Fn::Split": [",", {"Ref": "PublicSubnetIds"}]}
        addresses += public_subnets(network)
    for service in of_type(stage, "AWS::ECS::Service"):
        if (
            service["NetworkConfiguration"]["AwsvpcConfiguration"].get("AssignPublicIp")
            == "ENABLED"
        ):
            addresses += steady_tasks(stage)
    return addresses


def shared_public_ipv4(network: dict[str, Any]) -> int:
    """Elastic IPs, and instances' own public IPs where no Elastic IP replaces them."""
    eips = of_type([network], "AWS::EC2::EIP")
    associated = {a["InstanceId"]["Ref"] for a in of_type([network], "AWS::EC2::EIPAssociation")}
    own = [
        logical
        for logical, r in network["Resources"].items()
        if r["Type"] == "AWS::EC2::Instance"
        and any(n.get("AssociatePublicIpAddress") for n in r["Properties"]["NetworkInterfaces"])
        and logical not in associated
    ]
    return len(eips) + len(own)


def nat_gateways(network: dict[str, Any]) -> int:
    return len(of_type([network], "AWS::EC2::NatGateway"))


def nat_instance_types(network: dict[str, Any]) -> list[str]:
    return [i["InstanceType"] for i in of_type([network], "AWS::EC2::Instance")]


def log_group_writers(templates: list[dict[str, Any]]) -> dict[str, str]:
    """Each log group (by logical ID) and what writes to it: the service's containers, an
    HTTP API stage's access log, a CodeBuild project or a Lambda function."""
    writers: dict[str, str] = {}
    for template in templates:
        groups = {
            k
            for k, r in template.get("Resources", {}).items()
            if r["Type"] == "AWS::Logs::LogGroup"
        }
        for group, writer in _log_destinations(template):
            writers[group] = writer
        unclassified = groups - writers.keys()
        assert not unclassified, f"log groups nothing known writes to: {sorted(unclassified)}"
    return writers


def _log_destinations(template: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for task in of_type([template], "AWS::ECS::TaskDefinition"):
        for container in task["ContainerDefinitions"]:
            yield container["LogConfiguration"]["Options"]["awslogs-group"]["Ref"], "service"
    for stage in of_type([template], "AWS::ApiGatewayV2::Stage"):
        yield stage["AccessLogSettings"]["DestinationArn"]["Fn::GetAtt"][0], "access log"
    for project in of_type([template], "AWS::CodeBuild::Project"):
        yield project["LogsConfig"]["CloudWatchLogs"]["GroupName"]["Ref"], "build"
    for function in of_type([template], "AWS::Lambda::Function"):
        yield function["LoggingConfig"]["LogGroup"]["Ref"], "function"


# --- the estimate, as `tsc cost` gives it ----------------------------------------------------


@dataclass(frozen=True)
class Case:
    compiled: Compiled
    report: dict[str, Any]  # tsc cost --json
    text: str  # tsc cost

    def stage_report(self, name: str) -> dict[str, Any]:
        (found,) = (s for s in self.report["stages"] if s["name"] == name)
        return found


def tsc(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


@cache
def compiled_case(name: str, folder: Path) -> Case:
    """Compile spec `name` (an example's stem, or the 70% spec) in `folder`, once a process."""
    folder.mkdir(parents=True, exist_ok=True)
    spec = ROOT / "examples" / f"{name}.yaml"
    if name == "seventy-percent":
        spec = folder / "tinystack.yaml"
        spec.write_text(SEVENTY_PERCENT)
    tsc("compile", str(spec), "--out", str(folder / "out"))
    (stack,) = (folder / "out").iterdir()
    report = json.loads(tsc("cost", str(spec), "--json"))
    return Case(read_compiled(stack), report, tsc("cost", str(spec)))


@pytest.fixture(params=SPECS)
def case(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Case:
    name: str = request.param
    return compiled_case(name, tmp_path_factory.getbasetemp() / f"counts-{name}")


def quantity(items: list[dict[str, Any]], unit: str, what: str = "") -> float:
    """The quantity the estimate prices in `unit` (over lines whose name starts `what`)."""
    return sum(i["quantity"] for i in items if i["unit"] == unit and i["what"].startswith(what))


def lines_named(items: list[dict[str, Any]], what: str) -> list[str]:
    return [i["what"] for i in items if i["what"].startswith(what)]


# --- the checks ------------------------------------------------------------------------------


def test_instances_priced_are_the_ones_managed_scaling_runs(case: Case) -> None:
    assert sorted(case.compiled.stages) == sorted(s["name"] for s in case.report["stages"])
    for name, stage in case.compiled.stages.items():
        priced = case.stage_report(name)
        assert priced["tasks"] == steady_tasks(stage), name
        items = priced["items"]
        if not of_type(stage, "AWS::AutoScaling::AutoScalingGroup"):  # Fargate: tasks priced
            cpu, memory = task_size(stage)
            task_hours = steady_tasks(stage) * HOURS
            assert quantity(items, "instance-hour") == 0, name
            assert quantity(items, "vCPU-hour") == pytest.approx(task_hours * cpu / 1024)
            assert quantity(items, "GB-hour") == pytest.approx(task_hours * memory / 1024)
            continue
        instances = instances_running(stage)
        instance_type = one(stage, "AWS::EC2::LaunchTemplate")["LaunchTemplateData"]["InstanceType"]
        assert priced["instances"] == instances, name
        assert priced["compute"] == instance_type
        assert lines_named(items, "EC2 ") == [f"EC2 {instance_type} x{instances}"]
        assert quantity(items, "instance-hour") == instances * HOURS, name
        root_volumes = instances * root_volume_gib(stage)
        assert quantity(items, "GB-month", "EBS gp3 root volumes") == root_volumes, name


def test_seventy_percent_target_runs_an_instance_more_than_the_tasks_fill(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # what makes the spec a test of the target: at 100 each stage would run what it needs
    case = compiled_case(
        "seventy-percent", tmp_path_factory.getbasetemp() / "counts-seventy-percent"
    )
    for name, stage in case.compiled.stages.items():
        assert instances_running(stage) == instances_needed(stage) + 1, name
        assert case.stage_report(name)["instances"] == instances_needed(stage) + 1, name


def test_nat_priced_is_the_networks(case: Case) -> None:
    network, shared = case.compiled.network, case.report["shared"]["items"]
    assert quantity(shared, "NAT gateway-hour") == nat_gateways(network) * HOURS
    nat_instances = nat_instance_types(network)
    assert quantity(shared, "instance-hour") == len(nat_instances) * HOURS
    assert lines_named(shared, "NAT instance t") == [f"NAT instance {t}" for t in nat_instances]


def test_public_ipv4_priced_are_the_templates(case: Case) -> None:
    network, unit = case.compiled.network, "public IPv4 address-hour"
    assert quantity(case.report["shared"]["items"], unit) == shared_public_ipv4(network) * HOURS
    for name, stage in case.compiled.stages.items():
        priced = quantity(case.stage_report(name)["items"], unit)
        assert priced == stage_public_ipv4(stage, network) * HOURS, name


def test_alarms_priced_are_the_templates_and_the_ones_aws_creates(case: Case) -> None:
    assert alarms_billed(case.compiled.shared) == 0  # any shared alarm would go unpriced
    for name, stage in case.compiled.stages.items():
        priced = case.stage_report(name)
        assert priced["alarms"] == alarms_billed(stage), name
        assert quantity(priced["items"], "alarm-month") == alarms_billed(stage), name


# what writes to a log group -> the lines that price the data it receives
PRICED_LOGS = {
    "service": ["Service logs ingested", "Service logs stored"],
    "access log": ["HTTP API access logs ingested", "HTTP API access logs stored"],
    "build": ["Build logs ingested"],
}


def priced_log_lines(items: list[dict[str, Any]]) -> dict[str, list[str]]:
    """For each kind of writer with a priced line, the lines the estimate has for it."""
    return {w: [n for n in lines if lines_named(items, n)] for w, lines in PRICED_LOGS.items()}


def expected_log_lines(writers: set[str]) -> dict[str, list[str]]:
    return {w: lines if w in writers else [] for w, lines in PRICED_LOGS.items()}


def test_every_log_group_that_receives_data_is_priced(case: Case) -> None:
    shared = set(log_group_writers(case.compiled.shared).values())
    shared_items = case.report["shared"]["items"]
    assert priced_log_lines(shared_items) == expected_log_lines(shared)
    functions = "function" in shared
    for name, stage in case.compiled.stages.items():
        writers = list(log_group_writers(stage).values())
        assert writers.count("service") == 1, name
        items = case.stage_report(name)["items"]
        assert priced_log_lines(items) == expected_log_lines(set(writers)), name
        functions = functions or "function" in writers
    # the helper functions' groups are the ones the report names as not priced
    assert functions
    assert "logs of the stack's helper functions" in " ".join(case.text.split())


def test_alb_access_logs_are_off_as_the_report_says(case: Case) -> None:
    for stage in case.compiled.stages.values():
        for balancer in of_type(stage, "AWS::ElasticLoadBalancingV2::LoadBalancer"):
            attributes = {a["Key"]: a["Value"] for a in balancer["LoadBalancerAttributes"]}
            assert attributes.get("access_logs.s3.enabled", "false") == "false"
    assert "ALB access logs are off." in " ".join(case.text.split())
