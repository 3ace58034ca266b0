"""compiler/ imports flow one way: the edges between its parts are the ones drawn here.

The imports are read from the source (ast), not by importing it, so a lazy import inside a
function counts as much as one at the top. A part is a top-level module or package of
compiler/ (`compiler.cfn.pipeline.stack` belongs to `cfn`). A new part, or a new edge
between two parts, fails here until it is added to ALLOWED on purpose.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "compiler"
BASE = {"diagnostics", "data", "shipped"}  # below everything

# part -> the parts it may import (besides itself and compiler/__init__.py's version)
ALLOWED: dict[str, set[str]] = {
    "shipped": set(),
    "diagnostics": set(),
    "data": {"shipped"},
    "template_yaml": set(),  # CloudFormation's YAML dialect, written by cfn and read by deploy
    "spec": BASE,
    "ir": BASE | {"spec"},
    # the backends read the IR, never the spec; cfn embeds the rendered buildspecs
    # (pipeline.buildspecs: inline)
    "buildspecs": BASE | {"ir"},
    "cfn": BASE | {"ir", "buildspecs", "template_yaml"},
    "cost": BASE | {"ir"},
    # the diagram reads the IR (and the cost model for the estimate per stage), never cfn
    "graph": BASE | {"ir", "cost"},
    "writer": BASE,
    # many specs at once: the front end, then compile's functions (lazily, for `validate`)
    "batch": BASE | {"spec", "ir", "compile", "writer"},
    "template_lint": BASE | {"writer"},  # cfn-lint over a compiled folder
    "blueprints": BASE,
    "compile": BASE | {"spec", "ir", "cfn", "cost", "buildspecs", "graph", "writer"},
    # deploy reads a compiled out/ folder: never the spec, the IR or the templates' builders
    "deploy": BASE | {"writer", "compile", "template_yaml"},
    # the CLI's commands sit on top of everything
    "commands": BASE
    | {"spec", "ir", "cfn", "cost", "buildspecs", "graph", "writer"}
    | {"compile", "deploy", "blueprints", "batch", "template_lint"},
    # the command registry names commands' modules as strings; usage errors are diagnostics
    "cli": {"diagnostics"},
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(path: Path) -> Iterator[tuple[str, int]]:
    """(module, line) of every compiler module `path` imports (ruff bans relative imports)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        for name in names:
            if name == "compiler" or name.startswith("compiler."):
                yield name, node.lineno


def part(module: str) -> str:
    """The top-level part of compiler/ a module belongs to ('' for compiler/__init__.py)."""
    return module.split(".")[1] if module.count(".") else ""


def edges() -> dict[tuple[str, str], str]:
    """(importing part, imported part) -> one place that makes the edge, as FILE:LINE."""
    found: dict[tuple[str, str], str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        source = part(_module_name(path))
        for name, line in _imported(path):
            target = part(name)
            if target not in ("", source) and name != "compiler.__version__":
                found.setdefault((source, target), f"{path.relative_to(PACKAGE.parent)}:{line}")
    return found


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of `graph` as a path of nodes, or [] when there is none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_every_part_of_compiler_is_in_the_graph() -> None:
    parts = {part(_module_name(p)) for p in PACKAGE.rglob("*.py")} - {""}
    assert parts == ALLOWED.keys(), "add the new part to ALLOWED with the parts it may import"


def test_every_import_edge_is_one_the_graph_allows() -> None:
    forbidden = [
        f"{where}: {source} -> {target}"
        for (source, target), where in sorted(edges().items())
        if target not in ALLOWED.get(source, set())
    ]
    assert forbidden == [], "imports against the intended graph:\n" + "\n".join(forbidden)


def test_the_intended_graph_has_no_cycle() -> None:
    assert _cycle(ALLOWED) == []


def test_no_import_cycle_between_the_sub_packages_of_a_package() -> None:
    """Inside compiler/cfn (and every other package) sibling sub-packages import one way."""
    graph: dict[str, set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        source = _module_name(path)
        for name, _ in _imported(path):
            common = _common_package(source, name)
            a, b = _child(source, common), _child(name, common)
            if a and b and a != b and _is_package(a) and _is_package(b):
                graph[a].add(b)
    assert _cycle(graph) == []


def _common_package(a: str, b: str) -> str:
    shared = []
    for x, y in zip(a.split(".")[:-1], b.split(".")[:-1], strict=False):
        if x != y:
            break
        shared.append(x)
    return ".".join(shared)


def _child(module: str, package: str) -> str:
    rest = module[len(package) + 1 :].split(".") if module.startswith(f"{package}.") else []
    return f"{package}.{rest[0]}" if rest else ""


def _is_package(module: str) -> bool:
    return (PACKAGE.parent / module.replace(".", "/")).is_dir()


def test_the_walk_sees_imports_inside_functions_and_finds_cycles() -> None:
    lazy = {name for name, _ in _imported(PACKAGE / "compile.py")}
    assert "compiler.cost.choice.settle_auto_endpoints" in lazy  # imported inside a function
    assert ("compile", "cost") in edges()
    assert _cycle({"a": {"b"}, "b": {"c", "d"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": set()}) == []
