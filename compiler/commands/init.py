"""`tsc init`: start a project from a blueprint (app, Dockerfile, tinystack.yaml, buildspecs).

The whole project is rendered in memory and the target folder is checked before the
first byte is written, so a refusal (files in the way, bad name) changes nothing.
build.yml and release.yml come from the compiler's own buildspec renderer, run on the
new tinystack.yaml, so they always match what `tsc compile` would produce.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from compiler.blueprints import (
    Blueprint,
    BlueprintError,
    ProjectFile,
    check_stack_name,
    check_target,
    get_blueprint,
    list_blueprints,
    render_blueprint,
    with_files,
    write_project,
)
from compiler.commands.conventions import DEFAULT_SPEC, fail
from compiler.diagnostics import has_errors, render_text

SPEC_FILE = DEFAULT_SPEC.name


@click.command("init")
@click.argument("directory", required=False, default=".")
@click.option(
    "--blueprint", "-b", "blueprint_name", metavar="NAME", help="Blueprint to start from."
)
@click.option("--name", "stack_name", metavar="STACK", help="Stack name (default: the folder's).")
@click.option("--force", is_flag=True, help="Overwrite files that are already there.")
@click.option("--list", "list_only", is_flag=True, help="List the blueprints and exit.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def init(
    directory: str,
    blueprint_name: str | None,
    stack_name: str | None,
    force: bool,
    list_only: bool,
    as_json: bool,
) -> None:
    """Create a project in DIRECTORY (default: here) from a starter blueprint.

    \b
    Example:
      tsc init --list
      tsc init crud-api --blueprint flask
      tsc init . --blueprint express --name shop-api --force
    """
    if list_only:
        click.echo(_catalog_json() if as_json else _catalog_text(), nl=not as_json)
        return
    target = Path(directory)
    try:
        blueprint, name = _choose(blueprint_name, stack_name, target)
        rendered = render_blueprint(blueprint, name)
        files = with_files(rendered, _buildspecs(rendered))
        check_target(target, files, force)
        write_project(target, files)
    except BlueprintError as error:
        raise fail(str(error)) from None
    except OSError as error:
        raise fail(f"cannot write '{target}': {error.strerror or error}") from None
    click.echo(
        _result_json(target, blueprint, name, files)
        if as_json
        else _next_steps(target, blueprint, name, files),
        nl=not as_json,
    )


def _choose(
    blueprint_name: str | None, stack_name: str | None, target: Path
) -> tuple[Blueprint, str]:
    if blueprint_name is None:
        choices = ", ".join(b.name for b in list_blueprints())
        raise BlueprintError(f"missing --blueprint; choose one of: {choices} (see --list)")
    blueprint = get_blueprint(blueprint_name)
    if stack_name is not None:
        return blueprint, check_stack_name(stack_name)
    folder = target.resolve().name
    return blueprint, check_stack_name(folder, origin="the folder's name, as no --name was given")


def _buildspecs(files: tuple[ProjectFile, ...]) -> dict[str, str]:
    """build.yml and release.yml for the rendered tinystack.yaml, via the real front end."""
    # imported here so that `tsc init --list` and argument errors stay instant
    from compiler.buildspecs import render_buildspecs
    from compiler.compile import read_stack_text

    spec = next(f for f in files if f.path.as_posix() == SPEC_FILE)
    ir, diagnostics = read_stack_text(SPEC_FILE, spec.content.decode("utf-8"))
    if ir is None or has_errors(diagnostics):
        # Only a broken blueprint gets here: the name was checked before.
        raise BlueprintError(
            "the blueprint's tinystack.yaml does not compile:\n" + render_text(diagnostics).rstrip()
        )
    return render_buildspecs(ir)


def _catalog_text() -> str:
    width = max(len(b.name) for b in list_blueprints())
    return "\n".join(f"{b.name.ljust(width)}  {b.summary}" for b in list_blueprints())


def _catalog_json() -> str:
    items = [
        {"name": b.name, "summary": b.summary, "framework": b.framework, "port": b.port}
        for b in list_blueprints()
    ]
    return json.dumps({"blueprints": items}, indent=2, sort_keys=True) + "\n"


def _result_json(
    target: Path, blueprint: Blueprint, name: str, files: tuple[ProjectFile, ...]
) -> str:
    doc = {
        "directory": str(target),
        "blueprint": blueprint.name,
        "name": name,
        "files": [f.path.as_posix() for f in files],
    }
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def _next_steps(
    target: Path, blueprint: Blueprint, name: str, files: tuple[ProjectFile, ...]
) -> str:
    where = "" if target.resolve() == Path.cwd().resolve() else f"cd {target} && "
    commands = dict(blueprint.commands)
    return "\n".join(
        [
            f"Created '{name}' from the {blueprint.name} blueprint in {target}"
            f" ({len(files)} files).",
            "Next steps:",
            f"  1. {where}{commands['install']} && {commands['test']}   # run the app's tests",
            f"  2. edit {SPEC_FILE} (source repository, stages, scale); your editor completes it",
            f"  3. tsc validate {SPEC_FILE} && tsc compile {SPEC_FILE}",
            "  4. commit everything (build.yml and release.yml too)",
            f"  5. tsc deploy {SPEC_FILE} --create-bucket   # add --region R unless AWS_REGION "
            "or your profile sets one",
            "  6. tsc push   # ships this folder's code and follows it to the first stage",
            "  7. tsc status   # then: tsc logs --stage dev --follow",
        ]
    )
