"""Static checks of what every blueprint ships (Docker cannot run here, so parse instead)."""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath

import pytest
import yaml
from blueprint_apps import dockerfile_instructions

from compiler.blueprints import SCHEMA_COPY, Blueprint, list_blueprints, render_blueprint

BLUEPRINTS = list_blueprints()
# Dependency manifests, copied and installed before the source so the layer is cached.
MANIFESTS = {"requirements.txt", "package.json", "package-lock.json"}
# Ways of serving an app that must never reach production.
DEBUG_SERVERS = ("flask run", "runserver", "--reload", "--debug", "nodemon", "fastapi dev")


def rendered(blueprint: Blueprint) -> dict[str, bytes]:
    return {f.path.as_posix(): f.content for f in render_blueprint(blueprint, "demo-api")}


def dockerfile(blueprint: Blueprint) -> list[tuple[str, str]]:
    return dockerfile_instructions(rendered(blueprint)["Dockerfile"].decode())


def test_catalog_lists_the_four_blueprints() -> None:
    assert {b.name for b in BLUEPRINTS} >= {"flask", "express", "django", "fastapi"}
    assert all(b.summary and b.framework for b in BLUEPRINTS)


@pytest.mark.parametrize("blueprint", BLUEPRINTS, ids=lambda b: b.name)
def test_base_image_is_pinned_and_slim(blueprint: Blueprint) -> None:
    images = [args.split()[0] for op, args in dockerfile(blueprint) if op == "FROM"]
    assert images, "no FROM"
    for image in images:
        _, _, tag = image.partition(":")
        assert re.match(r"^\d+\.\d+\.\d+-", tag), f"{image} is not pinned to a full version"
        assert "slim" in tag


@pytest.mark.parametrize("blueprint", BLUEPRINTS, ids=lambda b: b.name)
def test_runs_as_a_non_root_user(blueprint: Blueprint) -> None:
    users = [args for op, args in dockerfile(blueprint) if op == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")


@pytest.mark.parametrize("blueprint", BLUEPRINTS, ids=lambda b: b.name)
def test_one_port_in_dockerfile_spec_and_metadata(blueprint: Blueprint) -> None:
    instructions = dockerfile(blueprint)
    exposed = [args for op, args in instructions if op == "EXPOSE"]
    assert exposed == [str(blueprint.port)]
    env = " ".join(args for op, args in instructions if op == "ENV")
    assert f"PORT={blueprint.port}" in env.split()
    spec = yaml.safe_load(rendered(blueprint)["tinystack.yaml"])
    assert spec["app"]["port"] == blueprint.port
    assert spec["name"] == "demo-api"


@pytest.mark.parametrize("blueprint", BLUEPRINTS, ids=lambda b: b.name)
def test_serves_with_a_production_server(blueprint: Blueprint) -> None:
    instructions = dockerfile(blueprint)
    [cmd] = [args for op, args in instructions if op == "CMD"]
    argv = json.loads(cmd)  # exec form: the server is PID 1 and gets ECS's SIGTERM
    assert argv[0] in ("gunicorn", "python", "node")
    text = rendered(blueprint)["Dockerfile"].decode()
    assert not any(debug in text for debug in DEBUG_SERVERS)
    if argv[:2] == ["python", "main.py"]:
        assert "uvicorn.run(" in rendered(blueprint)["main.py"].decode()


@pytest.mark.parametrize("blueprint", BLUEPRINTS, ids=lambda b: b.name)
def test_health_check_tool_is_installed(blueprint: Blueprint) -> None:
    instructions = dockerfile(blueprint)
    installs = " ".join(args for op, args in instructions if op == "RUN" and "install" in args)
    assert re.search(r"apt-get install .*\bcurl\b", installs)
    [check] = [args for op, args in instructions if op == "HEALTHCHECK"]
    assert "curl" in check and "/ping" in check


@pytest.mark.parametrize("blueprint", BLUEPRINTS, ids=lambda b: b.name)
def test_dependencies_are_installed_before_the_source(blueprint: Blueprint) -> None:
    copies = [
        (index, args.split()[:-1])
        for index, (op, args) in enumerate(dockerfile(blueprint))
        if op == "COPY"
    ]
    manifest_steps = [i for i, sources in copies if set(sources) <= MANIFESTS]
    source_steps = [i for i, sources in copies if not set(sources) <= MANIFESTS]
    assert manifest_steps and source_steps
    assert max(manifest_steps) < min(source_steps)


@pytest.mark.parametrize("blueprint", BLUEPRINTS, ids=lambda b: b.name)
def test_dependencies_are_pinned(blueprint: Blueprint) -> None:
    files = rendered(blueprint)
    if "requirements.txt" in files:
        lines = [
            line.strip()
            for line in files["requirements.txt"].decode().splitlines()
            if line.strip() and not line.startswith("#")
        ]
        pinned = r"[a-z0-9_.-]+(\[[a-z0-9_,-]+\])?==[0-9][\w.]*"  # extras allowed: psycopg[binary]
        assert lines and all(re.fullmatch(pinned, ln) for ln in lines)
    else:
        declared = json.loads(files["package.json"])["dependencies"]
        locked = json.loads(files["package-lock.json"])["packages"]
        for package, version in declared.items():
            assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{package} {version} not exact"
            assert locked[f"node_modules/{package}"]["version"] == version


@pytest.mark.parametrize("blueprint", BLUEPRINTS, ids=lambda b: b.name)
def test_dockerignore_keeps_local_state_out(blueprint: Blueprint) -> None:
    ignored = rendered(blueprint)[".dockerignore"].decode().split()
    assert {".git", "tinystack.yaml", "build.yml", "release.yml", "out"} <= set(ignored)
    assert ("node_modules" if blueprint.name == "express" else "__pycache__") in ignored


@pytest.mark.parametrize("blueprint", BLUEPRINTS, ids=lambda b: b.name)
def test_gitignore_keeps_compiled_output_and_deploy_settings_out(blueprint: Blueprint) -> None:
    ignored = rendered(blueprint)[".gitignore"].decode().splitlines()
    assert {"out/", ".tinystack/deploy.json"} <= set(ignored)


@pytest.mark.parametrize("blueprint", BLUEPRINTS, ids=lambda b: b.name)
def test_spec_names_the_schema_it_ships(blueprint: Blueprint) -> None:
    files = rendered(blueprint)
    first_line = files["tinystack.yaml"].decode().splitlines()[0]
    assert first_line == f"# yaml-language-server: $schema={SCHEMA_COPY}"
    assert json.loads(files[SCHEMA_COPY.as_posix()])["properties"]["name"]


@pytest.mark.parametrize("blueprint", BLUEPRINTS, ids=lambda b: b.name)
def test_rendering_is_complete_and_deterministic(blueprint: Blueprint) -> None:
    files = rendered(blueprint)
    assert files == rendered(blueprint)
    paths = [PurePosixPath(p) for p in files]
    assert not [p for p in paths if p.suffix in (".j2", ".pyc") or p.name == "blueprint.json"]
    assert not [p for p in paths if {"node_modules", "__pycache__"} & set(p.parts)]
    assert {"Dockerfile", ".dockerignore", "README.md", "tinystack.yaml"} <= set(files)
    readme = files["README.md"].decode()
    assert "# demo-api" in readme and "{{" not in readme
