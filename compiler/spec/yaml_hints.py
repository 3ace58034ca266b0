"""What usually causes a YAML syntax error at the spot libyaml stopped, as a hint.

libyaml names what it expected, not what the writer got wrong, and often stops a line
or two after the mistake: `name:x` (no space after the colon) reads as text, and the
parser stops at the next line. So a key written without a space after its colon, on
the line libyaml stopped at or just above, is named first; otherwise the hint comes
from the table below, keyed by libyaml's own words.
"""

from __future__ import annotations

import re

from compiler.spec.compose import Mark

# `port:80` at the start of a line: a key with no space after its colon (one colon only,
# so an ARN or a URL in a list is not mistaken for one)
_NO_SPACE = re.compile(r"^(\s*(?:- )?)([A-Za-z_][\w.-]*):([^\s:#][^:]*)$")
_LINES_ABOVE = 3  # how far above the stop a missing space is looked for
# a part of libyaml's problem -> what usually causes it
_CAUSES: dict[str, str] = {
    "mapping values are not allowed": "A value holding ': ' needs quotes, or this line "
    "is indented deeper than the key above it.",
    "could not find expected ':'": "Each key needs ': ' after it (a colon, then a space).",
    "did not find expected key": "Check the indentation: a key lines up with the keys "
    "above it, and a value holding ': ' or ' #' needs quotes.",
    "did not find expected '-' indicator": "Check the indentation: every item of a list "
    "starts with '- ' in the same column.",
    "found unexpected end of stream": "A quote or bracket is opened and never closed.",
    "did not find expected ',' or '}'": "A '{' is not closed, or a ',' is missing "
    "between two entries.",
    "did not find expected ',' or ']'": "A '[' is not closed, or a ',' is missing "
    "between two items.",
}
# the character libyaml could not start a token with -> why
_TOKEN_STARTS = {
    "\t": "YAML indents with spaces, not tabs.",
    "@": "A value starting with '@' needs quotes.",
    "`": "A value starting with '`' needs quotes.",
    "%": "A value starting with '%' needs quotes.",
}


def syntax_hint(text: str, problem: str, index: int, line: int) -> tuple[Mark | None, str]:
    """The hint for a YAML syntax error libyaml reported at `line` (1-based), character
    `index` of `text`, and where to point instead (a colon missing its space) or None."""
    lines = text.split("\n")
    for number in range(min(line, len(lines)), max(line - _LINES_ABOVE, 1) - 1, -1):
        found = _NO_SPACE.match(lines[number - 1])
        if found is not None:
            indent, key, value = found.groups()
            hint = f"A key needs a space after ':': write '{key}: {value.strip()}'."
            return (number, len(indent) + len(key) + 1), hint
    if "cannot start any token" in problem:
        return None, _TOKEN_STARTS.get(text[index : index + 1], "Quote the value.")
    return None, next((cause for words, cause in _CAUSES.items() if words in problem), "")
