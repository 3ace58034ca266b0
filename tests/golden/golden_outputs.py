"""Golden outputs: what `tsc` prints and writes for a fixed set of specs, byte for byte.

A case is a folder tests/golden/<case>/. Its spec is examples/<case>.yaml for a bundled
example, else the folder's own tinystack.yaml. What is committed beside it:

  out/             the whole folder `tsc compile` writes (templates, build.yml, release.yml,
                   ir.<hash>.json, manifest.json, README.txt), each file under its name
                   without the content address (`service-dev.yaml` for
                   `service-dev.<sha256[:12]>.yaml`), so an edit reads as a change to
                   that file rather than a rename; the addresses show in root.yaml,
                   the stage stacks and manifest.json
  ir.json          `tsc validate --emit-ir`
  logical_ids.txt  `<template> <LogicalId> <Type>` per resource: a renamed ID replaces a live
                   resource, and this list shows one without reading whole templates
  diagnostics.txt  what `tsc validate tinystack.yaml` prints on stderr, when it prints any

A case named bad-* must fail validation: it has diagnostics.txt only. Any other must
compile. `python -m tests.golden --update` (or `pytest --update-golden`) rewrites every
case from the current compiler; a person reads the diff in review.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from compiler.cfn.common.names import readable_file
from compiler.cli import main as tsc
from compiler.template_yaml import load_template

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent
EXAMPLES = ROOT / "examples"
SPEC = "tinystack.yaml"
OUT = "out"
REGENERATE = "python -m tests.golden --update"
DIFF_LINES = 60  # per file: enough to read the change, not a whole template


@dataclass(frozen=True)
class Case:
    """One golden case: its folder, and the spec it compiles."""

    folder: Path

    @property
    def name(self) -> str:
        return self.folder.name

    @property
    def spec(self) -> Path:
        own = self.folder / SPEC
        return own if own.exists() else EXAMPLES / f"{self.name}.yaml"

    @property
    def bad(self) -> bool:
        return self.name.startswith("bad-")


def cases() -> list[Case]:
    """Every bundled example and every folder holding its own tinystack.yaml, by name."""
    names = {p.stem for p in EXAMPLES.glob("*.yaml")}
    names |= {p.parent.name for p in GOLDEN.glob(f"*/{SPEC}")}
    return [Case(GOLDEN / name) for name in sorted(names)]


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(tsc, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _logical_ids(out: dict[str, bytes]) -> str:
    lines = []
    for name, data in sorted(out.items()):
        doc = load_template(data.decode()) if name.endswith(".yaml") else None
        if isinstance(doc, dict) and "Resources" in doc:
            resources = doc["Resources"]
            lines += [f"{name} {rid} {body['Type']}\n" for rid, body in sorted(resources.items())]
    return "".join(lines)


@contextlib.contextmanager
def _inside(folder: Path) -> Iterator[None]:
    with contextlib.chdir(folder):  # diagnostics name the spec as the user typed it
        yield


def outputs(case: Case) -> dict[str, bytes]:
    """Every golden file of `case`, by path inside its folder, from the current compiler."""
    with _inside(case.spec.parent):
        status, _, stderr = _run("validate", case.spec.name)
        files = {"diagnostics.txt": stderr.encode()} if stderr else {}
        if case.bad:
            assert status == 1, f"{case.name}: a bad-* case must fail validation"
            return files
        assert status == 0, f"{case.name} does not validate:\n{stderr}"
        status, ir_json, stderr = _run("validate", "--emit-ir", case.spec.name)
        assert status == 0, stderr
        files["ir.json"] = ir_json.encode()
        with tempfile.TemporaryDirectory() as tmp:
            status, _, stderr = _run("compile", case.spec.name, "--out", tmp)
            assert status == 0, stderr
            (written,) = Path(tmp).iterdir()
            out = {readable_file(name): data for name, data in _tree(written).items()}
    files["logical_ids.txt"] = _logical_ids(out).encode()
    files |= {f"{OUT}/{name}": data for name, data in out.items()}
    json.loads(files["ir.json"])  # the IR printed is JSON, not a half-written line
    return files


def committed(case: Case) -> dict[str, bytes]:
    """The golden files of `case` as committed (its input spec left out)."""
    found = _tree(case.folder) if case.folder.is_dir() else {}
    return {name: data for name, data in found.items() if name != SPEC}


def update(case: Case) -> None:
    """Rewrite the golden files of `case` from the current compiler."""
    fresh = outputs(case)
    shutil.rmtree(case.folder / OUT, ignore_errors=True)
    for name in committed(case):
        (case.folder / name).unlink()
    for name, data in fresh.items():
        target = case.folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def differences(case: Case) -> str:
    """A readable account of how the compiler's output differs from the committed files."""
    want, got = committed(case), outputs(case)
    report = [f"{case.name}: missing {name}" for name in sorted(want.keys() - got.keys())]
    report += [f"{case.name}: new file {name}" for name in sorted(got.keys() - want.keys())]
    for name in sorted(want.keys() & got.keys()):
        if want[name] != got[name]:
            report.append(_diff(f"{case.name}/{name}", want[name], got[name]))
    return "\n".join(report)


def _diff(name: str, want: bytes, got: bytes) -> str:
    lines = list(
        difflib.unified_diff(
            want.decode(errors="replace").splitlines(keepends=True),
            got.decode(errors="replace").splitlines(keepends=True),
            f"golden/{name}",
            f"compiled/{name}",
        )
    )
    if not lines:  # same text, other bytes (line endings, encoding)
        return f"{name}: same lines, different bytes"
    more = len(lines) - DIFF_LINES
    shown = "".join(lines[:DIFF_LINES]).rstrip("\n")
    return shown + (f"\n... {more} more diff lines" if more > 0 else "")
