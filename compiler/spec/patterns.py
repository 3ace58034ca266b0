"""Schema `pattern`s read as JSON Schema means them: ECMA-262, where `$` is the end of input.

Python's `re` lets `$` also match before a final newline, so `^[a-z]+$` accepts "demo\n"
and a name with a newline reaches out/, build.yml and AWS names. The validator compiles
each pattern with every anchor `$` (unescaped, outside a character class) made `\\Z`.
"""

from __future__ import annotations

import re
from functools import cache


def whole_value(pattern: str) -> str:
    """`pattern` with each end-of-input anchor `$` written as Python's `\\Z`."""
    out: list[str] = []
    escaped = in_class = False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "$":
            out.append("\\Z")
            continue
        out.append(char)
    return "".join(out)


@cache
def compiled(pattern: str) -> re.Pattern[str]:
    """The compiled ECMA-anchored form of a schema pattern."""
    return re.compile(whole_value(pattern))


def matches(pattern: str, value: str) -> bool:
    """True when `value` matches the schema `pattern` as JSON Schema reads it (a search)."""
    return compiled(pattern).search(value) is not None
