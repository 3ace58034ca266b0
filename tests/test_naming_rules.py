"""The naming-rules table (compiler/data/naming_rules.json) and its reading of names."""

from __future__ import annotations

import pytest

from compiler.data.naming import (
    NamingRule,
    generated_name,
    name_problems,
    naming_rules,
    nested_stack_name,
    rules_for,
)


def _rule(kind: str, prop: str) -> NamingRule:
    return naming_rules()[(kind, prop)]


@pytest.mark.parametrize(
    ("kind", "prop", "name", "problems"),
    [
        ("AWS::ECS::CapacityProvider", "Name", "ecs-demo-cp", ["begins with 'ecs'"]),
        ("AWS::ECS::CapacityProvider", "Name", "FargateThing", ["begins with 'fargate'"]),
        ("AWS::ECS::CapacityProvider", "Name", "capacity-ecs-demo", []),
        ("AWS::EC2::SecurityGroup", "GroupName", "sg-app-Task", ["begins with 'sg-'"]),
        ("AWS::S3::Bucket", "BucketName", "xn--app-bucket", ["begins with 'xn--'"]),
        ("AWS::S3::Bucket", "BucketName", "app-s3alias", ["ends with '-s3alias'"]),
        ("AWS::S3::Bucket", "BucketName", "App", ["does not match ^[a-z0-9][a-z0-9.-]*[a-z0-9]$"]),
        ("AWS::ElasticLoadBalancingV2::LoadBalancer", "Name", "internal-web",
         ["begins with 'internal-'"]),
        ("AWS::ElasticLoadBalancingV2::LoadBalancer", "Name", "w" * 33,
         ["is 33 characters; at most 32"]),
        ("AWS::Lambda::Function", "FunctionName", "f" * 64, []),
        ("AWS::IAM::Role", "Policies[].PolicyName", "asg-cleanup", []),
        ("AWS::RDS::DBInstance", "DBInstanceIdentifier", "a--b-Database-X",
         ["does not match ^(?!.*--)[A-Za-z]([A-Za-z0-9-]*[A-Za-z0-9])?$"]),
        ("AWS::RDS::DBInstance", "DBInstanceIdentifier", "tinystack-db-1c2fa620", []),
        ("AWS::ElastiCache::ReplicationGroup", "ReplicationGroupId", "c" * 41,
         ["is 41 characters; at most 40"]),
        ("AWS::RDS::DBSubnetGroup", "DBSubnetGroupName", "default",
         ["does not match ^(?!default$)[A-Za-z][A-Za-z0-9._ -]*$"]),
    ],
)  # fmt: skip
def test_name_problems_say_what_aws_would_refuse(
    kind: str, prop: str, name: str, problems: list[str]
) -> None:
    assert name_problems(_rule(kind, prop), name) == problems


def test_generated_names_keep_the_stack_name_first_within_the_limit() -> None:
    alb = _rule("AWS::ElasticLoadBalancingV2::LoadBalancer", "Name")
    name = generated_name(alb, "internal-app", "LoadBalancer", "ABCDEFGHJKMNP")
    assert len(name) == 32 and name.startswith("internal-app-Lo")
    assert name_problems(alb, name) == ["begins with 'internal-'"]
    bucket = _rule("AWS::S3::Bucket", "BucketName")
    assert generated_name(bucket, "Shop", "Bucket", "ABCDEFGHJKMNP") == "shop-bucket-abcdefghjkmnp"


def test_nested_stack_names_stay_within_the_stack_name_limit() -> None:
    name = nested_stack_name("a" * 128, "StageProduction", "ABCDEFGHJKMNP")
    assert len(name) == 128 and name.endswith("-ABCDEFGHJKMNP")


def test_every_rule_has_a_source_and_a_type_lists_its_rules() -> None:
    assert all(
        rule.source.startswith("https://docs.aws.amazon.com/") for rule in naming_rules().values()
    )
    assert {r.property for r in rules_for("AWS::IAM::Role")} == {
        "RoleName",
        "Policies[].PolicyName",
    }
    assert rules_for("AWS::EC2::VPC") == ()
