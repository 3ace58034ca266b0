"""Plain YAML scalars resolved by the YAML 1.2 core schema, not PyYAML's YAML 1.1 rules.

YAML 1.1 turns `yes`, `no`, `on`, `off` into booleans, `1:20` into 80 and `2024-01-01`
into a date. In a tinystack.yaml those surprises land in environment values and names,
so only `true`/`false` are booleans and everything that is not a null, bool, int or
float in the 1.2 sense stays the string the user wrote.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

ScalarValue = str | int | float | bool | None

TAG_PREFIX = "tag:yaml.org,2002:"

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {
    ".inf": float("inf"), "+.inf": float("inf"), "-.inf": float("-inf"),
    ".Inf": float("inf"), "+.Inf": float("inf"), "-.Inf": float("-inf"),
    ".INF": float("inf"), "+.INF": float("inf"), "-.INF": float("-inf"),
    ".nan": float("nan"), ".NaN": float("nan"), ".NAN": float("nan"),
}  # fmt: skip

# Longer digit strings are not a number anyone means in a tinystack.yaml.
MAX_NUMBER_CHARS = 40


class ScalarError(ValueError):
    """A scalar whose explicit tag or size makes it unreadable."""


def _to_int(text: str) -> int:
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def _to_float(text: str) -> float:
    return _SPECIAL_FLOATS[text] if text in _SPECIAL_FLOATS else float(text)


def _to_null(text: str) -> None:
    if text not in _NULLS:
        raise ValueError(text)


def _to_bool(text: str) -> bool:
    return _BOOLS[text]


# explicit tag -> converter (a ValueError/KeyError means the text does not fit the tag)
_EXPLICIT: dict[str, Callable[[str], ScalarValue]] = {
    "str": str,
    "int": _to_int,
    "float": _to_float,
    "bool": _to_bool,
    "null": _to_null,
}


def resolve_plain(text: str) -> ScalarValue:
    """The value of an untagged plain scalar under the YAML 1.2 core schema."""
    if text in _NULLS:
        return None
    if text in _BOOLS:
        return _BOOLS[text]
    if text in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[text]
    if len(text) <= MAX_NUMBER_CHARS:
        if _INT.fullmatch(text):
            return _to_int(text)
        if _FLOAT.fullmatch(text):
            return float(text)
    elif _INT.fullmatch(text) or _FLOAT.fullmatch(text):
        raise ScalarError(f"number '{text[:20]}...' has more than {MAX_NUMBER_CHARS} characters")
    return text


def resolve_scalar(text: str, tag: str | None, plain: bool) -> ScalarValue:
    """The value of a scalar event: explicit tag first, then plain resolution, else a string.

    NaN and the infinities (`.nan`, `-.inf`, `1e999`) are refused: no key means them, and
    they slip past every range check (NaN compares false with any bound).
    """
    value = _resolve_scalar(text, tag, plain)
    if isinstance(value, float) and not math.isfinite(value):
        raise ScalarError(f"'{text}' is not a finite number; quote it if it is text")
    return value


def _resolve_scalar(text: str, tag: str | None, plain: bool) -> ScalarValue:
    if tag is None or tag == "!":
        return resolve_plain(text) if plain and tag is None else text
    short = tag.removeprefix(TAG_PREFIX) if tag.startswith(TAG_PREFIX) else None
    convert = _EXPLICIT.get(short) if short is not None else None
    if convert is None:
        raise ScalarError(f"tag '{tag}' is not supported; write plain YAML values")
    if short in ("int", "float") and len(text) > MAX_NUMBER_CHARS:
        raise ScalarError(f"number '{text[:20]}...' has more than {MAX_NUMBER_CHARS} characters")
    try:
        return convert(text)
    except (ValueError, KeyError):
        raise ScalarError(f"'{text}' is not a valid !!{short}") from None
