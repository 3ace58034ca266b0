"""Lowering: defaults, stage merges, subnets, names and the scale decision, as users see them."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from stack_irs import lowered

from compiler.ir.names import shorten
from compiler.spec.resolve import resolve_spec


def spec(**extra: Any) -> dict[str, Any]:
    return {"version": 1, "name": "crud-api", **extra}


def test_two_line_spec_gets_every_default() -> None:
    ir = lowered(spec())
    (stage,) = ir.stages
    assert stage.name == "dev" and stage.previous_stage is None and not stage.approval
    assert (stage.app.port, stage.app.cpu, stage.app.memory) == (80, 256, 512)
    assert stage.app.health_check.path == "/ping"
    assert (stage.scaling.desired, stage.scaling.min, stage.scaling.max) == (1, 1, 5)
    assert stage.scaling.cpu_percent == 75 and stage.scaling.scale_in_cpu_percent == 37
    assert stage.compute.type == "ec2" and stage.compute.instance_type == "t3.micro"
    # room for scaling.max + 1 tasks: a release at the maximum starts one more (docs/spec.md)
    assert (stage.compute.instances_min, stage.compute.instances_max) == (1, 6)
    assert stage.compute.target_capacity_percent == 100
    assert stage.endpoint.type == "api-gateway"
    assert ir.network.egress == "nat-gateway" and ir.network.nat_gateways == 1
    assert ir.source.provider == "s3" and ir.source.creates_bucket
    assert ir.source.key == "crud-api/source.zip"
    assert ir.registry.protected_tags == ("latest", "dev")


def test_stage_override_merges_before_defaults() -> None:
    ir = lowered(
        spec(
            scaling={"max": 8},
            app={"environment": {"A": "1", "B": "top"}},
            stages=[
                {"name": "dev"},
                {
                    "name": "prod",
                    "approval": True,
                    "scaling": {"min": 2},
                    "compute": {"instances": {"min": 2, "max": 9}},
                    "environment": {"B": "prod"},
                },
            ],
        )
    )
    dev, prod = ir.stages
    assert (dev.scaling.min, dev.scaling.desired, dev.scaling.max) == (1, 1, 8)
    # `min: 2` in a stage also makes that stage's desired 2 (SPEC "Decisions")
    assert (prod.scaling.min, prod.scaling.desired, prod.scaling.max) == (2, 2, 8)
    assert dict(prod.app.environment) == {"A": "1", "B": "prod"}
    assert dict(dev.app.environment) == {"A": "1", "B": "top"}
    assert prod.previous_stage == "dev" and prod.approval


def test_origin_points_at_the_line_the_user_wrote() -> None:
    resolved = resolve_spec(
        spec(scaling={"max": 8}, stages=[{"name": "dev"}, {"name": "prod", "scaling": {"min": 2}}])
    )
    dev, prod = resolved.stages
    assert prod.origin(("scaling", "min")) == ("stages", 1, "scaling", "min")
    assert prod.origin(("scaling", "max")) == ("scaling", "max")
    assert dev.origin(("scaling", "min")) == ("scaling",)
    assert dev.origin(("compute", "type")) == ("stages", 0)


@pytest.mark.parametrize(
    ("cidr", "azs", "prefix"),
    [("10.0.0.0/16", 2, 18), ("10.0.0.0/16", 3, 19), ("192.168.4.0/24", 3, 27)],
)
def test_subnets_split_the_vpc_without_overlap(cidr: str, azs: int, prefix: int) -> None:
    ir = lowered(spec(network={"cidr": cidr, "availability_zones": azs}))
    blocks = [
        ipaddress.ip_network(c) for s in ir.network.subnets for c in (s.public_cidr, s.private_cidr)
    ]
    assert len(blocks) == 2 * azs
    assert all(b.prefixlen == prefix and b.subnet_of(ipaddress.ip_network(cidr)) for b in blocks)  # type: ignore[arg-type]
    assert len(set(blocks)) == len(blocks)
    assert not any(a.overlaps(b) for i, a in enumerate(blocks) for b in blocks[i + 1 :])


@pytest.mark.parametrize(
    ("network", "gateways", "nat_instance", "public"),
    [
        ({"egress": "nat-gateway", "nat": "per-az", "availability_zones": 3}, 3, None, False),
        ({"egress": "nat-instance"}, 0, "t3.nano", False),
        ({"egress": "public-ip"}, 0, None, True),
    ],
)
def test_egress_decides_nat(
    network: dict[str, Any], gateways: int, nat_instance: str | None, public: bool
) -> None:
    ir = lowered(spec(network=network, compute={"type": "fargate"}))
    assert ir.network.nat_gateways == gateways
    assert ir.network.nat_instance_type == nat_instance
    assert ir.network.tasks_in_public_subnets is public


def test_scale_and_explicit_endpoint_type() -> None:
    ir = lowered(
        spec(
            scale="hyperscale",
            stages=[
                {
                    "name": "dev",
                    "endpoint": {
                        "type": "api-gateway",
                        "throttling": {"rate_limit": 5, "burst_limit": 5},
                    },
                },
                {"name": "prod"},
            ],
        )
    )
    dev, prod = ir.stages
    assert dev.endpoint.type == "api-gateway" and dev.endpoint.throttling is not None
    assert dev.endpoint.choice.reason == "endpoint.type set explicitly"
    assert prod.endpoint.type == "alb" and prod.endpoint.throttling is None


def test_source_provider_fields() -> None:
    gh = lowered(spec(source={"repository": "acme/app"})).source
    assert gh.provider == "github" and gh.creates_connection and gh.key is None
    s3 = lowered(
        spec(
            source={
                "provider": "s3",
                "bucket": "my-src",
                "webhook": {
                    "provider": "gitlab",
                    "repository": "acme/app",
                    "token_secret_arn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:t",
                },
            }
        )
    ).source
    assert s3.bucket == "my-src" and not s3.creates_bucket and s3.key == "crud-api/source.zip"
    assert s3.webhook is not None and s3.webhook.branch == "main"


def test_secrets_know_their_store() -> None:
    ir = lowered(
        spec(
            app={
                "secrets": {
                    "B": "arn:aws:ssm:us-east-1:123456789012:parameter/app/b",
                    "A": "arn:aws:secretsmanager:us-east-1:123456789012:secret:a-AbCdEf",
                }
            }
        )
    )
    assert [(s.name, s.store) for s in ir.stages[0].app.secrets] == [
        ("A", "secretsmanager"),
        ("B", "ssm"),
    ]


def test_traffic_peaks_are_derived_and_said_so() -> None:
    given = lowered(
        spec(traffic={"requests_per_month": 2_628_000, "peak_new_connections_per_second": 7})
    )
    assert given.traffic.peak_new_connections_per_second == 7
    assert given.traffic.derived == ("peak_active_connections_per_minute",)
    derived = lowered(spec(traffic={"requests_per_month": 2_628_000})).traffic
    assert derived.peak_new_connections_per_second == pytest.approx(1.0)
    assert set(derived.derived) == {
        "peak_new_connections_per_second",
        "peak_active_connections_per_minute",
    }


def test_long_names_are_cut_with_a_stable_hash() -> None:
    assert shorten("short", 32) == "short"
    cut = shorten("x" * 40, 32)
    assert len(cut) == 32 and cut[-7] == "-"
    assert cut != shorten("x" * 41, 32)  # the hash tells two long names apart
    assert shorten("ab-" * 20, 16).count("--") == 0  # no hyphen run at the cut


def test_largest_traffic_the_schema_allows_gives_finite_prices() -> None:
    import json

    from compiler.ir.model import ir_as_dict
    from compiler.spec.language_schema import load_schema

    limits = load_schema()["properties"]["traffic"]["properties"]
    traffic = {key: limits[key]["maximum"] for key in limits}
    ir = lowered(spec(scale="auto", traffic=traffic))
    choice = ir.stages[0].endpoint.choice
    assert "inf" not in choice.reason and choice.hyperscale_monthly_usd is not None
    json.dumps(ir_as_dict(ir), allow_nan=False)  # --emit-ir stays valid JSON


def test_a_stage_traffic_merges_over_the_stacks_and_others_keep_the_stacks() -> None:
    ir = lowered(
        spec(
            traffic={"requests_per_month": 5_000_000, "avg_response_kb": 20},
            stages=[{"name": "dev", "traffic": {"requests_per_month": 2_628}}, {"name": "prod"}],
        )
    )
    dev, prod = ir.stages
    assert prod.traffic is None  # priced at the stack's profile
    assert dev.traffic is not None
    assert (dev.traffic.requests_per_month, dev.traffic.avg_response_kb) == (2_628, 20)
    assert dev.traffic.peak_new_connections_per_second == pytest.approx(0.001)  # its own
    assert ir.traffic.requests_per_month == 5_000_000


def test_a_budget_tags_every_resource_with_the_stack_it_filters_on() -> None:
    ir = lowered(spec(tags={"team": "web"}, alarms={"monthly_budget": 40, "emails": ["a@b.co"]}))
    budget = ir.alarms.monthly_budget
    assert budget is not None and (budget.requested, budget.amount_usd) == (40, 40)
    assert budget.tag == ("tinystack-stack", "crud-api")
    assert ir.tags == (("team", "web"), ("tinystack-stack", "crud-api"))
    plain = lowered(spec(tags={"team": "web"}))
    assert plain.alarms.monthly_budget is None and plain.tags == (("team", "web"),)
    own = lowered(spec(tags={"tinystack-stack": "shop-eu"}, alarms={"monthly_budget": 9}))
    assert own.alarms.monthly_budget is not None
    assert own.alarms.monthly_budget.tag == ("tinystack-stack", "shop-eu")  # the spec's kept


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({}, 6),  # t3.micro holds 1 task: 5 + 1 tasks
        ({"compute": {"instance_type": "t3.small"}, "scaling": {"max": 6}}, 4),  # 2 a piece
        ({"compute": {"instance_type": "t3.small", "instances": {"min": 5}}}, 5),  # not below min
        ({"compute": {"instances": {"max": 3}}, "scaling": {"max": 2}}, 3),  # written: kept
    ],
)
def test_instances_max_defaults_to_room_for_one_task_more_than_scaling_max(
    extra: dict[str, Any], expected: int
) -> None:
    (stage,) = lowered(spec(**extra)).stages
    assert stage.compute.instances_max == expected
    per = stage.compute.tasks_per_instance
    assert per is not None and stage.compute.instances_max * per >= stage.scaling.max + 1
