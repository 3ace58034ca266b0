"""Did-you-mean hints: the closest allowed word to a misspelled key, value or type name."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

# difflib's ratio above which a candidate counts as a likely misspelling
CUTOFF = 0.6


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate `word` most likely misspells, or None when none is close."""
    options = sorted(set(candidates))
    folded = {option.casefold(): option for option in options}
    if word.casefold() in folded:  # `Port` for `port`, `HEALTH_CHECK` for `health_check`
        return folded[word.casefold()]
    normalised = word.replace("-", "_").casefold()
    if normalised in folded:  # `health-check` for `health_check`
        return folded[normalised]
    matches = difflib.get_close_matches(word, options, n=1, cutoff=CUTOFF)
    return matches[0] if matches else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`Did you mean 'x'?` for the closest candidate, or an empty string."""
    match = closest(word, candidates)
    return f"Did you mean '{match}'?" if match is not None else ""
