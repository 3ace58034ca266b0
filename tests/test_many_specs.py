"""`tsc validate` and `tsc compile` over many specs and folders, in one process or several."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from compiler.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def tsc(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def services(tmp_path: Path) -> Path:
    """A monorepo: three specs at different depths, and two in folders that are skipped."""
    root = tmp_path / "services"
    for example, where in [
        ("minimal", "hello/tinystack.yaml"),
        ("crud-api", "api/crud/tinystack.yaml"),
        ("hyperscale-fargate", "shop.tinystack.yaml"),
        ("minimal", ".cache/tinystack.yaml"),  # hidden folders are not searched
        ("minimal", "web/node_modules/x/tinystack.yaml"),
    ]:
        (root / where).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(EXAMPLES / f"{example}.yaml", root / where)
    return root


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_folder_compiles_each_spec_below_it_exactly_as_alone(
    services: Path, tmp_path: Path, jobs: str
) -> None:
    result = tsc("compile", services, "--out", tmp_path / "all", "--jobs", jobs)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "compiled 3 of 3 specs"
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == [
        "crud-api", "hello", "shop-api",
    ]  # fmt: skip
    for spec in ("hello/tinystack.yaml", "api/crud/tinystack.yaml", "shop.tinystack.yaml"):
        alone = tsc("compile", services / spec, "--out", tmp_path / "alone")
        assert alone.exit_code == 0, alone.output
    assert _tree(tmp_path / "all") == _tree(tmp_path / "alone")


def test_a_failing_spec_is_reported_and_the_others_still_compile(
    services: Path, tmp_path: Path
) -> None:
    (services / "broken.tinystack.yaml").write_text("version: 1\nname: broken\napp: {port: 0}\n")
    result = tsc("compile", services, "--out", tmp_path / "out", "--jobs", "2")
    assert result.exit_code == 1
    assert f"{services / 'broken.tinystack.yaml'}:3:13: error: app.port:" in result.stderr
    assert result.stdout.splitlines()[-1] == "compiled 3 of 4 specs; 1 failed"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "crud-api", "hello", "shop-api",
    ]  # fmt: skip


def test_two_specs_of_one_name_are_both_refused_and_neither_written(tmp_path: Path) -> None:
    for name in ("a.tinystack.yaml", "b.tinystack.yaml"):
        shutil.copy(EXAMPLES / "minimal.yaml", tmp_path / name)
    result = tsc("compile", tmp_path, "--out", tmp_path / "out")
    assert result.exit_code == 1
    for mine, other in (("a", "b"), ("b", "a")):
        assert (
            f"{tmp_path / mine}.tinystack.yaml:5:7: error: name: 'hello' is also the name of "
            f"'{tmp_path / other}.tinystack.yaml'"
        ) in result.stderr
    assert not (tmp_path / "out").exists()


def test_validate_checks_every_spec_of_the_folders_it_is_given(services: Path) -> None:
    (services / "api" / "bad.tinystack.yaml").write_text("version: 1\nname: Bad Name\n")
    result = tsc("validate", services, "--jobs", "2")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{services}/shop.tinystack.yaml: ok",
        f"{services}/api/bad.tinystack.yaml: invalid",
        f"{services}/api/crud/tinystack.yaml: ok",
        f"{services}/hello/tinystack.yaml: ok",
    ]
    alone = tsc("validate", services / "api" / "bad.tinystack.yaml")
    assert alone.stderr and alone.stderr in result.stderr


def test_a_folder_without_specs_is_an_error(tmp_path: Path) -> None:
    for command in ("validate", "compile"):
        result = tsc(command, tmp_path)
        assert result.exit_code == 1
        assert result.stderr == (
            f"{tmp_path}: error: no tinystack.yaml or *.tinystack.yaml below this folder "
            "[TS503]\n1 error, 0 warnings\n"
        )
