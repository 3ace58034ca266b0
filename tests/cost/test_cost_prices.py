"""The price table: the shipped one is complete and sourced; custom ones fail clearly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from compiler.cost.prices import (
    Price,
    PriceTableError,
    Tier,
    builtin_prices,
    known_instance_types,
    load_prices,
)

DATA = Path(__file__).resolve().parents[2] / "compiler" / "data"


def shipped() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "prices.json").read_text())
    return data


def write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "prices.json"
    path.write_text(json.dumps(data))
    return path


def test_shipped_table_matches_its_schema() -> None:
    schema = json.loads((DATA / "prices.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(shipped())


def test_every_price_has_a_source_url_and_a_date() -> None:
    data = shipped()
    for key, price in data["prices"].items():
        assert price["source"].startswith("https://aws.amazon.com/"), key
        assert len(price["retrieved"]) == 10, key
    assert data["ec2_hourly"]["source"].startswith("https://aws.amazon.com/ec2/pricing/")
    assert (data["region"], data["currency"], data["hours_per_month"]) == ("us-east-1", "USD", 730)


def test_every_instance_type_the_spec_accepts_has_exactly_one_rate() -> None:
    assert set(builtin_prices().ec2_hourly) == set(known_instance_types())


@pytest.mark.parametrize(
    ("key", "quantity", "expected"),
    [
        ("http_api_million_requests", 300, 300.0),
        ("http_api_million_requests", 1000, 300 + 700 * 0.9),
        ("cloudwatch_alarm_month", 10, 0.0),
        ("cloudwatch_alarm_month", 14, 0.4),
        ("codebuild_small_minute", 100, 0.0),
        ("codebuild_small_minute", 300, 1.0),
        ("alb_hour", 730, 16.425),
        ("public_ipv4_hour", 730, 3.65),
        ("nat_gateway_hour", 730, 32.85),
    ],
)
def test_issue_figures_and_tiers(key: str, quantity: float, expected: float) -> None:
    assert builtin_prices().prices[key].charge(quantity) == pytest.approx(expected)


def test_tier_split_reports_each_tier_reached() -> None:
    price = Price("x", "unit", (Tier(10, 0.0), Tier(100, 2.0), Tier(None, 1.0)), "s", "d")
    uses = price.split(150)
    assert [(u.start, u.quantity, u.tier.usd) for u in uses] == [
        (0, 10, 0.0),
        (10, 90, 2.0),
        (100, 50, 1.0),
    ]
    assert price.charge(150) == 230
    assert price.split(0) == ()
    assert price.marginal_usd == 2.0


def test_a_custom_table_is_used(tmp_path: Path) -> None:
    data = shipped()
    data["region"] = "eu-west-1"
    data["ec2_hourly"]["rates"]["t3.micro"] = 0.0114
    table = load_prices(write(tmp_path, data))
    assert table.region == "eu-west-1"
    assert table.instance_hourly("t3.micro") == 0.0114
    assert table.origin.endswith("prices.json")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda d: d["ec2_hourly"]["rates"].update({"x9.huge": 1.0}),
            "unknown instance type 'x9.huge'",
        ),
        (lambda d: d["prices"].pop("alb_hour"), "'alb_hour' is a required property"),
        (lambda d: d["prices"]["alb_hour"].update({"usd": -1}), "prices.alb_hour.usd"),
        (lambda d: d["assumptions"].pop("builds_per_month"), "'builds_per_month' is a required"),
        (
            lambda d: d["prices"]["http_api_million_requests"].update(
                {"tiers": [{"up_to": None, "usd": 0.9}, {"up_to": 300, "usd": 1.0}]}
            ),
            "bounds must increase",
        ),
    ],
)
def test_bad_custom_tables_are_one_line_errors(tmp_path: Path, edit: Any, message: str) -> None:
    data = shipped()
    edit(data)
    with pytest.raises(PriceTableError, match=message) as caught:
        load_prices(write(tmp_path, data))
    assert "\n" not in str(caught.value)


def test_a_spec_instance_type_missing_from_a_custom_table_is_named(tmp_path: Path) -> None:
    data = shipped()
    del data["ec2_hourly"]["rates"]["t3.micro"]
    table = load_prices(write(tmp_path, data))
    with pytest.raises(PriceTableError, match=r"no hourly rate for instance type 't3\.micro'"):
        table.instance_hourly("t3.micro")


def test_missing_and_garbled_files_are_errors(tmp_path: Path) -> None:
    with pytest.raises(PriceTableError, match="cannot read price table"):
        load_prices(tmp_path / "absent.json")
    garbled = tmp_path / "garbled.json"
    garbled.write_text("{not json")
    with pytest.raises(PriceTableError, match="is not valid JSON"):
        load_prices(garbled)
