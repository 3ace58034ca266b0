"""Line items: one priced quantity of the bill, cut at the price's tiers."""

from __future__ import annotations

from dataclasses import dataclass

from compiler.cost.prices import Price, TierUse


@dataclass(frozen=True)
class LineItem:
    """What is billed, how much, at what unit price, and the monthly amount."""

    what: str
    quantity: float
    unit: str
    unit_usd: float
    monthly_usd: float


def priced(what: str, price: Price, quantity: float) -> list[LineItem]:
    """Line items for `quantity` units of `price`, one per tier reached (none for zero)."""
    uses = price.split(quantity)
    if len(price.tiers) == 1:
        return [_item(what, price, use) for use in uses]
    return [_item(f"{what} ({_tier_label(use)})", price, use) for use in uses]


def at_marginal_rate(what: str, price: Price, quantity: float) -> list[LineItem]:
    """Line items at the first paid rate: the account-wide free tier is credited once,
    in the shared section, so each stage shows what it adds to the bill."""
    if quantity <= 0:
        return []
    rate = price.marginal_usd
    return [LineItem(what, quantity, price.unit, rate, quantity * rate)]


def _item(what: str, price: Price, use: TierUse) -> LineItem:
    return LineItem(what, use.quantity, price.unit, use.tier.usd, use.quantity * use.tier.usd)


def _tier_label(use: TierUse) -> str:
    up_to = use.tier.up_to
    if use.tier.usd == 0 and use.start == 0 and up_to is not None:
        return f"free tier, first {up_to:g}"
    if up_to is None:
        return f"over {use.start:g}"
    if use.start == 0:
        return f"first {up_to:g}"
    return f"{use.start:g} to {up_to:g}"


def instance_hours(what: str, hourly_usd: float, hours: float) -> list[LineItem]:
    """Line item for EC2 instance-hours (rates come from the per-type table, not a Price)."""
    return [LineItem(what, hours, "instance-hour", hourly_usd, hours * hourly_usd)]
