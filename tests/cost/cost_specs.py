"""Spec dictionaries and lowered IRs the cost tests share (lowered by the real front end)."""

from __future__ import annotations

from typing import Any

import stack_irs

from compiler.ir.model import StackIR


def spec(**extra: Any) -> dict[str, Any]:
    """A two-line spec plus the given top-level keys."""
    return {"version": 1, "name": "shop", **extra}


def lowered(**extra: Any) -> StackIR:
    """The IR of `spec(**extra)`, through the whole front end."""
    return stack_irs.lowered(spec(**extra))


# The reference text's hyperscale example: 10,000 new connections a minute, one
# request each, 30 days (10,000 x 60 x 24 x 30 = 432 million requests), 3 GB/hour.
REFERENCE_REQUESTS = 432_000_000
REFERENCE_NEW_PER_SECOND = 10_000 / 60
REFERENCE_TRAFFIC = {
    "requests_per_month": REFERENCE_REQUESTS,
    "avg_response_kb": 5,
    "peak_new_connections_per_second": REFERENCE_NEW_PER_SECOND,
    "peak_active_connections_per_minute": 10_000,
}
