"""The two stacks the graph tests draw, and what their pictures must hold.

Components and flows are listed by hand from issue 18's list (source, pipeline with Build,
approvals and a Release per stage, ECR, the front door, the ECS cluster and its capacity,
the service, alarms feeding Application Auto Scaling and SNS, the VPC with its subnets
per zone and the egress) and issue 17's stores (each stage's tables, database, cache and
buckets, reached by its service), not read back from compiler/graph.
"""

from __future__ import annotations

from typing import Any

CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"

# Standard scale (HTTP API) on EC2, a GitHub connection, a NAT instance, two stages.
EC2_SPEC: dict[str, Any] = {
    "version": 1,
    "name": "crud-api",
    "scale": "standard",
    "compute": {"type": "ec2", "instance_type": "t3.small", "instances": {"min": 1, "max": 5}},
    "scaling": {"min": 1, "max": 6, "cpu_percent": 75},
    "endpoint": {"throttling": {"rate_limit": 1000, "burst_limit": 500}},
    "network": {"cidr": "10.20.0.0/16", "egress": "nat-instance"},
    "source": {"provider": "github", "repository": "acme/crud-api"},
    "alarms": {"emails": ["ops@example.com"]},
    "stages": [
        {"name": "dev"},
        {"name": "prod", "approval": True, "scaling": {"min": 2, "max": 8}},
    ],
}

# Hyperscale (ALB) on Fargate, an S3 source fed by a GitLab webhook, three zones with a
# NAT gateway each, two stages, a custom domain on prod; every kind of store, per stage,
# prod's database larger and multi-AZ.
FARGATE_SPEC: dict[str, Any] = {
    "version": 1,
    "name": "shop-api",
    "scale": "hyperscale",
    "app": {"port": 3000, "cpu": 1024, "memory": 2048},
    "compute": {"type": "fargate"},
    "scaling": {"min": 2, "max": 20, "cpu_percent": 60, "policy": "target-tracking"},
    "network": {"cidr": "10.30.0.0/16", "availability_zones": 3, "nat": "per-az"},
    "data": {
        "tables": {"orders": {"sort_key": "created"}},
        "database": {},
        "cache": {},
        "buckets": {"uploads": {}},
    },
    "source": {
        "provider": "s3",
        "webhook": {
            "provider": "gitlab",
            "repository": "acme/shop",
            "branch": "main",
            "token_secret_arn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:gl-AbCdEf",
        },
    },
    "stages": [
        {"name": "staging", "scaling": {"min": 1, "max": 4}},
        {
            "name": "prod",
            "approval": True,
            "data": {"database": {"instance_class": "db.t4g.small", "multi_az": True}},
            "endpoint": {
                "domain": {
                    "name": "api.shop.example.com",
                    "certificate_arn": CERTIFICATE,
                    "hosted_zone_id": "Z0123456789ABCDEFGHIJ",
                }
            },
        },
    ],
}


def _stage(name: str, front_door: tuple[str, ...], capacity: tuple[str, ...]) -> set[str]:
    parts = (*front_door, "service", "cluster", *capacity,
             "scaling_alarms", "autoscaling", "health_alarms", "topic")  # fmt: skip
    return {f"{name}_{part}" for part in parts}


def _zones(count: int, nats: int) -> set[str]:
    ids = {f"zone{z}_{kind}" for z in range(1, count + 1) for kind in ("public", "private")}
    return ids | {f"zone{z}_nat" for z in range(1, nats + 1)} | {"internet_gateway"}


DELIVERY = {"clients", "repository", "pipeline", "build", "registry"}

# component id -> must be drawn; the first label line each must show
EC2_COMPONENTS = (
    DELIVERY
    | {"release_dev", "approval_prod", "release_prod"}
    | _stage("dev", ("api", "vpc_link", "cloud_map"), ("capacity", "instances"))
    | _stage("prod", ("api", "vpc_link", "cloud_map"), ("capacity", "instances"))
    | _zones(2, 1)
)
FARGATE_COMPONENTS = (
    DELIVERY
    | {"webhook", "source_bucket", "release_staging", "approval_prod", "release_prod"}
    | _stage("staging", ("alb",), ("fargate",))
    | _stage("prod", ("domain", "alb"), ("fargate",))
    | {f"{s}_{store}" for s in ("staging", "prod")
       for store in ("table_orders", "database", "cache", "bucket_uploads")}
    | _zones(3, 3)
)  # fmt: skip

