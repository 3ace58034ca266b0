"""A seeded fuzz run in the suite: valid specs and their mutations through the whole
compile, never a traceback or an unlocated diagnostic; a sample of the compiled specs'
templates through cfn-lint. benchmarks/fuzz.py runs the same with 10,000+ cases."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from cfn_templates import lint_text
from spec_fuzzing import Case, cases, judge, shrink

SEED = 20261130
COUNT = 300


@pytest.fixture(scope="module")
def corpus() -> list[Case]:
    return list(cases(SEED, COUNT, valid_share=0.1))


def test_no_case_gives_a_traceback_or_an_unlocated_diagnostic(corpus: list[Case]) -> None:
    findings = []
    outcomes: Counter[str] = Counter()
    for case in corpus:
        verdict = judge(case.text)
        outcomes["compiled" if verdict.files is not None else "refused"] += 1
        if verdict.finding:
            small = shrink(case.text, lambda t, f=verdict.finding: judge(t).finding == f)
            findings.append(f"{case.kind} {verdict.finding}: {verdict.detail}\n---\n{small}")
    assert findings == []
    # the run reached both ends: specs that compile and specs refused with diagnostics
    assert outcomes["compiled"] >= COUNT * 0.1 and outcomes["refused"] >= COUNT * 0.5
    assert len({case.kind for case in corpus}) >= 12


def test_a_sample_of_compiled_specs_lints_clean(corpus: list[Case]) -> None:
    valid = [case for case in corpus if case.kind == "valid"][:3]
    for case in valid:
        verdict = judge(case.text, lint=lint_text)
        assert (verdict.finding, verdict.detail) == ("", ""), case.text
        assert verdict.files is not None


@pytest.mark.parametrize(
    "line",
    [
        "x: !!python/object/apply:os.system ['touch {sentinel}']\n",
        "x: !!python/object/new:os.system ['touch {sentinel}']\n",
        "x: !!python/name:os.system\n",
        "x: !!python/object:pathlib.Path {{}}\n",
        "!!python/object/apply:os.system ['touch {sentinel}']: 1\n",
    ],
)
def test_python_tags_are_refused_and_never_constructed(line: str, tmp_path: Path) -> None:
    sentinel = tmp_path / "constructed"
    text = "version: 1\nname: demo\n" + line.format(sentinel=sentinel)
    verdict = judge(text)
    assert verdict.files is None and not verdict.finding
    assert [(d.code, d.line) for d in verdict.diagnostics] == [("TS006", 3)]
    assert "is not supported" in verdict.diagnostics[0].message
    assert not sentinel.exists()


def test_shrink_keeps_only_the_lines_a_failure_needs() -> None:
    text = "a: 1\nb: 2\nbad: 3\nc: 4\n"
    assert shrink(text, lambda t: "bad" in t) == "bad: 3\n"
