"""Diagnostics are data: every stage returns them, and they are rendered only here.

Format (docs/spec.md "Diagnostics"): `FILE:LINE:COL: error: PATH: MESSAGE. Hint. [CODE]`, one
per line, then a count; a problem of the file as a whole (no such file) has no LINE:COL.
The code comes last so the line still reads `FILE:LINE:COL: error:` for editors and
problem matchers. A problem of the command line rather than of a file is one line,
`error: MESSAGE. Hint.`, written by `write_error`: every command speaks through it.
Colour marks the severity only on a terminal, never under NO_COLOR (https://no-color.org).
"""

from __future__ import annotations

import difflib
import json
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import TextIO


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Rule:
    """A diagnostic code as declared beside the code that reports it: its severity and a
    one-line summary. The code table of docs/spec.md is built from these declarations
    (its examples are compiler/spec/code_examples.py's)."""

    code: str
    severity: Severity
    summary: str

    def at(
        self, file: str, line: int, col: int, message: str, hint: str = "", path: str = ""
    ) -> Diagnostic:
        """A diagnostic of this rule at FILE:LINE:COL (0, 0: the file as a whole)."""
        return Diagnostic(file, line, col, self.severity, self.code, path, message, hint)


def error_rule(code: str, summary: str) -> Rule:
    """A Rule whose diagnostics are errors."""
    return Rule(code, Severity.ERROR, summary)


def warning_rule(code: str, summary: str) -> Rule:
    """A Rule whose diagnostics are warnings."""
    return Rule(code, Severity.WARNING, summary)


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One located problem. Ordered by file, then position, so output follows the file.
    Line and column 0 mean the file as a whole (it is missing or cannot be read)."""

    file: str
    line: int
    col: int
    severity: Severity
    code: str
    path: str
    message: str
    hint: str = ""


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    """True when any diagnostic is an error (warnings never fail a run)."""
    return any(d.severity is Severity.ERROR for d in diagnostics)


def printable(text: str) -> str:
    """`text` with each unprintable character escaped (`\\n`), so a file name such as
    "a\\nb.yaml" stays on its output line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


# severity -> its ANSI style on a terminal (bold red, bold yellow)
_STYLES = {Severity.ERROR: "1;31", Severity.WARNING: "1;33"}
# difflib's ratio above which a candidate counts as a likely misspelling
CUTOFF = 0.6


def colour_wanted(stream: TextIO) -> bool:
    """Colour for a terminal; never under NO_COLOR; always under FORCE_COLOR (as rich)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty() and os.environ.get("TERM") != "dumb"


def _severity(severity: Severity, colour: bool) -> str:
    return f"\x1b[{_STYLES[severity]}m{severity.value}\x1b[0m" if colour else severity.value


def _sentence(message: str, hint: str) -> str:
    # the message is a clause, the hint a sentence (a clause may end in click's "?")
    if not hint:
        return message
    return f"{message} {hint}" if message.endswith(("?", ".")) else f"{message}. {hint}"


def render_line(d: Diagnostic, colour: bool = False) -> str:
    """One diagnostic as `FILE:LINE:COL: severity: PATH: MESSAGE. Hint. [CODE]`."""
    file = printable(d.file)
    where = f"{file}:{d.line}:{d.col}" if d.line else file
    path = f"{d.path}: " if d.path else ""
    code = f" [{d.code}]" if d.code else ""
    return f"{where}: {_severity(d.severity, colour)}: {path}{_sentence(d.message, d.hint)}{code}"


def plural(count: int, word: str) -> str:
    """`1 task`, `2 tasks`."""
    return f"{count} {word}" + ("" if count == 1 else "s")


def render_count(diagnostics: Sequence[Diagnostic]) -> str:
    """The closing count line, e.g. `2 errors, 1 warning`."""
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"


def render_text(diagnostics: Sequence[Diagnostic], colour: bool = False) -> str:
    """All diagnostics, sorted in file order, then the count; empty string for none."""
    if not diagnostics:
        return ""
    lines = [render_line(d, colour) for d in sorted(diagnostics)]
    lines.append(render_count(diagnostics))
    return "\n".join(lines) + "\n"


def write_diagnostics(diagnostics: Sequence[Diagnostic]) -> None:
    """`render_text` on stderr, in colour when stderr wants it."""
    sys.stderr.write(render_text(diagnostics, colour_wanted(sys.stderr)))


def render_error(message: str, hint: str = "", colour: bool = False) -> str:
    """A problem of the command line, not of a file: `error: MESSAGE. Hint.`"""
    return f"{_severity(Severity.ERROR, colour)}: {_sentence(message, hint)}"


def write_error(message: str, hint: str = "") -> None:
    """`render_error` on stderr, one line: how every command reports a failure."""
    sys.stderr.write(render_error(message, hint, colour_wanted(sys.stderr)) + "\n")
    sys.stderr.flush()


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


def render_json(diagnostics: Sequence[Diagnostic], files: Sequence[str] = ()) -> str:
    """Diagnostics as a JSON document: `{"diagnostics": [...], "errors": N, "warnings": N}`.

    With `files`, also `"files": [{"file", "valid", "errors", "warnings"}]` for each file.
    A problem of the whole file has `"line": null, "col": null`.
    """
    items = []
    for d in sorted(diagnostics):
        item = asdict(d)
        item["severity"] = d.severity.value
        if not d.line:
            item["line"] = item["col"] = None
        items.append(item)
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    doc: dict[str, object] = {
        "diagnostics": items, "errors": errors, "warnings": len(diagnostics) - errors,
    }  # fmt: skip
    if files:
        doc["files"] = [_file_summary(file, diagnostics) for file in files]
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def _file_summary(file: str, diagnostics: Sequence[Diagnostic]) -> dict[str, object]:
    mine = [d for d in diagnostics if d.file == file]
    errors = sum(d.severity is Severity.ERROR for d in mine)
    return {"file": file, "valid": errors == 0, "errors": errors, "warnings": len(mine) - errors}
