"""Acceptance of `tsc deploy`, `tsc diff` and `tsc destroy` against moto server.

A standard (HTTP API, EC2) and a hyperscale (ALB, Fargate) example with two stages each
are deployed through boto3 over HTTP; the results are read back through each service's
own API, as a user would check them in AWS.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from compiler.template_yaml import load_template

STACK_TYPE = "AWS::CloudFormation::Stack"


def nested_stacks(cfn: Any, stack_id: str) -> list[dict[str, Any]]:
    """Every stack nested (at any depth) under stack_id, as describe-stacks shows it."""
    found = []
    for page in cfn.get_paginator("list_stack_resources").paginate(StackName=stack_id):
        for resource in page["StackResourceSummaries"]:
            if resource["ResourceType"] == STACK_TYPE:
                child = cfn.describe_stacks(StackName=resource["PhysicalResourceId"])
                found.append(child["Stacks"][0])
                found += nested_stacks(cfn, resource["PhysicalResourceId"])
    return found


def resources_of_type(cfn: Any, stacks: list[dict[str, Any]], resource_type: str) -> list[str]:
    """Physical IDs of the stacks' own resources of one type."""
    return [
        r["PhysicalResourceId"]
        for stack in stacks
        for r in cfn.list_stack_resources(StackName=stack["StackId"])["StackResourceSummaries"]
        if r["ResourceType"] == resource_type
    ]


def count_type(folder: Path, resource_type: str) -> int:
    total = 0
    for path in folder.glob("*.yaml"):
        template = load_template(path.read_text())
        if isinstance(template, dict) and "Resources" in template:
            total += sum(r["Type"] == resource_type for r in template["Resources"].values())
    return total


def root_outputs(cfn: Any, name: str) -> dict[str, str]:
    stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def assert_outputs_printed(stdout: str, outputs: dict[str, str]) -> None:
    """Each output of describe-stacks appears on its own line: key, then value."""
    assert outputs
    for key, value in outputs.items():
        line = re.compile(rf"^\s+{key}\s+{re.escape(value)}(\s|$)", re.MULTILINE)
        assert line.search(stdout), f"output {key} not printed as {value!r}"


