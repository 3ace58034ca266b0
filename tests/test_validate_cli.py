"""`tsc validate` as users run it: exit codes, located messages, never a traceback."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import main
from compiler.compile import read_stack
from compiler.ir.model import ir_as_dict

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def _billion_laughs() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


# name -> (file content, the located message `tsc validate` must print)
BAD_FILES: dict[str, tuple[bytes, str]] = {
    "empty": (b"", ":1:1: error: the file is empty"),
    "binary": (bytes(range(256)) * 8, ":2:118: error: the file is not UTF-8 text (byte 0x80)"),
    "non-mapping": (b"- version: 1\n- name: x\n", ":1:1: error: the document is a list"),
    "duplicate-key": (b"version: 1\nname: a\nname: b\n",
                      ":3:1: error: name: duplicate key 'name' (first at line 2)"),
    "alias-bomb": (_billion_laughs().encode(), ":5:10: error: the document has more than"),
    "10000-keys": ("".join(f"k{i}: {i}\n" for i in range(10_000)).encode(),
                   ":5000:8: error: the document has more than"),
    "deeply-nested": (("a: " + "[" * 50_000 + "]" * 50_000 + "\n").encode(),
                      ":1:*: error: the document nests deeper than 20 levels"),
}  # fmt: skip


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_bundled_examples_validate() -> None:
    code, out, err = _invoke("validate", *map(str, EXAMPLES))
    assert (code, err) == (0, "")
    assert out.splitlines() == [f"{path}: ok" for path in EXAMPLES]


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_exits_1_with_a_located_message(name: str, tmp_path: Path) -> None:
    content, expected = BAD_FILES[name]
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(content)
    code, out, err = _invoke("validate", str(path))
    assert code == 1
    # '*' stands for a column: libyaml >= 0.2.5 (PyYAML 6.0.4) stops deep nesting itself,
    # further along the line than our own depth check would
    assert re.match(re.escape(f"{path}{expected}").replace(r"\*", r"\d+"), err), err
    assert err.endswith("1 error, 0 warnings\n")
    assert out == f"{path}: invalid\n"


def test_bad_files_in_the_installed_command_print_no_traceback(tmp_path: Path) -> None:
    tsc = shutil.which("tsc")
    command = [tsc] if tsc else [sys.executable, "-c", "from compiler.cli import main; main()"]
    paths = []
    for name, (content, _) in sorted(BAD_FILES.items()):
        paths.append(tmp_path / f"{name}.yaml")
        paths[-1].write_bytes(content)
    run = subprocess.run(
        [*command, "validate", *map(str, paths), str(tmp_path / "missing.yaml")],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert run.returncode == 1
    assert "Traceback" not in run.stderr + run.stdout
    assert run.stderr.endswith(f"{len(paths) + 1} errors, 0 warnings\n")
    assert f"{tmp_path / 'missing.yaml'}: error: no such file [TS001]\n" in run.stderr


def test_all_problems_of_all_files_then_one_count(tmp_path: Path) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text("version: 1\nname: aa\nscale: big\napp: {port: 0}\n")
    second.write_text("version: 1\nname: bb\ncompute: {instance_type: m3.medium}\n")
    code, out, err = _invoke("validate", str(first), str(second))
    assert code == 1
    assert err.splitlines() == [
        f"{first}:3:8: error: scale: 'big' is not allowed; allowed: 'standard', 'hyperscale', "
        "'auto' [TS103]",
        f"{first}:4:13: error: app.port: '0' is less than the minimum, 1 [TS104]",
        f"{second}:3:26: warning: compute.instance_type: 'm3.medium' is a previous-generation "
        "instance type. Use 't3.medium', its current-generation equivalent. [TS206]",
        "2 errors, 1 warning",
    ]
    assert out.splitlines() == [f"{first}: invalid", f"{second}: ok (0 errors, 1 warning)"]


def test_json_output_lists_files_and_diagnostics(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "version: 1\nname: xx\napp: {health_check: {interval_seconds: 5, timeout_seconds: 5}}\n"
    )
    code, out, err = _invoke("validate", "--json", str(EXAMPLES[0]), str(bad))
    assert (code, err) == (1, "")
    doc = json.loads(out)
    assert doc["errors"] == 1 and doc["warnings"] == 0
    assert doc["files"] == [
        {"file": str(EXAMPLES[0]), "valid": True, "errors": 0, "warnings": 0},
        {"file": str(bad), "valid": False, "errors": 1, "warnings": 0},
    ]
    [item] = doc["diagnostics"]
    assert (item["code"], item["path"], item["line"], item["col"], item["severity"]) == (
        "TS223", "app.health_check.timeout_seconds", 3, 60, "error",
    )  # fmt: skip


def test_emit_ir_prints_the_lowered_stack() -> None:
    spec = ROOT / "examples" / "crud-api.yaml"
    code, out, err = _invoke("validate", "--emit-ir", str(spec))
    assert (code, err) == (0, "")
    ir, _ = read_stack(spec)
    assert ir is not None
    assert out == json.dumps(ir_as_dict(ir), indent=2, sort_keys=True) + "\n"


def test_emit_ir_takes_one_file() -> None:
    code, out, err = _invoke("validate", "--emit-ir", *map(str, EXAMPLES[:2]))
    assert (code, out) == (1, "")
    assert err == "error: --emit-ir takes one SPEC, without --json. See 'tsc validate --help'.\n"


def test_schema_command_prints_the_shipped_schema() -> None:
    code, out, _ = _invoke("schema")
    assert code == 0
    doc = json.loads(out)
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert out == (ROOT / "schemas" / "tinystack.schema.json").read_text(encoding="utf-8")
