"""Label lines short enough to sit under an icon without running into a neighbour."""

from __future__ import annotations

from collections.abc import Iterable

LINE = 26  # characters: about the width of two icons at the pictures' font size


def wrap(words: Iterable[str], separator: str) -> tuple[str, ...]:
    """`words` joined by `separator`, broken into lines of at most LINE characters (a
    word longer than that gets a line of its own)."""
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + len(separator) + len(word) <= LINE:
            lines[-1] += separator + word
        else:
            if lines:
                lines[-1] += separator.rstrip()
            lines.append(word)
    return tuple(lines)
