"""`python -m tests.golden [--update] [CASE ...]`: compare (or rewrite) the golden outputs.

Without --update it prints a diff per case that differs and exits 1; with it, it rewrites
the named cases (default: all) from the current compiler. Run it from the repository root.
"""

from __future__ import annotations

import argparse
import sys

from tests.golden.golden_outputs import cases, differences, update


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.golden", description=__doc__)
    parser.add_argument("--update", action="store_true", help="rewrite the golden files")
    parser.add_argument("cases", nargs="*", help="case names (default: every case)")
    args = parser.parse_args()
    known = {case.name: case for case in cases()}
    unknown = sorted(set(args.cases) - known.keys())
    if unknown:
        parser.error(f"no golden case {', '.join(unknown)}; known: {', '.join(known)}")
    chosen = [known[name] for name in args.cases] if args.cases else list(known.values())
    failed = 0
    for case in chosen:
        if args.update:
            update(case)
            print(f"updated {case.folder.relative_to(case.folder.parents[2])}")
            continue
        report = differences(case)
        print(report if report else f"{case.name}: same")
        failed += bool(report)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
