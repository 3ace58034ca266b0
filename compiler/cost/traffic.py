"""The traffic profile: flag overrides, the shape used to solve the crossover, and the
four ALB LCU dimensions it needs.

Unset peaks are derived as docs/design.md "Derived traffic" says (one connection per
request spread over the month, each living under a minute); whenever the request count
changes, the derived peaks are derived again and the given ones stay as given.
An ALB hour is billed on whichever dimension needs the most LCUs:
https://aws.amazon.com/elasticloadbalancing/pricing/
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from compiler.cost.prices import PriceTable
from compiler.ir.model import TrafficIR

NEW_PER_SECOND = "peak_new_connections_per_second"
ACTIVE_PER_MINUTE = "peak_active_connections_per_minute"
KB_PER_GB = 1024 * 1024


class TrafficError(ValueError):
    """A traffic override the estimate cannot use; the message is one line."""


@dataclass(frozen=True)
class LcuUsage:
    """LCUs each dimension needs at the traffic's peak, and the billed maximum."""

    new_connections: float
    active_connections: float
    processed_bytes: float
    rule_evaluations: float
    processed_gb_per_hour: float
    rule_evaluations_per_second: float

    @property
    def billed(self) -> float:
        """LCUs billed per hour: the largest dimension."""
        return max(
            self.new_connections,
            self.active_connections,
            self.processed_bytes,
            self.rule_evaluations,
        )

    @property
    def driver(self) -> str:
        """Name of the dimension that sets the bill."""
        dims = {
            "new connections": self.new_connections,
            "active connections": self.active_connections,
            "processed bytes": self.processed_bytes,
            "rule evaluations": self.rule_evaluations,
        }
        return max(dims, key=lambda name: dims[name])


def lcu_usage(traffic: TrafficIR, prices: PriceTable) -> LcuUsage:
    """The LCU dimensions of a traffic profile under a price table's LCU definition."""
    lcu = prices.lcu
    requests_per_hour = traffic.requests_per_month / prices.hours_per_month
    gb_per_hour = requests_per_hour * traffic.avg_response_kb / KB_PER_GB
    paid_rules = max(prices.assume("listener_rules_per_request") - lcu.free_rules_per_request, 0)
    rules_per_second = requests_per_hour / 3600 * paid_rules
    return LcuUsage(
        new_connections=traffic.peak_new_connections_per_second / lcu.new_connections_per_second,
        active_connections=traffic.peak_active_connections_per_minute
        / lcu.active_connections_per_minute,
        processed_bytes=gb_per_hour / lcu.processed_gb_per_hour,
        rule_evaluations=rules_per_second / lcu.rule_evaluations_per_second,
        processed_gb_per_hour=gb_per_hour,
        rule_evaluations_per_second=rules_per_second,
    )


def with_requests(traffic: TrafficIR, requests: int, hours_per_month: float) -> TrafficIR:
    """The same profile at another request count: derived peaks follow, given ones stay."""
    new_per_second = traffic.peak_new_connections_per_second
    if NEW_PER_SECOND in traffic.derived:
        new_per_second = requests / (hours_per_month * 3600)
    active_per_minute = traffic.peak_active_connections_per_minute
    if ACTIVE_PER_MINUTE in traffic.derived:
        active_per_minute = new_per_second * 60
    return replace(
        traffic,
        requests_per_month=requests,
        peak_new_connections_per_second=new_per_second,
        peak_active_connections_per_minute=active_per_minute,
    )


def scaled_shape(traffic: TrafficIR, requests: int, hours_per_month: float) -> TrafficIR:
    """The traffic's shape at another request count: every peak scales with requests.

    This is the curve the crossover is solved on, so explicit peaks keep their ratio
    to requests instead of staying fixed while requests grow.
    """
    if traffic.requests_per_month == 0:
        return with_requests(traffic, requests, hours_per_month)
    ratio = requests / traffic.requests_per_month
    return replace(
        traffic,
        requests_per_month=requests,
        peak_new_connections_per_second=traffic.peak_new_connections_per_second * ratio,
        peak_active_connections_per_minute=traffic.peak_active_connections_per_minute * ratio,
    )


def override_traffic(
    traffic: TrafficIR,
    hours_per_month: float,
    *,
    requests: int | None = None,
    avg_response_kb: float | None = None,
    new_per_second: float | None = None,
    active_per_minute: float | None = None,
) -> TrafficIR:
    """The spec's traffic with command-line values put over it."""
    _check_non_negative("--requests", requests)
    _check_non_negative("--new-connections-per-second", new_per_second)
    _check_non_negative("--active-connections-per-minute", active_per_minute)
    if avg_response_kb is not None and not avg_response_kb > 0:
        raise TrafficError(f"--avg-response-kb: '{avg_response_kb:g}' must be greater than 0")
    result = traffic
    if requests is not None:
        result = with_requests(result, requests, hours_per_month)
    if avg_response_kb is not None:
        result = replace(result, avg_response_kb=avg_response_kb)
    derived = list(result.derived)
    if new_per_second is not None:
        derived = [d for d in derived if d != NEW_PER_SECOND]
        result = replace(result, peak_new_connections_per_second=new_per_second)
        if ACTIVE_PER_MINUTE in derived:
            result = replace(result, peak_active_connections_per_minute=new_per_second * 60)
    if active_per_minute is not None:
        derived = [d for d in derived if d != ACTIVE_PER_MINUTE]
        result = replace(result, peak_active_connections_per_minute=active_per_minute)
    return replace(result, derived=tuple(derived))


def _check_non_negative(flag: str, value: float | None) -> None:
    if value is not None and value < 0:
        raise TrafficError(f"{flag}: '{value:g}' is negative; give 0 or more")
