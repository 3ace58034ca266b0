"""Diagnostics are data: every stage returns them, and they are rendered only here.

Format (SPEC.md "Error format"): `FILE:LINE:COL: error: PATH: MESSAGE`, one per line,
then a count. Checks name a path; line and column come from the loader's position map.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Rule:
    """A diagnostic code as declared beside the code that reports it: its severity and a
    one-line summary. The code table and docs/spec.md are built from these declarations."""

    code: str
    severity: Severity
    summary: str


def error_rule(code: str, summary: str) -> Rule:
    """A Rule whose diagnostics are errors."""
    return Rule(code, Severity.ERROR, summary)


def warning_rule(code: str, summary: str) -> Rule:
    """A Rule whose diagnostics are warnings."""
    return Rule(code, Severity.WARNING, summary)


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One located problem. Ordered by file, then position, so output follows the file."""

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


def render_line(d: Diagnostic) -> str:
    """One diagnostic as `FILE:LINE:COL: severity: PATH: MESSAGE. Hint.`"""
    where = f"{printable(d.file)}:{d.line}:{d.col}"
    path = f"{d.path}: " if d.path else ""
    hint = f". {d.hint}" if d.hint else ""  # the message is a clause, the hint a sentence
    return f"{where}: {d.severity.value}: {path}{d.message}{hint}"


def render_count(diagnostics: Sequence[Diagnostic]) -> str:
    """The closing count line, e.g. `2 errors, 1 warning`."""
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors

    def plural(n: int, word: str) -> str:
        return f"{n} {word}" + ("" if n == 1 else "s")

    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"


def render_text(diagnostics: Sequence[Diagnostic]) -> str:
    """All diagnostics, sorted in file order, then the count; empty string for none."""
    if not diagnostics:
        return ""
    lines = [render_line(d) for d in sorted(diagnostics)]
    lines.append(render_count(diagnostics))
    return "\n".join(lines) + "\n"


def render_json(diagnostics: Sequence[Diagnostic], files: Sequence[str] = ()) -> str:
    """Diagnostics as a JSON document: `{"diagnostics": [...], "errors": N, "warnings": N}`.

    With `files`, also `"files": [{"file", "valid", "errors", "warnings"}]` for each file.
    """
    items = []
    for d in sorted(diagnostics):
        item = asdict(d)
        item["severity"] = d.severity.value
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
