"""Physical names AWS makes us set: `<name>-<stage>-<what>`, cut to a service's limit.

A name over the limit is cut and ends in the first 6 hex digits of the sha256 of the
full name, so two long names that share a prefix still differ, deterministically.
"""

from __future__ import annotations

import hashlib

HASH_DIGITS = 6


def shorten(full: str, limit: int) -> str:
    """`full` if it fits in `limit` characters, else a cut prefix + '-' + 6 hex digits."""
    if len(full) <= limit:
        return full
    digest = hashlib.sha256(full.encode("utf-8")).hexdigest()[:HASH_DIGITS]
    head = full[: limit - HASH_DIGITS - 1].rstrip("-")
    return f"{head}-{digest}"
