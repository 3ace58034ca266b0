"""Line items: one priced quantity of the bill, cut at the price's tiers."""

from __future__ import annotations

from dataclasses import dataclass, replace

from compiler.cost.prices import Price, TierUse


@dataclass(frozen=True)
class LineItem:
    """What is billed, how much, at what unit price, and the monthly amount.

    `kind` names the item the same way whatever its counts (`what` says "EC2 t3.micro x2",
    `kind` "EC2 instances"), so two estimates can be compared item by item; `credited`
    is the price key whose per-account free tier the shared part credits once.
    """

    what: str
    quantity: float
    unit: str
    unit_usd: float
    monthly_usd: float
    kind: str = ""
    credited: str = ""

    @property
    def key(self) -> str:
        """The item's identity across estimates: its kind, else what it says."""
        return self.kind or self.what


def priced(what: str, price: Price, quantity: float, kind: str = "") -> list[LineItem]:
    """Line items for `quantity` units of `price`, one per tier reached (none for zero)."""
    uses = price.split(quantity)
    if len(price.tiers) == 1:
        return [_item(what, price, use, kind) for use in uses]
    return [_item(f"{what} ({_tier_label(use)})", price, use, kind or what) for use in uses]


def at_marginal_rate(what: str, price: Price, quantity: float, kind: str = "") -> list[LineItem]:
    """Line items at the first paid rate: the account-wide free tier is credited once,
    in the shared section, so each stage shows what it adds to the bill."""
    if quantity <= 0:
        return []
    rate = price.marginal_usd
    return [LineItem(what, quantity, price.unit, rate, quantity * rate, kind, price.key)]


def beyond_free_tier(what: str, price: Price, quantity: float, kind: str = "") -> list[LineItem]:
    """Line items at the paid tiers only: like `at_marginal_rate`, for a tiered price whose
    free units (per account) the shared section credits once."""
    items = priced(what, price.without_free_tier(), quantity, kind or what)
    return [replace(item, credited=price.key) for item in items]


def _item(what: str, price: Price, use: TierUse, kind: str) -> LineItem:
    usd = use.tier.usd
    return LineItem(what, use.quantity, price.unit, usd, use.quantity * usd, kind)


def _tier_label(use: TierUse) -> str:
    up_to = use.tier.up_to
    if use.tier.usd == 0 and use.start == 0 and up_to is not None:
        return f"free tier, first {up_to:g}"
    if up_to is None:
        return f"over {use.start:g}"
    if use.start == 0:
        return f"first {up_to:g}"
    return f"{use.start:g} to {up_to:g}"


def instance_hours(what: str, hourly_usd: float, hours: float, kind: str = "") -> list[LineItem]:
    """Line item for EC2 instance-hours (rates come from the per-type table, not a Price)."""
    return [LineItem(what, hours, "instance-hour", hourly_usd, hours * hourly_usd, kind)]
