"""How a semantic check declares itself (cfn-lint's habit): the rules it reports, each a
code with its severity and one-line summary, written beside the check.

    FARGATE_SIZE = error_rule("TS201", "a cpu/memory pair Fargate does not offer")

    @stage_check(FARGATE_SIZE)
    def check_fargate_size(view: StageView) -> list[Diagnostic]: ...

The check reports through its rules (`view.diagnostic(path, FARGATE_SIZE, ...)`), so a
code, its severity and its summary are written once; compiler.spec.codes, docs/spec.md
and the tests read the declarations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from compiler.diagnostics import Diagnostic, Rule
from compiler.spec.checks.view import StageView
from compiler.spec.load import LoadedSpec
from compiler.spec.resolve import ResolvedSpec

StageRun = Callable[[StageView], list[Diagnostic]]
SpecRun = Callable[[ResolvedSpec, LoadedSpec], list[Diagnostic]]


@dataclass(frozen=True)
class StageCheck:
    """A check of one stage's merged values, and the rules it reports."""

    run: StageRun
    rules: tuple[Rule, ...]

    @property
    def name(self) -> str:
        return self.run.__name__

    def __call__(self, view: StageView) -> list[Diagnostic]:
        return self.run(view)


@dataclass(frozen=True)
class SpecCheck:
    """A check of the whole document, and the rules it reports."""

    run: SpecRun
    rules: tuple[Rule, ...]

    @property
    def name(self) -> str:
        return self.run.__name__

    def __call__(self, spec: ResolvedSpec, loaded: LoadedSpec) -> list[Diagnostic]:
        return self.run(spec, loaded)


def stage_check(*rules: Rule) -> Callable[[StageRun], StageCheck]:
    """Declare a stage check and the rules it reports."""
    return lambda run: StageCheck(run, rules)


def spec_check(*rules: Rule) -> Callable[[SpecRun], SpecCheck]:
    """Declare a spec check and the rules it reports."""
    return lambda run: SpecCheck(run, rules)
