"""`tsc graph` pictures as a reader gets them: a well-formed SVG naming every component
with the spec's decisions, the right front door only, a PNG an image library opens, and
Mermaid text with one node per component and every flow."""

from __future__ import annotations

import base64
import importlib.util
import io
import re
import struct
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from graph_specs import (
    EC2_COMPONENTS,
    EC2_DECISIONS,
    EC2_FLOWS,
    FARGATE_COMPONENTS,
    FARGATE_DECISIONS,
    FARGATE_FLOWS,
)
from PIL import Image

from compiler.cli import main

SVG = "{http://www.w3.org/2000/svg}"
CASES = {
    "ec2": (EC2_COMPONENTS, EC2_FLOWS, EC2_DECISIONS),
    "fargate": (FARGATE_COMPONENTS, FARGATE_FLOWS, FARGATE_DECISIONS),
}


def _nodes(svg: bytes) -> dict[str, str]:
    """Graphviz node id -> the text drawn under its icon."""
    root = ET.fromstring(svg)  # raises on a malformed document
    nodes = {}
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "node":
            title = group.findtext(f"{SVG}title") or ""
            nodes[title] = "\n".join(t.text or "" for t in group.iter(f"{SVG}text"))
    return nodes


def _icon(relative: str) -> bytes:
    """The base64 of one of the diagrams package's AWS icons, as an SVG inlines it."""
    spec = importlib.util.find_spec("diagrams")
    assert spec is not None and spec.origin is not None
    icon = Path(spec.origin).parent.parent / "resources" / relative
    return base64.b64encode(icon.read_bytes())


@pytest.mark.parametrize("case", CASES)
def test_svg_is_well_formed_and_names_every_component(
    case: str, drawn: Callable[[str, str], bytes]
) -> None:
    components, _, decisions = CASES[case]
    svg = drawn(case, "svg")
    nodes = _nodes(svg)
    assert set(nodes) == components
    assert all(text.strip() for text in nodes.values()), "a component without a label"
    words = " ".join(t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text"))
    for decision in decisions:
        assert decision in words
    assert b'xlink:href="/' not in svg, "an icon linked to a local file, not inlined"


def test_the_alb_stack_has_no_api_gateway(drawn: Callable[[str, str], bytes]) -> None:
    svg = drawn("fargate", "svg")
    assert _icon("aws/network/elb-application-load-balancer.png") in svg
    assert _icon("aws/network/api-gateway.png") not in svg
    words = " ".join(_nodes(svg).values())
    assert "HTTP API" not in words and "VPC link" not in words and "Cloud Map" not in words


def test_the_http_api_stack_has_no_load_balancer(drawn: Callable[[str, str], bytes]) -> None:
    svg = drawn("ec2", "svg")
    assert _icon("aws/network/api-gateway.png") in svg
    assert _icon("aws/network/elb-application-load-balancer.png") not in svg
    assert "Load Balancer" not in " ".join(_nodes(svg).values())


@pytest.mark.parametrize("case", CASES)
def test_png_is_an_image_that_opens(case: str, drawn: Callable[[str, str], bytes]) -> None:
    png = drawn(case, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    with Image.open(io.BytesIO(png)) as image:
        image.load()  # decodes every pixel: a truncated file fails here
        assert image.size == (width, height)
    assert width > 1000 and height > 1000  # a whole stack, not an error placeholder


_NODE = re.compile(r"^\s*(\w+)[\[({]")
_LINK = re.compile(r'^\s*(\w+) -->\|"([^"]*)"\| (\w+)$')


@pytest.mark.parametrize("case", CASES)
def test_mermaid_has_one_node_per_component_and_every_flow(
    case: str, spec_files: dict[str, Path]
) -> None:
    components, flows, _ = CASES[case]
    result = CliRunner().invoke(main, ["graph", str(spec_files[case]), "--format", "mermaid"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:4] == ["---", lines[1], "---", "flowchart LR"]
    nodes = [m.group(1) for line in lines if (m := _NODE.match(line))]
    links = {(m.group(1), m.group(2), m.group(3)) for line in lines if (m := _LINK.match(line))}
    assert sorted(nodes) == sorted(components)  # each exactly once
    assert flows <= links
    assert {end for link in links for end in (link[0], link[2])} <= components
