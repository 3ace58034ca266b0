"""`tsc init`: listing, rendering into a folder, and refusing to clobber anything."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from compiler.blueprints import SCHEMA_COPY, list_blueprints
from compiler.buildspecs import render_buildspecs
from compiler.cli import main
from compiler.compile import read_stack
from compiler.shipped import shipped_dir


def tsc(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under `folder` with its bytes and mode."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mode)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def assert_one_line_error(result: Result, *words: str) -> None:
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert "Traceback" not in result.output
    for word in words:
        assert word in lines[0]


def test_list_names_every_blueprint_with_one_line_each() -> None:
    result = tsc("init", "--list")
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    names = ["django", "django-postgres", "express", "fastapi", "flask"]
    assert [line.split()[0] for line in lines] == names
    assert all(len(line.split()) > 2 for line in lines)  # a summary after each name


def test_list_as_json() -> None:
    result = tsc("init", "--list", "--json")
    assert result.exit_code == 0
    names = [b["name"] for b in json.loads(result.output)["blueprints"]]
    assert names == [b.name for b in list_blueprints()]


def test_init_writes_the_project_and_matching_buildspecs(tmp_path: Path) -> None:
    target = tmp_path / "shop-api"
    result = tsc("init", str(target), "--blueprint", "flask")
    assert result.exit_code == 0, result.output
    assert "Next steps" in result.output and "tsc compile" in result.output
    files = snapshot(target)
    expected = {"app.py", "items.py", "Dockerfile", "tinystack.yaml", "build.yml", "release.yml"}
    assert expected <= set(files)
    spec = (target / "tinystack.yaml").read_text()
    assert 'name: "shop-api"' in spec  # the folder's name, since --name was not given
    assert (target / spec.splitlines()[0].split("$schema=")[1]).is_file()
    ir, diagnostics = read_stack(target / "tinystack.yaml")
    assert ir is not None and not diagnostics
    for name, text in render_buildspecs(ir).items():
        assert (target / name).read_text() == text


def test_executable_bits_survive(tmp_path: Path) -> None:
    assert tsc("init", str(tmp_path / "dj"), "-b", "django").exit_code == 0
    assert os.access(tmp_path / "dj" / "manage.py", os.X_OK)


def test_name_option_wins_over_the_folder(tmp_path: Path) -> None:
    result = tsc("init", str(tmp_path / "Not_A_Name"), "-b", "express", "--name", "orders")
    assert result.exit_code == 0, result.output
    assert 'name: "orders"' in (tmp_path / "Not_A_Name" / "tinystack.yaml").read_text()


def test_same_input_gives_the_same_bytes(tmp_path: Path) -> None:
    for folder in ("one", "two"):
        assert tsc("init", str(tmp_path / folder), "-b", "fastapi", "--name", "same").exit_code == 0
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


def test_json_result_lists_the_files(tmp_path: Path) -> None:
    result = tsc("init", str(tmp_path / "api"), "-b", "flask", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output)["files"] == sorted(snapshot(tmp_path / "api"))


def test_non_empty_folder_is_refused_and_left_alone(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "data.bin").write_bytes(b"\x00\x01")
    before = snapshot(tmp_path)
    result = tsc("init", str(tmp_path), "-b", "flask", "--name", "crud-api")
    assert_one_line_error(result, "not empty", "--force")
    assert snapshot(tmp_path) == before


def test_existing_files_are_refused_then_overwritten_with_force(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    (tmp_path / "build.yml").write_text("mine\n")
    (tmp_path / "LICENSE").write_text("keep me\n")
    before = snapshot(tmp_path)
    refused = tsc("init", str(tmp_path), "-b", "django", "--name", "crud-api")
    assert_one_line_error(refused, "already exist", "--force")
    assert snapshot(tmp_path) == before

    forced = tsc("init", str(tmp_path), "-b", "django", "--name", "crud-api", "--force")
    assert forced.exit_code == 0, forced.output
    assert "gunicorn" in (tmp_path / "Dockerfile").read_text()
    assert (tmp_path / "build.yml").read_text() != "mine\n"
    assert (tmp_path / "LICENSE").read_text() == "keep me\n"


def test_a_fresh_clone_with_only_git_is_fine(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    result = tsc("init", str(tmp_path), "-b", "express", "--name", "crud-api")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "package-lock.json").is_file()
    assert (tmp_path / ".git" / "HEAD").read_text() == "ref: refs/heads/main\n"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--blueprint", "flask", "--name", "Bad_Name"], ["Bad_Name", "--name", "^[a-z]"]),
        (["--blueprint", "flask", "--name", "x"], ["'x'"]),
        (["--blueprint", "rails", "--name", "ok-name"], ["rails", "flask", "express"]),
        (["--name", "ok-name"], ["--blueprint", "flask"]),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    tmp_path: Path, args: list[str], words: list[str]
) -> None:
    target = tmp_path / "project"
    assert_one_line_error(tsc("init", str(target), *args), *words)
    assert not target.exists()


def test_folder_name_that_is_not_a_stack_name_asks_for_name(tmp_path: Path) -> None:
    target = tmp_path / "My_Project"
    assert_one_line_error(tsc("init", str(target), "-b", "flask"), "My_Project", "--name")
    assert not target.exists()


def test_target_that_is_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "api"
    target.write_text("a file")
    assert_one_line_error(tsc("init", str(target), "-b", "flask"), "not a folder")
    assert target.read_text() == "a file"


def test_schema_copy_is_the_shipped_schema(tmp_path: Path) -> None:
    assert tsc("init", str(tmp_path / "api"), "-b", "flask").exit_code == 0
    shipped = shipped_dir("schemas") / "tinystack.schema.json"
    assert (tmp_path / "api" / SCHEMA_COPY).read_bytes() == shipped.read_bytes()
