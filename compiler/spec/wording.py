"""How messages quote what the user wrote: `'256'`, `a mapping`, `'a', 'b' or 'c'`.

The house style (docs/architecture.md): lowercase, quoted keys and values, what was found
versus what is allowed.
"""

from __future__ import annotations

from collections.abc import Iterable

_SHOWN_CHARS = 40  # longer values are cut so one message stays one line


def show(value: object) -> str:
    """A value as a message quotes it: scalars in quotes, collections by kind."""
    if value is None:
        return "an empty value"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    text = text.replace("\n", "\\n")
    if len(text) > _SHOWN_CHARS:
        text = text[: _SHOWN_CHARS - 3] + "..."
    return f"'{text}'"


def listing(values: Iterable[object]) -> str:
    """Allowed values as a comma-separated list, each shown as `show` would."""
    return ", ".join(show(value) for value in values)
