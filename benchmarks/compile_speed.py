"""Compile time per bundled example: front end, templates + buildspecs, and the write.

Run: python benchmarks/compile_speed.py [REPEAT]. Prints the best of REPEAT runs (default
5) per example, in milliseconds; a compile should take a fraction of a second.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from compiler.compile import compile_spec

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.yaml"))


def best_seconds(example: Path, repeat: int, out_root: Path) -> float:
    """The fastest of `repeat` full compiles of `example` into `out_root`."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = compile_spec(example, out_root)
        folder, diagnostics = result.out_dir, result.diagnostics
        times.append(time.perf_counter() - start)
        if folder is None:
            raise SystemExit(f"{example.name} did not compile: {diagnostics}")
    return min(times)


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as out:
        for example in EXAMPLES:
            seconds = best_seconds(example, repeat, Path(out))
            print(f"{example.name:<28} {seconds * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
