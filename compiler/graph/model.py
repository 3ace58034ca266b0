"""The diagram as data: components (nodes), groups (clusters) and flows (edges).

Renderers (dot, mermaid, icons) read only these types, so every picture of a stack,
whatever its format, shows the same components, labels and edges.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# What a component is; compiler/graph/kinds.py gives each its icon and plain shape.
Kind = Literal[
    "clients",
    "github",
    "gitlab",
    "bitbucket",
    "bucket",
    "function",
    "pipeline",
    "codebuild",
    "approval",
    "registry",
    "domain",
    "domain-alias",
    "http-api",
    "vpc-link",
    "cloud-map",
    "alb",
    "ecs-cluster",
    "capacity-provider",
    "auto-scaling-group",
    "fargate",
    "service",
    "alarm",
    "app-autoscaling",
    "topic",
    "public-subnet",
    "private-subnet",
    "nat-gateway",
    "nat-instance",
    "internet-gateway",
    "table",
    "database",
    "cache",
]


@dataclass(frozen=True)
class Component:
    """One box of the picture: `label` lines, the first saying what it is."""

    id: str
    kind: Kind
    label: tuple[str, ...]


@dataclass(frozen=True)
class Flow:
    """An edge: what flows from `source` to `target`. A `feedback` flow closes a loop
    (autoscaling back to the service) and does not push its target along the layout."""

    source: str
    target: str
    label: str
    feedback: bool = False


@dataclass(frozen=True)
class Group:
    """A cluster around components and nested groups (a stage, the VPC, a zone)."""

    id: str
    label: str
    components: tuple[Component, ...] = ()
    groups: tuple[Group, ...] = ()


@dataclass(frozen=True)
class ArchitectureGraph:
    """The whole picture: a title, top-level components and groups, and the flows."""

    title: str
    components: tuple[Component, ...]
    groups: tuple[Group, ...]
    flows: tuple[Flow, ...]


# What a builder of part of the picture returns: its components and the flows they start.
Parts = tuple[tuple[Component, ...], tuple[Flow, ...]]
