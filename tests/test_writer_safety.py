"""out/<name>/ under concurrent compiles and kills: always one whole compile's output.

Concurrent runs are real `tsc compile` processes. A kill is a real SIGKILL of a forked
writer at each of its file-system steps in turn (the child counts its writes and renames
and kills itself at step k), since a timed kill from outside would hit a few steps only.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import compiler.writer as writer
from compiler.compile import compile_ir, read_stack_text
from compiler.writer import MANIFEST, write_out

ROOT = Path(__file__).resolve().parents[1]
SPECS = {
    "a": "version: 1\nname: demo\ndescription: first\n",
    "b": "version: 1\nname: demo\ndescription: second\nstages: [{name: dev}, {name: prod}]\n",
}


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _files(which: str) -> dict[str, str]:
    ir, diagnostics = read_stack_text("tinystack.yaml", SPECS[which])
    assert ir is not None, diagnostics
    return compile_ir(ir).files


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """The whole folder each spec compiles to."""
    out = {}
    for which in SPECS:
        folder = tmp_path_factory.mktemp(which) / "demo"
        assert write_out(_files(which), folder) == []
        out[which] = _tree(folder)
    assert out["a"] != out["b"] and set(out["a"]) != set(out["b"])
    return out


def _whole(folder: Path, expected: dict[str, dict[str, bytes]]) -> str:
    """Which compile the folder holds, whole; fails on a mix or a partial folder."""
    tree = _tree(folder)
    manifest = json.loads(tree[MANIFEST])["files"]
    assert manifest == {n: hashlib.sha256(b).hexdigest() for n, b in tree.items() if n != MANIFEST}
    matches = [which for which, files in expected.items() if files == tree]
    assert len(matches) == 1, sorted(tree)
    return matches[0]


def test_concurrent_compiles_into_one_out_never_interleave(
    tmp_path: Path, expected: dict[str, dict[str, bytes]]
) -> None:
    for which, text in SPECS.items():
        (tmp_path / f"{which}.yaml").write_text(text)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "compiler.cli", "compile"]
    runs = [
        subprocess.Popen(
            [*command, str(tmp_path / f"{w}.yaml"), "--out", str(out)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in ("a", "b", "a", "b")
    ]
    for run in runs:
        _, stderr = run.communicate(timeout=120)
        assert run.returncode == 0, stderr
    _whole(out / "demo", expected)
    assert [p.name for p in out.iterdir()] == ["demo"]  # no staging folder left


def test_writers_racing_in_a_loop_all_succeed_and_leave_one_whole_folder(
    tmp_path: Path, expected: dict[str, dict[str, bytes]]
) -> None:
    # failed on the old writer: a swap that found out/demo gone mid-way reported an error
    files = {"a": _files("a"), "b": _files("b")}
    out = tmp_path / "demo"
    children = []
    for worker in range(4):
        pid = os.fork()
        if pid == 0:
            failures = sum(bool(write_out(files["ab"[(worker + i) % 2]], out)) for i in range(40))
            os._exit(min(failures, 100))
        children.append(pid)
    statuses = [os.waitpid(pid, 0)[1] for pid in children]
    assert [os.waitstatus_to_exitcode(s) for s in statuses] == [0, 0, 0, 0]
    _whole(out, expected)
    assert [p.name for p in tmp_path.iterdir()] == ["demo"]


# file-system steps of a write, each a place a kill can land
_STEPS: dict[str, tuple[Any, str]] = {
    "write": (Path, "write_bytes"),
    "mkdir": (Path, "mkdir"),
    "rename": (Path, "rename"),
    "exchange": (writer, "_exchange"),
    "rmtree": (shutil, "rmtree"),
}


def _killed_at(step: int, out: Path, files: dict[str, str], atomic: bool) -> bool:
    """Write `files` to `out` in a forked child that SIGKILLs itself at file-system step
    `step`; True when the kill happened (False: the write finished first)."""
    pid = os.fork()
    if pid == 0:  # the child: count steps, die at `step`
        count = [0]

        def counted(original: Callable[..., Any]) -> Callable[..., Any]:
            def run(*args: Any, **kwargs: Any) -> Any:
                if count[0] == step:
                    os.kill(os.getpid(), signal.SIGKILL)
                count[0] += 1
                return original(*args, **kwargs)

            return run

        for owner, name in _STEPS.values():
            setattr(owner, name, counted(getattr(owner, name)))
        if not atomic:
            writer._renameat2.cache_clear()
            writer._renameat2 = lambda: None  # type: ignore[assignment]
        os._exit(0 if write_out(files, out) == [] else 3)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == signal.SIGKILL
        return True
    assert os.WEXITSTATUS(status) == 0
    return False


@pytest.mark.parametrize("atomic", [True, False], ids=["exchange", "two-renames"])
def test_a_kill_at_any_step_leaves_a_whole_folder(
    atomic: bool, tmp_path: Path, expected: dict[str, dict[str, bytes]]
) -> None:
    files_a, files_b = _files("a"), _files("b")
    out = tmp_path / "demo"
    step, seen = 0, set()
    while True:
        assert write_out(files_a, out) == []  # the previous output
        killed = _killed_at(step, out, files_b, atomic)
        if out.exists():
            seen.add(_whole(out, expected))
        else:  # only the fallback, killed between its two renames: the next write repairs it
            assert not atomic
            seen.add("repaired")
        assert write_out(files_a, out) == []
        assert _whole(out, expected) == "a"
        assert [p.name for p in tmp_path.iterdir()] == ["demo"]  # orphans cleared
        if not killed:
            break
        step += 1
    assert step > 15  # every file write, the renames and the cleanup were hit
    assert {"a", "b"} <= seen


def test_file_names_outside_the_folder_are_refused_and_nothing_is_written(tmp_path: Path) -> None:
    for name in ("../escape.yaml", "/tmp/abs.yaml", "a/../../x", ""):
        problems = write_out({name: "x"}, tmp_path / "out" / "demo")
        assert [p.code for p in problems] == ["TS501"], name
    assert list(tmp_path.iterdir()) == []


def test_a_symlinked_output_folder_is_refused_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "demo").symlink_to(elsewhere)
    problems = write_out(_files("a"), tmp_path / "out" / "demo")
    assert [p.message for p in problems] == [
        "is a symbolic link; remove it or choose another --out"
    ]
    assert list(elsewhere.iterdir()) == []
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["demo"]
