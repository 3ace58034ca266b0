"""Logical IDs and template file names, derived only from IR names.

A logical ID that changes between releases replaces a live resource, so every ID
is built here from stable parts and frozen by the golden tests.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z0-9]+")


def logical_id(*parts: str) -> str:
    """CamelCase alphanumeric ID from parts: ('stage', 'prod') -> 'StageProd'."""
    words = [w for part in parts for w in _WORD.findall(part)]
    return "".join(w[:1].upper() + w[1:] for w in words)


def stage_file_stem(kind: str, stage: str) -> str:
    """File stem of a per-stage template: ('cluster', 'dev') -> 'cluster-dev'."""
    return f"{kind}-{stage}"


def template_file(stem: str, ext: str) -> str:
    """The file name a nested stack template is written to, e.g. 'network.yaml'."""
    return f"{stem}.{ext}"
