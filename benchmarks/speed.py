"""How fast tsc is: cold processes, compiles in one process, many specs, peak memory.

Run it with the interpreter whose `tsc` you measure; the issue's figures come from a wheel
install with compiled bytecode in a scratch venv (see benchmarks/README.md):

    python benchmarks/speed.py [--runs 9] [--max-specs 1000] [--jobs 2] [--work /dev/shm]

Prints three tables and exits 0. Cold rows alternate between commands run after run, so
a burst of load from elsewhere spreads over all of them; `python -c pass` beside them is
the floor no command can beat. Figures to read, never a pass/fail.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.yaml"))
ONE_STAGE = next(p for p in EXAMPLES if p.stem == "minimal")  # standard scale, one stage
SPEC_COUNTS = (1, 10, 100, 1000)


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu_seconds: float  # user + system: what the process itself used, whatever the load
    peak_mb: float
    stdout: str


def run_cold(argv: Sequence[str], cwd: Path) -> Run:
    """One fresh process: wall time and its own peak RSS (wait4, not all children's max)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            problem = err.read().decode(errors="replace")
            raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): {problem}")
        cpu = usage.ru_utime + usage.ru_stime
        return Run(seconds, cpu, usage.ru_maxrss / 1024, out.read().decode())


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f}"


def cold_table(tsc: str, runs: int, work: Path) -> None:
    """Median wall time and peak memory of each command in a fresh process."""
    out = str(work / "out")
    commands: dict[str, list[str]] = {"python -c pass (floor)": [sys.executable, "-c", "pass"]}
    commands["tsc --help"] = [tsc, "--help"]
    commands["tsc --version"] = [tsc, "--version"]
    for example in EXAMPLES:
        commands[f"tsc validate {example.name}"] = [tsc, "validate", str(example)]
    for example in EXAMPLES:
        commands[f"tsc compile {example.name}"] = [tsc, "compile", str(example), "--out", out]
    results: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            results[name].append(run_cold(argv, work))
    floor = statistics.median(r.seconds for r in results["python -c pass (floor)"])
    print(f"Cold processes ({runs} runs each, alternating; wall and CPU in ms)")
    print(
        f"  {'command':<38}{'median':>8}{'min':>9}{'max':>9}{'-floor':>9}"
        f"{'cpu med':>9}{'peak MB':>9}"
    )
    for name, rows in results.items():
        times = [r.seconds for r in rows]
        median = statistics.median(times)
        cpu = statistics.median(r.cpu_seconds for r in rows)
        peak = max(r.peak_mb for r in rows)
        print(
            f"  {name:<38}{ms(median)}{ms(min(times)):>9}{ms(max(times)):>9}"
            f"{ms(median - floor):>9}{ms(cpu):>9}{peak:9.1f}"
        )


def _timed(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def in_process_table(runs: int, work: Path) -> None:
    """Per example, warm: the front end, the back end and the write, each a median."""
    from compiler.compile import compile_ir, read_stack
    from compiler.writer import write_out

    print(f"\nIn one process, warm ({runs} runs each; median ms)")
    print(f"  {'example':<28}{'front end':>10}{'back end':>10}{'write':>10}{'total':>10}")
    for example in EXAMPLES:
        ir, _ = read_stack(example)
        assert ir is not None, example
        compiled = compile_ir(ir)
        out_dir = work / "in-process" / ir.name
        front = _timed(partial(read_stack, example), runs)
        back = _timed(partial(compile_ir, ir), runs)
        write = _timed(partial(write_out, compiled.files, out_dir), runs)
        total = front + back + write
        print(f"  {example.name:<28}{ms(front):>10}{ms(back):>10}{ms(write):>10}{ms(total):>10}")


def make_specs(count: int, folder: Path) -> Path:
    """`count` copies of the one-stage example, each `svc-NNNN/tinystack.yaml`, own name."""
    text = ONE_STAGE.read_text(encoding="utf-8")
    for i in range(count):
        spec = folder / f"svc-{i:04d}" / "tinystack.yaml"
        spec.parent.mkdir(parents=True, exist_ok=True)
        spec.write_text(text.replace("name: hello", f"name: svc-{i:04d}"), encoding="utf-8")
    return folder


def compile_folder_in_process(folder: Path, out_root: Path) -> None:
    """The child's work for the many-specs table: what `tsc compile FOLDER` does, timed."""
    from compiler.batch import compile_many, find_specs

    start, cpu = time.perf_counter(), time.process_time()
    specs, _ = find_specs([folder])
    failed = [o.spec for o in compile_many(specs, out_root) if o.out_dir is None]
    if failed:
        raise SystemExit(f"did not compile: {failed[:3]}")
    print(time.perf_counter() - start, time.process_time() - cpu)


def many_table(tsc: str, max_specs: int, jobs: int, work: Path) -> None:
    """Specs per second for growing counts, in one process (the library, timed inside a
    fresh child) and as `tsc compile FOLDER --jobs N` from a cold start."""
    print(f"\nMany copies of {ONE_STAGE.name} (fresh processes for every row)")
    print(
        f"  {'':6}{'in one process':>45}{f'tsc compile FOLDER --jobs {jobs}':>36}\n"
        f"  {'specs':>6}{'s':>9}{'specs/s':>9}{'ms/spec':>9}{'cpu ms':>9}{'peak MB':>9}"
        f"{'wall s':>9}{'specs/s':>9}{'cpu s':>9}{'peak MB':>9}"
    )
    for count in (n for n in SPEC_COUNTS if n <= max_specs):
        folder = make_specs(count, work / f"specs-{count}")
        out_root = work / f"out-{count}"
        child = run_cold([sys.executable, __file__, "--inner", str(folder), str(out_root)], work)
        shutil.rmtree(out_root, ignore_errors=True)
        seconds, cpu = map(float, child.stdout.split()[-2:])
        cli = run_cold(
            [tsc, "compile", str(folder), "--out", str(out_root), "--jobs", str(jobs)], work
        )
        shutil.rmtree(out_root, ignore_errors=True)
        print(
            f"  {count:>6}{seconds:>9.2f}{count / seconds:>9.1f}{seconds / count * 1000:>9.1f}"
            f"{cpu / count * 1000:>9.1f}{child.peak_mb:>9.1f}"
            f"{cli.seconds:>9.2f}{count / cli.seconds:>9.1f}"
            f"{cli.cpu_seconds:>9.2f}{cli.peak_mb:>9.1f}"
        )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="runs per cold command")
    parser.add_argument("--max-specs", type=int, default=1000, help="largest spec count")
    parser.add_argument("--jobs", type=int, default=2, help="--jobs of the many-specs CLI rows")
    parser.add_argument("--inner", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--work", type=Path, help="folder for specs and outputs (e.g. /dev/shm: no disk)"
    )
    args = parser.parse_args(argv)
    if args.inner:
        compile_folder_in_process(*args.inner)
        return
    import compiler

    tsc = shutil.which("tsc", path=str(Path(sys.executable).parent))
    if tsc is None:
        raise SystemExit(f"no tsc beside {sys.executable}: install tinystack in this venv")
    print(f"tsc: {tsc}\ncompiler: {Path(compiler.__file__).parent}\npython: {sys.version}")
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()}\n")
    print(f"work: {args.work or tempfile.gettempdir()}")
    with tempfile.TemporaryDirectory(prefix="tsc-bench-", dir=args.work) as tmp:
        work = Path(tmp)
        cold_table(tsc, args.runs, work)
        in_process_table(args.runs, work)
        many_table(tsc, args.max_specs, args.jobs, work)


if __name__ == "__main__":
    main()
