"""One stage's merged values as a check reads them, and diagnostics located where written.

A check asks about a merged path (`("scaling", "min")`); the diagnostic names the path
the user wrote (`stages[1].scaling.min` when the stage overrode it) and sits on that line.
A value nobody wrote (a default) is reported under its top-level path, located at the
nearest key that was written, else at the stage's entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from compiler.diagnostics import Diagnostic, Rule, Severity
from compiler.spec.broken import BrokenValueRead, is_broken
from compiler.spec.load import KeyPath, LoadedSpec, dotted
from compiler.spec.resolve import ResolvedStage


@dataclass(frozen=True)
class StageView:
    stage: ResolvedStage
    loaded: LoadedSpec

    def get(self, *path: str) -> Any:
        """The merged, defaulted value at `path`, or None when absent (BrokenValueRead
        when the schema refused it or a mapping above it)."""
        value: Any = self.stage.values
        for key in path:
            if is_broken(value):
                raise BrokenValueRead
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        if is_broken(value):
            raise BrokenValueRead
        return value

    def written(self, *path: str) -> bool:
        """True when the user wrote this value (top level or in the stage), not a default."""
        return path in self.stage.origins

    def where(self, path: tuple[str, ...]) -> tuple[KeyPath, KeyPath]:
        """(path to name in the message, path to locate) for a merged path."""
        for end in range(len(path), 0, -1):
            origin = self.stage.origins.get(path[:end])
            if origin is not None:
                return (*origin, *path[end:]), origin
        return path, self.stage.entry

    def diagnostic(
        self,
        path: tuple[str, ...],
        rule: Rule,
        message: str,
        hint: str = "",
        at_value: bool = False,
        severity: Severity | None = None,
    ) -> Diagnostic:
        """A diagnostic of `rule` about the merged value at `path`, located where it was
        written (`severity` overrides the rule's, for a rule that softens in some cases)."""
        shown, located = self.where(path)
        exact = shown == located
        position = (
            self.loaded.locate_value(located) if at_value and exact else self.loaded.locate(located)
        )
        return Diagnostic(
            self.loaded.file, position.line, position.col, severity or rule.severity, rule.code,
            dotted(shown), message, hint,
        )  # fmt: skip
