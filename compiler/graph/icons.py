"""ArchitectureGraph -> PNG or SVG with the AWS architecture icons.

The `diagrams` package (the optional extra `tinystack[graph]`) ships the icons and builds
the Graphviz graph; Graphviz's `dot` (the OS package `graphviz`) lays it out. Both are
looked for before anything is drawn, and a missing one is a one-line `GraphError`. The
SVG carries its icons inline (data: URIs), so it shows the same on any machine.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import re
import shutil
import struct
import zlib
from pathlib import Path
from typing import Any

from compiler.graph.kinds import KINDS
from compiler.graph.model import ArchitectureGraph, Component, Group

INSTALL = "install Graphviz (apt-get install graphviz, or brew install graphviz)"
SOURCE_KEY = "tinystack-graph-sha256"  # PNG text chunk: which Graphviz input drew the image
GRAPH_ATTRS = {
    "splines": "spline",
    "ranksep": "1.4",
    "fontsize": "20",
    "labelloc": "t",
    "pad": "1.0",
    "newrank": "true",
}
NODE_ATTRS = {"fontsize": "12", "imagepos": "tc"}
EDGE_ATTRS = {"fontsize": "11"}


class GraphError(Exception):
    """The picture cannot be drawn; the message is one line for the user."""


def _diagrams() -> Any:
    if shutil.which("dot") is None:
        raise GraphError(f"png and svg need Graphviz's `dot` on PATH: {INSTALL}")
    try:
        return importlib.import_module("diagrams")
    except ImportError:
        raise GraphError(
            "png and svg need the diagrams package: pip install 'tinystack[graph]'"
        ) from None


def graphviz_source(graph: ArchitectureGraph) -> Any:
    """The graphviz.Digraph that diagrams builds for `graph` (icons as image paths)."""
    diagrams = _diagrams()
    diagram = diagrams.Diagram(
        graph.title, show=False, direction="LR",
        graph_attr=GRAPH_ATTRS, node_attr=NODE_ATTRS, edge_attr=EDGE_ATTRS,
    )  # fmt: skip
    diagrams.setdiagram(diagram)
    try:
        nodes = {c.id: _icon_node(c) for c in graph.components}
        for group in graph.groups:
            nodes |= _cluster(diagrams, group)
        for flow in graph.flows:
            constraint = {"constraint": "false"} if flow.feedback else {}
            edge = diagrams.Edge(forward=True, label=flow.label, **constraint)
            nodes[flow.source].connect(nodes[flow.target], edge)
    finally:
        diagrams.setdiagram(None)
    return diagram.dot


def _icon_node(component: Component) -> Any:
    module, _, name = KINDS[component.kind].icon.rpartition(".")
    node_class = getattr(importlib.import_module(f"diagrams.{module}"), name)
    return node_class("\n".join(component.label), nodeid=component.id)


def _cluster(diagrams: Any, group: Group) -> dict[str, Any]:
    with diagrams.Cluster(group.label):
        nodes = {c.id: _icon_node(c) for c in group.components}
        for sub in group.groups:
            nodes |= _cluster(diagrams, sub)
    return nodes


def source_digest(dot: Any) -> str:
    """sha256 of the Graphviz input with the icons' install folder left out: the same on
    every machine for the same picture (whatever Graphviz version lays it out)."""
    icons = str(Path(str(importlib.import_module("diagrams").__file__)).parent.parent)
    return hashlib.sha256(dot.source.replace(icons, "").encode()).hexdigest()


def render_picture(graph: ArchitectureGraph, fmt: str) -> bytes:
    """PNG or SVG bytes of `graph` drawn with the AWS icons."""
    dot = graphviz_source(graph)
    data: bytes = dot.pipe(format=fmt, quiet=True)
    if fmt == "svg":
        return _inline_icons(data)
    return _with_text_chunk(data, SOURCE_KEY, source_digest(dot))


_IMAGE_HREF = re.compile(rb'xlink:href="([^"]+\.png)"')


def _inline_icons(svg: bytes) -> bytes:
    def data_uri(match: re.Match[bytes]) -> bytes:
        encoded = base64.b64encode(Path(match.group(1).decode()).read_bytes())
        return b'xlink:href="data:image/png;base64,' + encoded + b'"'

    return _IMAGE_HREF.sub(data_uri, svg)


def _with_text_chunk(png: bytes, key: str, value: str) -> bytes:
    """`png` with a tEXt chunk right after IHDR (8-byte signature + 25-byte IHDR)."""
    body = key.encode("latin-1") + b"\0" + value.encode("latin-1")
    chunk = struct.pack(">I", len(body)) + b"tEXt" + body
    chunk += struct.pack(">I", zlib.crc32(b"tEXt" + body))
    return png[:33] + chunk + png[33:]


def png_text(png: bytes, key: str) -> str | None:
    """The value of a PNG tEXt chunk, or None."""
    at = 8
    while at + 8 <= len(png):
        length, kind = struct.unpack(">I4s", png[at : at + 8])
        body = png[at + 8 : at + 8 + length]
        if kind == b"tEXt" and body.split(b"\0", 1)[0] == key.encode("latin-1"):
            return body.split(b"\0", 1)[1].decode("latin-1")
        at += 12 + length
    return None
