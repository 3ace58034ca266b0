"""ArchitectureGraph -> Graphviz DOT text with plain shapes (no icons, no Graphviz needed
to write it): `tsc graph --format dot | dot -Tpng` draws it anywhere."""

from __future__ import annotations

from compiler.graph.kinds import KINDS
from compiler.graph.model import ArchitectureGraph, Component, Group

HEADER = (
    'graph [rankdir=LR, labelloc=t, fontname="Helvetica", fontsize=16, newrank=true];',
    'node [shape=box, style=rounded, fontname="Helvetica", fontsize=11];',
    'edge [fontname="Helvetica", fontsize=10, color="#495057"];',
)


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def quote(text: str) -> str:
    """A DOT double-quoted string; label lines are joined with DOT's own newline escape."""
    return f'"{_escaped(text)}"'


def render_dot(graph: ArchitectureGraph) -> str:
    """The graph as DOT text: groups as clusters, flows as labelled edges."""
    lines = [f"digraph {quote(graph.title)} {{", f"  label={quote(graph.title)};"]
    lines += [f"  {line}" for line in HEADER]
    lines += [_node(c, "  ") for c in graph.components]
    for group in graph.groups:
        lines += _cluster(group, "  ")
    lines += [
        f"  {quote(f.source)} -> {quote(f.target)} [label={quote(f.label)}"
        + (", constraint=false];" if f.feedback else "];")
        for f in graph.flows
    ]
    return "\n".join(lines) + "\n}\n"


def _label(component: Component) -> str:
    return "\\n".join(_escaped(line) for line in component.label)


def _node(component: Component, indent: str) -> str:
    shape = KINDS[component.kind].shape
    return f'{indent}{quote(component.id)} [label="{_label(component)}", shape={shape}];'


def _cluster(group: Group, indent: str) -> list[str]:
    inner = indent + "  "
    lines = [
        f"{indent}subgraph {quote('cluster_' + group.id)} {{",
        f"{inner}label={quote(group.label)}; labeljust=l; style=rounded;",
    ]
    lines += [_node(c, inner) for c in group.components]
    for sub in group.groups:
        lines += _cluster(sub, inner)
    return [*lines, f"{indent}}}"]
