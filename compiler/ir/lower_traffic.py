"""Lowering of a traffic profile (the stack's `traffic`, or a stage's merged over it).

Unset peaks assume one connection per request, spread over the month, each living under
a minute; they are named in `derived` so `tsc cost` can say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from compiler.ir.model import TrafficIR

SECONDS_PER_MONTH = 730 * 3600  # AWS prices a month as 730 hours


def lower_traffic(t: Mapping[str, Any]) -> TrafficIR:
    """The TrafficIR of a defaulted `traffic` mapping."""
    requests = int(t["requests_per_month"])
    derived: list[str] = []
    new_per_second = t.get("peak_new_connections_per_second")
    if new_per_second is None:
        new_per_second = requests / SECONDS_PER_MONTH
        derived.append("peak_new_connections_per_second")
    active_per_minute = t.get("peak_active_connections_per_minute")
    if active_per_minute is None:
        active_per_minute = float(new_per_second) * 60
        derived.append("peak_active_connections_per_minute")
    return TrafficIR(
        requests_per_month=requests,
        avg_response_kb=float(t["avg_response_kb"]),
        peak_new_connections_per_second=float(new_per_second),
        peak_active_connections_per_minute=float(active_per_minute),
        derived=tuple(derived),
    )
