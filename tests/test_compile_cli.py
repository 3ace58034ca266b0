"""`tsc compile` end to end, and the writer's all-or-nothing folder."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from compiler.cli import main
from compiler.template_yaml import load_template
from compiler.writer import MANIFEST, README, write_out

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "crud-api.yaml"


def tsc(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_compile_writes_every_template_buildspecs_manifest_and_readme(tmp_path: Path) -> None:
    result = tsc("compile", str(EXAMPLE), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    folder = tmp_path / "crud-api"
    files = _files(folder)
    # each nested template (and the IR) is named by the sha256 of its own bytes
    addressed = {
        name.split(".")[0]: name
        for name, data in files.items()
        if name.count(".") == 2 and name.split(".")[1] == hashlib.sha256(data).hexdigest()[:12]
    }
    expected = {"network", "registry", "pipeline", "ir"}
    for stage in ("dev", "prod"):
        expected |= {
            f"{k}-{stage}" for k in ("stage", "cluster", "endpoint", "service", "monitoring")
        }
    assert set(addressed) == expected
    plain = {"root.yaml", "build.yml", "release.yml", "architecture.mmd", MANIFEST, README}
    assert set(files) == plain | set(addressed.values())
    assert f"wrote {folder}/" in result.stdout
    assert "root.yaml" in result.stdout and "resources" in result.stdout
    yaml.safe_load((folder / "build.yml").read_text())  # plain YAML, for CodeBuild
    # the IR travels with the templates: what --emit-ir prints, named in the root
    emitted = tsc("compile", str(EXAMPLE), "--emit-ir")
    assert files[addressed["ir"]].decode() == emitted.stdout
    root = load_template((folder / "root.yaml").read_text())
    assert root["Metadata"] == {"Tinystack": {"Ir": addressed["ir"]}}


def test_a_parent_changes_exactly_when_one_of_its_children_does(tmp_path: Path) -> None:
    """One stage's scaling.max touches that stage's service, its stage stack and the root."""
    edited = tmp_path / "edited.yaml"
    edited.write_text(EXAMPLE.read_text().replace("\n  max: 6\n", "\n  max: 8\n"))
    assert tsc("compile", str(EXAMPLE), "--out", str(tmp_path / "a")).exit_code == 0
    assert tsc("compile", str(edited), "--out", str(tmp_path / "b")).exit_code == 0
    before, after = _files(tmp_path / "a" / "crud-api"), _files(tmp_path / "b" / "crud-api")
    gone = {name.split(".")[0] for name in set(before) - set(after)}
    changed = {name for name in set(before) & set(after) if before[name] != after[name]}
    assert gone == {"service-dev", "stage-dev", "ir"}
    assert changed == {"root.yaml", MANIFEST, "architecture.mmd"}  # the picture shows 1..8 tasks


def test_manifest_lists_every_other_file_with_its_sha256(tmp_path: Path) -> None:
    assert tsc("compile", str(EXAMPLE), "--out", str(tmp_path)).exit_code == 0
    folder = tmp_path / "crud-api"
    manifest = json.loads((folder / MANIFEST).read_text())["files"]
    assert list(manifest) == sorted(manifest)
    on_disk = {n: hashlib.sha256(b).hexdigest() for n, b in _files(folder).items() if n != MANIFEST}
    assert manifest == on_disk


def test_readme_tells_how_to_upload_and_create_the_stack(tmp_path: Path) -> None:
    assert tsc("compile", str(EXAMPLE), "--out", str(tmp_path)).exit_code == 0
    readme = (tmp_path / "crud-api" / README).read_text()
    assert "aws s3 sync out/crud-api s3://BUCKET/PREFIX/" in readme
    assert "root.yaml" in readme and "TemplateBucket" in readme and "TemplatePrefix" in readme


def test_two_compiles_are_byte_identical(tmp_path: Path) -> None:
    for out in ("a", "b"):
        assert tsc("compile", str(EXAMPLE), "--out", str(tmp_path / out)).exit_code == 0
    assert _files(tmp_path / "a" / "crud-api") == _files(tmp_path / "b" / "crud-api")


def test_json_format_writes_json_templates_the_root_points_at(tmp_path: Path) -> None:
    result = tsc("compile", str(EXAMPLE), "--out", str(tmp_path), "--format", "json", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["files"]["root.json"]["resources"] > 0
    root = json.loads((tmp_path / "crud-api" / "root.json").read_text())
    urls = [r["Properties"]["TemplateURL"]["Fn::Sub"] for r in root["Resources"].values()]
    assert all(u.endswith(".json") for u in urls)
    assert all((tmp_path / "crud-api" / u.rsplit("}", 1)[1]).exists() for u in urls)


def test_a_recompile_replaces_the_folder_whole(tmp_path: Path) -> None:
    stale = tmp_path / "crud-api" / "stage-old.yaml"
    stale.parent.mkdir()
    stale.write_text("left from a removed stage")
    assert tsc("compile", str(EXAMPLE), "--out", str(tmp_path)).exit_code == 0
    assert not stale.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["crud-api"]  # no temp folder left


def test_a_bad_spec_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text("version: 1\nname: Bad_Name\napp: {port: 0}\n")
    result = tsc("compile", str(spec), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert f"{spec}:" in result.stderr and "error" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_missing_spec_exits_1_with_one_clear_line(tmp_path: Path) -> None:
    result = tsc("compile", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "no such file" in result.stderr
    assert not (tmp_path / "out").exists()


def test_an_unwritable_out_exits_1_with_a_diagnostic(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = tsc("compile", str(EXAMPLE), "--out", str(blocker))
    assert result.exit_code == 1
    assert "cannot write the output folder" in result.stderr and "--out" in result.stderr
    assert "Traceback" not in result.output and result.stdout == ""


def test_emit_ir_prints_the_ir_as_json_and_writes_nothing(tmp_path: Path) -> None:
    result = tsc("compile", str(EXAMPLE), "--emit-ir", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    ir = json.loads(result.stdout)
    assert ir["name"] == "crud-api" and [s["name"] for s in ir["stages"]] == ["dev", "prod"]
    assert not (tmp_path / "out").exists()


def test_a_failed_write_leaves_the_previous_folder_untouched(tmp_path: Path) -> None:
    out = tmp_path / "app"
    assert write_out({"root.yaml": "old\n"}, out) == []
    before = _files(out)
    # 'a' is written as a file, then 'a/b' cannot be: the write fails half way
    problems = write_out({"a": "file", "a/b": "needs a folder"}, out)
    assert len(problems) == 1 and problems[0].code == "TS501"
    assert _files(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["app"]


@pytest.mark.parametrize(
    "example", sorted((ROOT / "examples").glob("*.yaml")), ids=lambda p: p.stem
)
def test_every_bundled_example_compiles(example: Path, tmp_path: Path) -> None:
    result = tsc("compile", str(example), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output


def test_an_empty_out_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    # failed on the old code: click read "" as ".", and the stack landed in the current folder
    done = subprocess.run(
        [sys.executable, "-m", "compiler.cli", "compile", str(EXAMPLE), "--out", ""],
        cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr == (
        "error: invalid value for '--out': an empty path; name a folder, "
        "e.g. --out out. See 'python -m compiler.cli compile --help'.\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_newline_in_the_spec_path_stays_escaped_on_its_output_line(tmp_path: Path) -> None:
    # failed on the old code: "wrote .../a\nb/..." and "a\nb.yaml:2:7: ..." split in two lines
    folder = tmp_path / "a\nb"
    folder.mkdir()
    spec = folder / "x\ny.yaml"
    spec.write_text("version: 1\nname: demo\ndescription: 'x ${AWS::Region}'\n")
    result = tsc("compile", str(spec), "--out", str(folder))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(str(spec).replace("\n", "\\n") + ":3:14: ")
    spec.write_text("version: 1\nname: demo\n")
    result = tsc("compile", str(spec), "--out", str(folder))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith(f"wrote {tmp_path}/a\\nb/demo/ (")
    assert (folder / "demo" / "root.yaml").is_file()


def test_a_committed_buildspec_that_differs_from_the_compiled_one_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After adding a stage, the release.yml committed beside the spec is out of date: the
    compile still succeeds, and says which file to copy where."""
    monkeypatch.chdir(tmp_path)
    Path("tinystack.yaml").write_text("version: 1\nname: shop\n")
    assert tsc("compile").exit_code == 0
    for name in ("build.yml", "release.yml"):
        Path(name).write_bytes(Path("out/shop", name).read_bytes())
    assert tsc("compile").stderr == ""  # both up to date: nothing to say
    two_stages = "version: 1\nname: shop\nstages: [{name: dev}, {name: prod}]\n"
    Path("tinystack.yaml").write_text(two_stages)
    result = tsc("compile")
    assert result.exit_code == 0 and result.stdout.startswith("wrote out/shop/")
    assert result.stderr == (
        "release.yml: warning: differs from out/shop/release.yml, which this compile wrote. "
        "The pipeline runs the committed one: cp out/shop/release.yml release.yml, and "
        "commit it. [TS301]\n0 errors, 1 warning\n"
    )
    # with the buildspecs inline in the projects, the committed copies are not used
    Path("tinystack.yaml").write_text(two_stages + "pipeline: {buildspecs: inline}\n")
    assert tsc("compile").stderr == ""
