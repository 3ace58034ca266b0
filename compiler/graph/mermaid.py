"""ArchitectureGraph -> Mermaid flowchart text (architecture.mmd): GitHub, GitLab and most
Markdown viewers draw it in a ```mermaid block, next to the templates."""

from __future__ import annotations

import json

from compiler.graph.kinds import KINDS
from compiler.graph.model import ArchitectureGraph, Component, Group

# Mermaid's own escapes inside a quoted label (https://mermaid.js.org/syntax/flowchart.html,
# "Entity codes to escape characters"); `<` and `>` would be read as HTML.
_ESCAPES = str.maketrans({'"': "#quot;", "<": "#lt;", ">": "#gt;"})
_SHAPES = {"cylinder": ('[("', '")]'), "oval": ('(["', '"])'), "diamond": ('{"', '"}')}


def _text(text: str) -> str:
    return text.translate(_ESCAPES)


def render_mermaid(graph: ArchitectureGraph) -> str:
    """The graph as a Mermaid flowchart: groups as subgraphs, flows as labelled links."""
    lines = ["---", f"title: {json.dumps(graph.title, ensure_ascii=False)}", "---", "flowchart LR"]
    lines += [_node(c, "  ") for c in graph.components]
    for group in graph.groups:
        lines += _subgraph(group, "  ")
    lines += [f'  {f.source} -->|"{_text(f.label)}"| {f.target}' for f in graph.flows]
    return "\n".join(lines) + "\n"


def _node(component: Component, indent: str) -> str:
    opening, closing = _SHAPES.get(KINDS[component.kind].shape, ('["', '"]'))
    label = "<br/>".join(_text(line) for line in component.label)
    return f"{indent}{component.id}{opening}{label}{closing}"


def _subgraph(group: Group, indent: str) -> list[str]:
    inner = indent + "  "
    lines = [f'{indent}subgraph {group.id}["{_text(group.label)}"]']
    lines += [_node(c, inner) for c in group.components]
    for sub in group.groups:
        lines += _subgraph(sub, inner)
    return [*lines, f"{indent}end"]
