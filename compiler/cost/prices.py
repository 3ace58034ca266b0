"""The price table: `compiler/data/prices.json` (or `--prices FILE`) as frozen dataclasses.

Every price carries its unit, source URL and the date it was read. A price is a list of
tiers over the month's cumulative quantity (a flat price is one unbounded tier), so free
tiers and volume discounts are the same shape. A custom table is validated against
`compiler/data/prices.schema.json`; any problem is a `PriceTableError` with one line.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from compiler.cost.store_prices import StoreRateError, StoreRates, parse_store_rates

PriceKey = Literal[
    "http_api_million_requests",
    "alb_hour",
    "alb_lcu_hour",
    "ebs_gp3_gb_month",
    "fargate_x86_vcpu_hour",
    "fargate_x86_gb_hour",
    "fargate_arm_vcpu_hour",
    "fargate_arm_gb_hour",
    "nat_gateway_hour",
    "nat_gateway_gb",
    "public_ipv4_hour",
    "cloudwatch_alarm_month",
    "logs_ingest_gb",
    "logs_storage_gb_month",
    "codepipeline_v2_action_minute",
    "codebuild_small_minute",
    "codebuild_medium_minute",
    "codebuild_large_minute",
    "ecr_storage_gb_month",
    "secrets_manager_secret_month",
    "route53_hosted_zone_month",
    "cloud_map_instance_month",
    "data_transfer_out_gb",
    "inter_az_gb",
    "vpc_gateway_endpoint_gb",
    "dynamodb_read_million",
    "dynamodb_write_million",
    "dynamodb_storage_gb_month",
    "dynamodb_pitr_gb_month",
    "rds_gp3_gb_month",
    "rds_backup_gb_month",
    "s3_standard_gb_month",
]

AssumptionKey = Literal[
    "ecs_root_volume_gib",
    "nat_instance_root_volume_gib",
    "listener_rules_per_request",
    "log_kb_per_request",
    "log_retention_months",
    "builds_per_month",
    "source_action_minutes",
    "build_minutes",
    "release_minutes",
    "build_log_mb",
    "image_base_gb",
    "image_layer_gb_per_build",
    "access_log_kb_per_request",
    "outbound_kb_per_request",
    "extra_task_starts_per_stage",
    "dynamodb_reads_per_request",
    "dynamodb_writes_per_request",
    "dynamodb_table_gb",
    "rds_daily_change_percent",
    "bucket_gb",
]

BUILTIN = "builtin"
FreeTier = Literal["available", "used"]


class PriceTableError(Exception):
    """A price table that cannot be used; the message is one line for the user."""


@dataclass(frozen=True)
class Tier:
    """A rate that applies up to a cumulative monthly quantity (None: no bound)."""

    up_to: float | None
    usd: float


@dataclass(frozen=True)
class TierUse:
    """The part of a quantity billed in one tier."""

    quantity: float
    tier: Tier
    start: float  # cumulative quantity where the tier begins


@dataclass(frozen=True)
class Price:
    key: str
    unit: str
    tiers: tuple[Tier, ...]
    source: str
    retrieved: str
    free_taken: float = 0.0  # free units assumed taken by other stacks (--free-tier used)

    def split(self, quantity: float) -> tuple[TierUse, ...]:
        """The quantity cut into the tiers it reaches, lowest first."""
        uses: list[TierUse] = []
        start = 0.0
        for tier in self.tiers:
            end = quantity if tier.up_to is None else min(quantity, tier.up_to)
            if end > start:
                uses.append(TierUse(quantity=end - start, tier=tier, start=start))
            if tier.up_to is None or quantity <= tier.up_to:
                break
            start = tier.up_to
        return tuple(uses)

    def charge(self, quantity: float) -> float:
        """Monthly charge for `quantity` units, tiers applied."""
        return sum(use.quantity * use.tier.usd for use in self.split(quantity))

    @property
    def marginal_usd(self) -> float:
        """The rate of the first paid tier (what one more unit costs past the free tier)."""
        paid = [tier.usd for tier in self.tiers if tier.usd > 0]
        return paid[0] if paid else 0.0

    @property
    def free_units(self) -> float:
        """Units a month the leading free tier gives (0 without one); it is per account."""
        first = self.tiers[0]
        return first.up_to if first.usd == 0 and first.up_to is not None else 0.0

    def without_free_tier(self) -> Price:
        """The price once the free units are taken: its paid tiers, from the first unit on
        (tier bounds stay as AWS states them, e.g. "first 10 TB")."""
        if not self.free_units:
            return self
        return replace(self, tiers=self.tiers[1:], free_taken=self.free_units)


@dataclass(frozen=True)
class LcuDimensions:
    """What one ALB LCU provides in each of its four dimensions."""

    new_connections_per_second: float
    active_connections_per_minute: float
    processed_gb_per_hour: float
    rule_evaluations_per_second: float
    free_rules_per_request: float


@dataclass(frozen=True)
class Assumption:
    value: float
    why: str
    source: str


@dataclass(frozen=True)
class PriceTable:
    origin: str  # "builtin" or the path the user gave
    region: str
    currency: str
    retrieved: str
    hours_per_month: float
    prices: Mapping[str, Price]
    ec2_hourly: Mapping[str, float]
    lcu: LcuDimensions
    assumptions: Mapping[str, Assumption]
    stores: StoreRates  # RDS and ElastiCache hourly rates
    # "used": another stack of the account already takes the per-account free tiers
    free_tier: FreeTier = "available"

    def database_hourly(self, engine: str, instance_class: str) -> float:
        """Hourly rate of one RDS instance; a clear error when the table lacks it."""
        rates = self.stores.database.get(engine, {})
        what, under = f"{engine} instance class", f"rds_hourly.rates.{engine}"
        return self._hourly(rates, instance_class, what, under)

    def cache_hourly(self, node_type: str) -> float:
        """Hourly rate of one ElastiCache node; a clear error when the table lacks it."""
        return self._hourly(
            self.stores.cache, node_type, "cache node type", "elasticache_hourly.rates"
        )

    def price(self, key: PriceKey) -> Price:
        """One price by key (the schema guarantees every key is present)."""
        return self.prices[key]

    def assume(self, key: AssumptionKey) -> float:
        """The value of one usage assumption."""
        return self.assumptions[key].value

    def free_tiers(self) -> dict[str, Price]:
        """The prices with a per-account free tier (alarms, build minutes, data out), by key;
        with the free tiers used, the ones whose free units are taken."""
        return {k: p for k, p in self.prices.items() if p.free_units or p.free_taken}

    def with_free_tiers_used(self) -> PriceTable:
        """The table as it bills this stack when other stacks of the account already take
        the per-account free tiers: every unit is billed from the first paid tier on."""
        if self.free_tier == "used":
            return self
        prices = {key: price.without_free_tier() for key, price in self.prices.items()}
        return replace(self, prices=prices, free_tier="used")

    def instance_hourly(self, instance_type: str) -> float:
        """Hourly rate of an EC2 instance type; a clear error when the table lacks it."""
        return self._hourly(self.ec2_hourly, instance_type, "instance type", "ec2_hourly.rates")

    def _hourly(self, rates: Mapping[str, float], name: str, what: str, under: str) -> float:
        rate = rates.get(name)
        if rate is None:
            raise PriceTableError(
                f"price table '{self.origin}' has no hourly rate for {what} '{name}'; "
                f"add it under {under}"
            )
        return rate


def load_prices(path: Path | None = None) -> PriceTable:
    """The built-in table, or the table at `path` (validated against the schema)."""
    if path is None:
        return builtin_prices()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PriceTableError(f"cannot read price table '{path}': {exc.strerror}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise PriceTableError(f"price table '{path}' is not valid JSON: {exc}") from exc
    return parse_prices(data, str(path), known_instance_types())


@cache
def builtin_prices() -> PriceTable:
    """The table shipped in compiler/data/prices.json (read once)."""
    text = resources.files("compiler").joinpath("data/prices.json").read_text(encoding="utf-8")
    # The shipped table is checked against the schema by a test, not on every run.
    return parse_prices(json.loads(text), BUILTIN, None, validate=False)


@cache
def _schema() -> dict[str, Any]:
    text = (
        resources.files("compiler").joinpath("data/prices.schema.json").read_text(encoding="utf-8")
    )
    schema: dict[str, Any] = json.loads(text)
    return schema


def known_instance_types() -> frozenset[str]:
    """Instance types the spec accepts (compiler/data/instance_types.json)."""
    from compiler.data.tables import instance_types

    return frozenset(instance_types())


def parse_prices(
    data: Any, origin: str, known_types: frozenset[str] | None, *, validate: bool = True
) -> PriceTable:
    """Validate a decoded table and build the dataclasses; `known_types` checks EC2 keys."""
    if validate:
        _validate(data, origin)
    if known_types is not None:
        unknown = sorted(set(data["ec2_hourly"]["rates"]) - known_types)
        if unknown:
            raise PriceTableError(
                f"price table '{origin}': ec2_hourly.rates: unknown instance type "
                f"'{unknown[0]}'; tinystack knows {len(known_types)} types "
                "(compiler/data/instance_types.json)"
            )
    try:
        stores = parse_store_rates(data, origin, check=known_types is not None)
    except StoreRateError as exc:
        raise PriceTableError(str(exc)) from None
    prices = {key: _price(key, raw, origin) for key, raw in sorted(data["prices"].items())}
    lcu = data["lcu_dimensions"]
    return PriceTable(
        origin=origin,
        region=str(data["region"]),
        currency=str(data["currency"]),
        retrieved=str(data["retrieved"]),
        hours_per_month=float(data["hours_per_month"]),
        prices=prices,
        ec2_hourly={k: float(v) for k, v in sorted(data["ec2_hourly"]["rates"].items())},
        lcu=LcuDimensions(
            new_connections_per_second=float(lcu["new_connections_per_second"]),
            active_connections_per_minute=float(lcu["active_connections_per_minute"]),
            processed_gb_per_hour=float(lcu["processed_gb_per_hour"]),
            rule_evaluations_per_second=float(lcu["rule_evaluations_per_second"]),
            free_rules_per_request=float(lcu["free_rules_per_request"]),
        ),
        assumptions={
            key: Assumption(float(a["value"]), str(a["why"]), str(a["source"]))
            for key, a in sorted(data["assumptions"].items())
        },
        stores=stores,
    )


def _validate(data: Any, origin: str) -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        error = errors[0]
        where = ".".join(str(part) for part in error.absolute_path) or "(top level)"
        raise PriceTableError(f"price table '{origin}': {where}: {error.message}")


def _price(key: str, raw: Mapping[str, Any], origin: str) -> Price:
    if "usd" in raw:
        tiers: tuple[Tier, ...] = (Tier(None, float(raw["usd"])),)
    else:
        tiers = tuple(
            Tier(None if t["up_to"] is None else float(t["up_to"]), float(t["usd"]))
            for t in raw["tiers"]
        )
    bounds = [t.up_to for t in tiers]
    finite = [b for b in bounds if b is not None]
    if bounds[-1] is not None or len(finite) != len(bounds) - 1 or finite != sorted(set(finite)):
        raise PriceTableError(
            f"price table '{origin}': prices.{key}.tiers: bounds must increase and the "
            "last tier must have 'up_to': null"
        )
    return Price(key, str(raw["unit"]), tiers, str(raw["source"]), str(raw["retrieved"]))
