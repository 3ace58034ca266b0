"""Where the data folders shipped with the package live (schemas, buildspecs, blueprints).

In a wheel they sit inside the package under `_shipped/`; in a source checkout
(editable install, tests) they are the top-level folders of the repository.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

ShippedFolder = Literal["schemas", "buildspecs", "blueprints"]

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def shipped_dir(folder: ShippedFolder) -> Path:
    """The directory holding one of the shipped data folders."""
    inside = _PACKAGE_DIR / "_shipped" / folder
    if inside.is_dir():
        return inside
    return _PACKAGE_DIR.parent / folder
