"""Starter blueprints: the catalog in blueprints/ and turning one into a project's files.

A blueprint is a folder `blueprints/<name>/` with a `blueprint.json` (summary, framework,
port, the shared layers it builds on, the commands its README shows, and where its items
live: `store` table, the default, or database). Layers are folders
whose names start with `_` (`_common`, `_python`, ...): their files are laid down first,
in order, and the blueprint's own files win over them. A file ending in `.j2` is rendered
with jinja2 and loses the suffix; every other file is copied byte for byte. Nothing here
writes to disk except `write_project`, so a refused or failed init changes nothing.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

from compiler.shipped import shipped_dir

METADATA = "blueprint.json"
TEMPLATE_SUFFIX = ".j2"
# Where `tsc init` puts a copy of the schema; tinystack.yaml's first line names it.
SCHEMA_COPY = PurePosixPath(".tinystack/tinystack.schema.json")
# Local state that must never travel into a new project (a developer may have run the app).
_SKIPPED_PARTS = frozenset({"node_modules", "__pycache__", ".pytest_cache", ".venv"})
_SKIPPED_SUFFIXES = frozenset({".pyc"})
# Entries that do not make a folder "non-empty": a freshly cloned empty repository.
_IGNORED_ENTRIES = frozenset({".git"})


class BlueprintError(Exception):
    """A user-facing problem (unknown blueprint, bad stack name, files in the way)."""


@dataclass(frozen=True)
class Blueprint:
    """One starter project of the catalog."""

    name: str
    summary: str
    framework: str
    port: int
    layers: tuple[str, ...]
    commands: tuple[tuple[str, str], ...]  # (install | test | serve, shell command)
    directory: Path
    store: str = "table"  # what tinystack.yaml declares for the items: table | database

    @property
    def sources(self) -> tuple[Path, ...]:
        """The folders whose files make the project, the blueprint's own last (it wins)."""
        return (*(self.directory.parent / layer for layer in self.layers), self.directory)


@dataclass(frozen=True)
class ProjectFile:
    """One file of a new project, relative to its folder."""

    path: PurePosixPath
    content: bytes
    executable: bool = False


def _read_blueprint(directory: Path) -> Blueprint:
    data: dict[str, Any] = json.loads((directory / METADATA).read_text(encoding="utf-8"))
    return Blueprint(
        name=directory.name,
        summary=data["summary"],
        framework=data["framework"],
        port=int(data["port"]),
        layers=tuple(data.get("layers", ())),
        commands=tuple(sorted(data.get("commands", {}).items())),
        directory=directory,
        store=str(data.get("store", "table")),
    )


@cache
def list_blueprints() -> tuple[Blueprint, ...]:
    """Every blueprint shipped with the compiler, sorted by name (layers are not listed)."""
    root = shipped_dir("blueprints")
    folders = sorted(p for p in root.iterdir() if (p / METADATA).is_file())
    return tuple(_read_blueprint(p) for p in folders if not p.name.startswith("_"))


def get_blueprint(name: str) -> Blueprint:
    """The blueprint called `name`, or BlueprintError naming the choices."""
    for blueprint in list_blueprints():
        if blueprint.name == name:
            return blueprint
    choices = ", ".join(b.name for b in list_blueprints())
    raise BlueprintError(f"unknown blueprint '{name}'; choose one of: {choices}")


@cache
def _name_pattern() -> re.Pattern[str]:
    # The schema is the one source of the rule, so `tsc init` and `tsc validate` agree.
    schema_path = shipped_dir("schemas") / "tinystack.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    return re.compile(schema["properties"]["name"]["pattern"])


def check_stack_name(name: str, origin: str = "from --name") -> str:
    """`name` when it is a valid stack name, else BlueprintError with the rule."""
    pattern = _name_pattern()
    if pattern.fullmatch(name) is None:
        raise BlueprintError(
            f"stack name '{name}' ({origin}) does not match {pattern.pattern}: "
            "2 to 25 lowercase letters, digits or hyphens, starting with a letter"
        )
    return name


def _source_files(blueprint: Blueprint) -> dict[PurePosixPath, Path]:
    """Relative path -> source file, later layers overriding earlier ones."""
    chosen: dict[PurePosixPath, Path] = {}
    for folder in blueprint.sources:
        for file in _walk(folder):
            relative = PurePosixPath(file.relative_to(folder).as_posix())
            if relative != PurePosixPath(METADATA):
                chosen[relative] = file
    return chosen


def _walk(folder: Path) -> Iterator[Path]:
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_PARTS)
        for name in sorted(files):
            if Path(name).suffix not in _SKIPPED_SUFFIXES:
                yield Path(current) / name


def render_blueprint(blueprint: Blueprint, stack_name: str) -> tuple[ProjectFile, ...]:
    """The blueprint's files for a stack called `stack_name`, sorted by path."""
    import jinja2  # here, so that `tsc init --list` and its argument errors stay instant

    environment = jinja2.Environment(
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False
    )
    variables = {
        "name": stack_name,
        "blueprint": blueprint.name,
        "framework": blueprint.framework,
        "port": blueprint.port,
        "commands": dict(blueprint.commands),
        "schema_ref": SCHEMA_COPY.as_posix(),
        "store": blueprint.store,
    }
    files = []
    for relative, source in sorted(_source_files(blueprint).items()):
        content = source.read_bytes()
        if relative.suffix == TEMPLATE_SUFFIX:
            template = environment.from_string(content.decode("utf-8"))
            content = template.render(variables).encode("utf-8")
            relative = relative.with_suffix("")
        executable = bool(source.stat().st_mode & 0o111)
        files.append(ProjectFile(relative, content, executable))
    schema = (shipped_dir("schemas") / "tinystack.schema.json").read_bytes()
    files.append(ProjectFile(SCHEMA_COPY, schema))
    return tuple(sorted(files, key=lambda f: f.path))


def with_files(files: tuple[ProjectFile, ...], extra: Mapping[str, str]) -> tuple[ProjectFile, ...]:
    """`files` plus text files by name (e.g. the buildspecs), sorted by path."""
    added = {PurePosixPath(name): text.encode("utf-8") for name, text in extra.items()}
    kept = [f for f in files if f.path not in added]
    kept.extend(ProjectFile(path, content) for path, content in added.items())
    return tuple(sorted(kept, key=lambda f: f.path))


def check_target(target: Path, files: tuple[ProjectFile, ...], force: bool) -> None:
    """BlueprintError unless the project may be written into `target`; never writes."""
    if target.exists() and not target.is_dir():
        raise BlueprintError(f"'{target}' exists and is not a folder")
    if force or not target.exists():
        return
    clashes = [f.path.as_posix() for f in files if (target / f.path).exists()]
    if clashes:
        more = f" and {len(clashes) - 1} more" if len(clashes) > 1 else ""
        verb = "exist" if more else "exists"
        raise BlueprintError(
            f"'{target / clashes[0]}'{more} already {verb}; pass --force to overwrite"
        )
    if any(entry.name not in _IGNORED_ENTRIES for entry in target.iterdir()):
        raise BlueprintError(
            f"folder '{target}' is not empty; pass --force to add the project to it"
        )


def write_project(target: Path, files: tuple[ProjectFile, ...]) -> None:
    """Write every file under `target`, creating folders; executables keep their bit."""
    for file in files:
        destination = target / file.path
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(file.content)
        if file.executable:
            destination.chmod(destination.stat().st_mode | 0o111)
