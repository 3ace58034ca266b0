"""Many specs at once: every spec below the given folders, checked or compiled in this
process or across N, each exactly as it would be alone.

`find_specs` turns files and folders into spec files (every `tinystack.yaml` and
`*.tinystack.yaml` below a folder). `check_many` runs the front end on each; `compile_many`
reads every spec first, refuses two specs of one name (both would write out/<name>/),
then compiles and writes the rest: the same IR and the same bytes as a lone compile. A
spec that fails is reported in its diagnostics and the others still compile. Nothing
here prints.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from compiler.diagnostics import Diagnostic, has_errors
from compiler.spec import read_spec
from compiler.spec.codes import NO_SPECS, SAME_NAME

if TYPE_CHECKING:  # `tsc validate` loads neither lowering nor a backend
    from compiler.compile import Format
    from compiler.ir.model import StackIR

SPEC_FILE = "tinystack.yaml"
SPEC_SUFFIX = ".tinystack.yaml"
_SKIPPED_FOLDERS = {"node_modules", "__pycache__"}  # and every hidden folder (.git, .venv)

In = TypeVar("In")
Out = TypeVar("Out")


@dataclass(frozen=True)
class Outcome:
    """What became of one spec: where it was written (None: nothing was), the bytes of each
    file written, the resources of each template, and its diagnostics."""

    spec: Path
    out_dir: Path | None
    sizes: dict[str, int] = field(default_factory=dict)
    resources: dict[str, int] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def find_specs(paths: Iterable[Path]) -> tuple[list[Path], list[Diagnostic]]:
    """The spec files `paths` name: files as given, folders searched; each spec once."""
    found: dict[Path, None] = {}
    problems = []
    for path in paths:
        if not path.is_dir():
            found.setdefault(path)  # a missing file is the loader's to report
            continue
        below = _specs_below(path)
        if not below:
            message = f"no {SPEC_FILE} or *{SPEC_SUFFIX} below this folder"
            problems.append(NO_SPECS.at(str(path), 0, 0, message))
        found.update(dict.fromkeys(below))
    return list(found), problems


def _specs_below(folder: Path) -> list[Path]:
    specs = []
    for current, folders, files in os.walk(folder):
        folders[:] = sorted(
            f for f in folders if not f.startswith(".") and f not in _SKIPPED_FOLDERS
        )
        here = Path(current)
        specs += [here / f for f in sorted(files) if f == SPEC_FILE or f.endswith(SPEC_SUFFIX)]
    return specs


def check_many(specs: Sequence[Path], jobs: int = 1) -> list[list[Diagnostic]]:
    """The front end's diagnostics of each spec, in order."""
    with _mapper(jobs, len(specs)) as run:
        return run(_check, specs)


def _check(spec: Path) -> list[Diagnostic]:
    return read_spec(spec)[1]


def compile_many(
    specs: Sequence[Path], out_root: Path, fmt: Format = "yaml", jobs: int = 1
) -> list[Outcome]:
    """Compile each spec into out_root/<name>/ as a lone compile would, in order."""
    from compiler.compile import read_stack

    with _mapper(jobs, len(specs)) as run:
        read = run(read_stack, specs)
    outcomes = [Outcome(s, None, diagnostics=d) for s, (_, d) in zip(specs, read, strict=True)]
    todo: dict[int, StackIR] = {}
    for name, indexes in _by_name(read).items():
        if len(indexes) == 1:
            todo[indexes[0]] = read[indexes[0]][0]  # type: ignore[assignment]
            continue
        for i in indexes:  # neither is written: which one out/<name>/ held would be luck
            clash = _clash(i, indexes, specs, out_root / name)
            outcomes[i] = Outcome(specs[i], None, diagnostics=[*read[i][1], clash])
    if len(todo) > 1:
        _settle(next(iter(todo.values())), fmt)
    write = partial(_compile_and_write, out_root=out_root, fmt=fmt)
    with _mapper(jobs, len(todo)) as run:
        pairs = [(specs[i], ir) for i, ir in todo.items()]
        for i, done in zip(todo, run(write, pairs), strict=True):
            outcomes[i] = replace(done, diagnostics=read[i][1] + done.diagnostics)
    return outcomes


def _settle(ir: StackIR, fmt: Format) -> None:
    """Before a batch: one compile in memory loads every module a compile needs (workers
    forked afterwards inherit them), then gc.freeze() takes what is loaded out of the
    collector's scans, which otherwise cost a tenth of each compile (benchmarks/)."""
    from compiler.compile import compile_ir

    compile_ir(ir, fmt)
    gc.collect()
    gc.freeze()


def _by_name(read: list[tuple[StackIR | None, list[Diagnostic]]]) -> dict[str, list[int]]:
    """Indexes of the specs that compile, by stack name, in order."""
    named: dict[str, list[int]] = {}
    for index, (ir, diagnostics) in enumerate(read):
        if ir is not None and not has_errors(diagnostics):
            named.setdefault(ir.name, []).append(index)
    return named


def _compile_and_write(spec_ir: tuple[Path, StackIR], out_root: Path, fmt: Format) -> Outcome:
    from compiler.compile import compile_and_write

    spec, ir = spec_ir
    result = compile_and_write(ir, spec, out_root, fmt)
    compiled = result.compiled
    sizes = {n: len(t.encode()) for n, t in compiled.files.items()} if compiled else {}
    resources = compiled.resources if compiled else {}
    return Outcome(spec, result.out_dir, sizes, resources, result.diagnostics)


def _clash(index: int, indexes: list[int], specs: Sequence[Path], out_dir: Path) -> Diagnostic:
    from compiler.spec.load import load_spec  # only for the rare clash: where `name` is written

    others = ", ".join(f"'{specs[i]}'" for i in indexes if i != index)
    message = f"'{out_dir.name}' is also the name of {others}; both would write {out_dir}/"
    loaded, _ = load_spec(specs[index])
    if loaded is None:
        return SAME_NAME.at(str(specs[index]), 0, 0, message)
    return loaded.diagnostic(
        ("name",), SAME_NAME, message, "Give each stack its own name.", at_value=True
    )


@contextmanager
def _mapper(
    jobs: int, count: int
) -> Iterator[Callable[[Callable[[In], Out], Sequence[In]], list[Out]]]:
    """A `map` returning a list in order: in this process, or across `jobs` processes."""
    if jobs <= 1 or count <= 1:
        yield lambda function, items: [function(item) for item in items]
        return
    from concurrent.futures import ProcessPoolExecutor  # with multiprocessing: 10+ ms to load

    workers = min(jobs, count)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        chunk = max(1, count // (workers * 8))  # small enough to balance, big enough to batch
        yield lambda function, items: list(pool.map(function, items, chunksize=chunk))
