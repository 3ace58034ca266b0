"""Fuzz the compiler: valid specs from the schema and hostile mutations of them, each
carried through the whole compile; every compiled spec's templates through cfn-lint.

Run: python benchmarks/fuzz.py [--cases 10000] [--seed 1] [--workers 2] [--no-lint]
Prints cases/s, how the cases ended (compiled, refused), the distinct templates linted,
and each finding (a traceback, an unlocated diagnostic, a template cfn-lint rejects) with
a minimal reproducer. Exits 1 when there is a finding. The suite runs a few hundred of
the same cases (tests/test_fuzz.py); the machinery is tests/spec_fuzzing.py.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from cfn_templates import lint_text  # noqa: E402
from spec_fuzzing import cases, judge, shrink  # noqa: E402

CHUNK = 250  # cases per task: one seed each, so any chunk can be rerun alone


@dataclass
class Tally:
    """What one chunk of cases did."""

    outcomes: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    findings: list[str] = field(default_factory=list)
    linted: int = 0


_LINTED: dict[bytes, tuple[str, ...]] = {}  # per worker: template sha256 -> cfn-lint findings


def _lint_once(text: str) -> tuple[str, ...]:
    key = hashlib.sha256(text.encode()).digest()
    if key not in _LINTED:
        _LINTED[key] = lint_text(text)
    return _LINTED[key]


def run_chunk(seed: int, count: int, valid_share: float, lint: bool) -> Tally:
    """Judge `count` cases drawn with `seed`; findings come with a shrunk reproducer."""
    tally = Tally()
    before = len(_LINTED)
    linter = _lint_once if lint else None
    for case in cases(seed, count, valid_share):
        verdict = judge(case.text, linter)
        tally.kinds[case.kind] += 1
        tally.outcomes["compiled" if verdict.files is not None else "refused"] += 1
        if verdict.finding:
            tally.outcomes[verdict.finding] += 1
            small = shrink(case.text, lambda t, f=verdict.finding: judge(t, linter).finding == f)
            tally.findings.append(
                f"[seed {seed}, {case.kind}] {verdict.finding}: {verdict.detail}\n"
                f"--- minimal reproducer ---\n{small}--- end ---"
            )
    tally.linted = len(_LINTED) - before
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    share = "share of cases that are generated valid specs, unmutated"
    parser.add_argument("--valid-share", type=float, default=0.1, help=share)
    parser.add_argument("--no-lint", action="store_true", help="skip cfn-lint")
    args = parser.parse_args()
    chunks = [(args.seed + i, min(CHUNK, args.cases - start))
              for i, start in enumerate(range(0, args.cases, CHUNK))]  # fmt: skip
    total = Tally()
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        futures = [pool.submit(run_chunk, s, n, args.valid_share, not args.no_lint)
                   for s, n in chunks]  # fmt: skip
        for done, future in enumerate(as_completed(futures), 1):
            tally = future.result()
            for finding in tally.findings:  # as they come: a long run is worth reading early
                print(finding, flush=True)
            total.outcomes.update(tally.outcomes)
            total.kinds.update(tally.kinds)
            total.findings += tally.findings
            total.linted += tally.linted
            judged = sum(total.kinds.values())
            elapsed = time.perf_counter() - start
            rate = judged / elapsed
            note = f"  {done}/{len(chunks)} chunks, {judged} cases, {rate:.1f} cases/s"
            print(f"{note}, {len(total.findings)} findings", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - start
    judged = sum(total.kinds.values())
    print(f"cases: {judged} in {elapsed:.0f} s: {judged / elapsed:.1f} cases/s "
          f"({args.workers} workers, seed {args.seed})")  # fmt: skip
    print(f"outcomes: {dict(sorted(total.outcomes.items()))}")
    print(f"kinds: {dict(sorted(total.kinds.items()))}")
    lint_note = "off" if args.no_lint else f"{total.linted} distinct templates linted"
    print(f"cfn-lint: {lint_note}")
    print(f"findings: {len(total.findings)} (tracebacks {total.outcomes['traceback']}, "
          f"unlocated {total.outcomes['unlocated']}, lint {total.outcomes['lint']})")  # fmt: skip
    return 1 if total.findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