def stage_services(stacks: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """(cluster, service) of every stage, from the stacks' outputs (stage stacks repeat them)."""
    pairs = set()
    for stack in stacks:
        outs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
        if "ServiceName" in outs and "ServiceArn" in outs:
            cluster = outs["ServiceArn"].split(":service/")[1].split("/")[0]
            pairs.add((cluster, outs["ServiceName"]))
    return pairs


def check_deployed(folder: Path, name: str, stdout: str) -> tuple[dict[str, str], Any]:
    """Every nested stack, ECS services, ECR, pipeline and alarms exist; outputs printed."""
    cfn = boto3.client("cloudformation")
    root = cfn.describe_stacks(StackName=name)["Stacks"][0]
    assert root["StackStatus"] == "CREATE_COMPLETE"
    stacks = nested_stacks(cfn, root["StackId"])
    assert len(stacks) == count_type(folder, STACK_TYPE)
    assert {s["StackStatus"] for s in stacks} == {"CREATE_COMPLETE"}

    ecs = boto3.client("ecs")
    services = stage_services(stacks)
    assert len(services) == 2
    for cluster, service in services:
        found = ecs.describe_services(cluster=cluster, services=[service])["services"]
        assert [s["status"] for s in found] == ["ACTIVE"]

    outputs = root_outputs(cfn, name)
    repos = boto3.client("ecr").describe_repositories()["repositories"]
    assert [r["repositoryUri"] for r in repos] == [outputs["RepositoryUri"]]
    pipeline = boto3.client("codepipeline").get_pipeline(name=outputs["PipelineName"])
    assert pipeline["pipeline"]["stages"][0]["name"] == "Source"
    # every alarm the stacks declare exists (target tracking adds alarms of its own)
    declared = resources_of_type(cfn, [root, *stacks], "AWS::CloudWatch::Alarm")
    assert len(declared) == count_type(folder, "AWS::CloudWatch::Alarm")
    alarms = boto3.client("cloudwatch").describe_alarms()["MetricAlarms"]
    assert set(declared) <= {a["AlarmName"] for a in alarms}
    assert_outputs_printed(stdout, outputs)
    return outputs, cfn


def changes_of(diff_json: str) -> set[tuple[str, str, str, tuple[str, ...]]]:
    doc = json.loads(diff_json)
    return {
        (s["stack"], r["action"], r["logical_id"], tuple(r["properties"]))
        for s in doc["stacks"]
        for r in s["resources"]
    }


def changed_files(old: Path, new: Path) -> set[str]:
    before = json.loads((old / "manifest.json").read_text())["files"]
    after = json.loads((new / "manifest.json").read_text())["files"]
    return {name for name in after if before.get(name) != after[name]} | {"manifest.json"}


def stack_update_events(cfn: Any, stack_id: str, path: str = "") -> set[tuple[str, str]]:
    """(nested stack path, event ID) of every UPDATE_COMPLETE a parent recorded for a child."""
    found = set()
    for resource in cfn.list_stack_resources(StackName=stack_id)["StackResourceSummaries"]:
        if resource["ResourceType"] != STACK_TYPE:
            continue
        child = f"{path}{resource['LogicalResourceId']}"
        events = cfn.describe_stack_events(StackName=stack_id)["StackEvents"]
        found |= {
            (child, e["EventId"])
            for e in events
            if e["LogicalResourceId"] == resource["LogicalResourceId"]
            and e["ResourceStatus"] == "UPDATE_COMPLETE"
        }
        found |= stack_update_events(cfn, resource["PhysicalResourceId"], f"{child}/")
    return found


def test_standard_stack_deploy_change_diff_destroy(aws, tsc, compile_example, tmp_path):
    # dev takes the top-level scaling.max; prod overrides it
    first = compile_example("crud-api", tmp_path / "v1", {"\n  max: 6\n": "\n  max: 5\n"})
    deployed = tsc("deploy", str(first), "--yes", "--create-bucket")
    assert deployed.exit_code == 0, deployed.stderr
    outputs, cfn = check_deployed(first, "crud-api", deployed.stdout)
    apis = boto3.client("apigatewayv2").get_apis()["Items"]
    assert sorted(a["ApiEndpoint"] for a in apis) == sorted(
        [outputs["DevEndpointUrl"], outputs["ProdEndpointUrl"]]
    )
    assert "activate the source connection once" in deployed.stdout

    second = compile_example("crud-api", tmp_path / "v2", {"\n  max: 6\n": "\n  max: 8\n"})
    shown = tsc("diff", str(second))
    assert shown.exit_code == 0, shown.stderr
    # content-addressed files: only the changed ones go up
    fresh, total = len(changed_files(first, second)), len(list(second.iterdir()))
    assert f"({fresh} uploaded, {total - fresh} unchanged)" in shown.stderr
    # the stacks a deploy updates, then each change with its old and new value
    lines = shown.stdout.splitlines()
    assert "  stacks to update: root, stage-dev, service-dev" in lines
    at = lines.index(
        "    ~ ScalableTarget AWS::ApplicationAutoScaling::ScalableTarget (MaxCapacity)"
    )
    assert lines[at + 1] == "        MaxCapacity: 5 -> 8"
    # by design dev's desired count is read again: updating the ScalableTarget pushes the
    # function's last MinCapacity into it, which would be a stale floor (0 from a first
    # deploy without an image) if not re-read; shown as the reason, not as a user change
    at = lines.index("    ~ DesiredCount Custom::DesiredCount")
    assert lines[at + 1].startswith("        not your change: tinystack asks again for the")
    assert "Fingerprint" not in shown.stdout
    as_json = tsc("diff", str(second), "--json")
    # exactly that, in dev only
    assert changes_of(as_json.stdout) == {
        ("service-dev", "Modify", "ScalableTarget", ("MaxCapacity",)),
        ("service-dev", "Modify", "DesiredCount", ("Fingerprint",)),
    }
    doc = json.loads(as_json.stdout)
    assert [(s["stack"], s["action"]) for s in doc["stacks"]] == [
        ("root", "Modify"),
        ("stage-dev", "Modify"),
        ("service-dev", "Modify"),
    ]
    (service,) = (s for s in doc["stacks"] if s["stack"] == "service-dev")
    target = next(r for r in service["resources"] if r["logical_id"] == "ScalableTarget")
    assert target["values"] == [{"path": "MaxCapacity", "before": 5, "after": 8}]
    root = cfn.describe_stacks(StackName="crud-api")["Stacks"][0]
    assert root["StackStatus"] == "CREATE_COMPLETE"

    before = stack_update_events(cfn, root["StackId"])
    updated = tsc("deploy", str(second), "--yes")
    assert updated.exit_code == 0, updated.stderr
    assert f"(0 uploaded, {total} unchanged)" in updated.stderr
    # CloudFormation updated exactly dev's stage stack and its service stack
    fresh_updates = stack_update_events(cfn, root["StackId"]) - before
    assert sorted(path for path, _ in fresh_updates) == ["StageDev", "StageDev/ServiceStack"]
    targets = boto3.client("application-autoscaling").describe_scalable_targets(
        ServiceNamespace="ecs"
    )["ScalableTargets"]
    assert sorted(t["MaxCapacity"] for t in targets) == [8, 8]
    again = tsc("diff", str(second))
    assert again.exit_code == 0
    assert again.stdout.strip() == "no changes: stack crud-api is up to date"

    destroyed = tsc("destroy", "crud-api", "--yes")
    assert destroyed.exit_code == 0, destroyed.stderr
    with pytest.raises(ClientError, match="does not exist"):
        cfn.describe_stacks(StackName="crud-api")
    repo = outputs["RepositoryUri"].split("/", 1)[1]
    assert f"AWS::ECR::Repository {repo}  remove: aws ecr delete-repository" in destroyed.stdout
    assert "AWS::Logs::LogGroup" in destroyed.stdout
    templates = "s3://tinystack-templates-123456789012-us-east-1/tinystack/crud-api/"
    assert f"Uploaded templates stay in {templates}  remove: aws s3 rm {templates}" in (
        destroyed.stdout
    )
    assert boto3.client("ecr").describe_repositories(repositoryNames=[repo])["repositories"]
    assert boto3.client("apigatewayv2").get_apis()["Items"] == []
    assert boto3.client("codepipeline").list_pipelines()["pipelines"] == []
    assert boto3.client("cloudwatch").describe_alarms()["MetricAlarms"] == []


def test_hyperscale_stack_deploys_behind_load_balancers(aws, tsc, compile_example, tmp_path):
    # what the user has beforehand: the hosted zone and an issued certificate
    zone = (
        boto3.client("route53")
        .create_hosted_zone(Name="shop.example.com", CallerReference="test")["HostedZone"]["Id"]
        .split("/")[-1]
    )
    cert = boto3.client("acm").request_certificate(
        DomainName="api.shop.example.com",
        SubjectAlternativeNames=["staging.api.shop.example.com"],
    )["CertificateArn"]
    example_cert = (
        "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    )
    folder = compile_example(
        "hyperscale-fargate", tmp_path, {"Z0123456789ABCDEFGHIJ": zone, example_cert: cert}
    )
    deployed = tsc("deploy", str(folder), "--yes", "--create-bucket")
    assert deployed.exit_code == 0, deployed.stderr
    outputs, _ = check_deployed(folder, "shop-api", deployed.stdout)
    balancers = boto3.client("elbv2").describe_load_balancers()["LoadBalancers"]
    assert sorted(b["Type"] for b in balancers) == ["application", "application"]
    assert outputs["ProdEndpointUrl"] == "https://api.shop.example.com"
    assert outputs["StagingEndpointUrl"] == "https://staging.api.shop.example.com"
    records = boto3.client("route53").list_resource_record_sets(HostedZoneId=zone)
    names = {r["Name"].rstrip(".") for r in records["ResourceRecordSets"] if r["Type"] == "A"}
    assert names == {"api.shop.example.com", "staging.api.shop.example.com"}

    destroyed = tsc("destroy", "shop-api", "--yes")
    assert destroyed.exit_code == 0, destroyed.stderr
    assert "Retained (not deleted, by design):" in destroyed.stdout