# The flows the issue names: push -> pipeline, image -> ECR, release -> service,
# request -> front door -> tasks, alarm -> scaling (and alarm -> SNS).
EC2_FLOWS = {
    ("repository", "push", "pipeline"),
    ("build", "image", "registry"),
    ("build", "digest", "release_dev"),
    ("release_dev", "digest", "approval_prod"),
    ("approval_prod", "approved", "release_prod"),
    ("release_dev", "release", "dev_service"),
    ("release_prod", "release", "prod_service"),
    ("clients", "request", "dev_api"),
    ("dev_api", "request", "dev_vpc_link"),
    ("dev_cloud_map", "request :80", "dev_service"),
    ("clients", "request", "prod_api"),
    ("prod_cloud_map", "request :80", "prod_service"),
    ("dev_scaling_alarms", "alarm", "dev_autoscaling"),
    ("dev_autoscaling", "desired count", "dev_service"),
    ("dev_health_alarms", "alarm", "dev_topic"),
    ("prod_scaling_alarms", "alarm", "prod_autoscaling"),
    ("dev_capacity", "scales", "dev_instances"),
    ("zone1_private", "egress", "zone1_nat"),
    ("zone2_private", "egress", "zone1_nat"),
    ("zone1_nat", "egress", "internet_gateway"),
}
FARGATE_FLOWS = {
    ("repository", "push", "webhook"),
    ("webhook", "source.zip", "source_bucket"),
    ("source_bucket", "push", "pipeline"),
    ("build", "image", "registry"),
    ("build", "digest", "release_staging"),
    ("release_staging", "digest", "approval_prod"),
    ("release_staging", "release", "staging_service"),
    ("approval_prod", "approved", "release_prod"),
    ("release_prod", "release", "prod_service"),
    ("clients", "request", "staging_alb"),
    ("staging_alb", "request :3000", "staging_service"),
    ("clients", "request", "prod_domain"),
    ("prod_domain", "request", "prod_alb"),
    ("prod_alb", "request :3000", "prod_service"),
    ("staging_cluster", "capacity", "staging_fargate"),
    ("prod_scaling_alarms", "alarm", "prod_autoscaling"),
    ("prod_health_alarms", "alarm", "prod_topic"),
    *{(f"zone{z}_private", "egress", f"zone{z}_nat") for z in (1, 2, 3)},
    # the service reaches each store by the variable (or the port) that names it
    ("staging_service", "ORDERS_TABLE", "staging_table_orders"),
    ("staging_service", "UPLOADS_BUCKET", "staging_bucket_uploads"),
    ("prod_service", "SQL, TLS :5432", "prod_database"),
    ("prod_service", "TLS :6379", "prod_cache"),
}

# Text a reader must find in the picture: the decisions of the spec.
EC2_DECISIONS = (
    "t3.small x 1..5", "1..6 tasks (desired 1)", "2..8 tasks (desired 2)", "above 75%",
    "below 37%", "manual approval", "throttle 1000/s, burst 500", "NAT instance",
    "ops@example.com", "stage prod, after approval: $", "VPC 10.20.0.0/16",
)  # fmt: skip
FARGATE_DECISIONS = (
    "1 vCPU, 2048 MiB", "1..4 tasks (desired 1)", "2..20 tasks (desired 2)",
    "holds CPU at 60%", "api.shop.example.com", "Z0123456789ABCDEFGHIJ", "Fargate",
    "stage staging: $", "stage prod, after approval: $", "GitLab acme/shop",
    "DynamoDB table", "key id, sort created", "RDS PostgreSQL 16", "db.t4g.small, Multi-AZ",
    "ElastiCache Valkey", "S3 bucket",
)  # fmt: skip
