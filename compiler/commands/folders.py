"""The `--out` option's type: a folder path that is not empty text.

click turns "" into Path("."), so `--out ""` (an unset shell variable, usually) would write
into the current folder; it is refused as a usage error instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click


class OutFolder(click.ParamType):  # type: ignore[type-arg]
    """A folder path given as non-empty text."""

    name = "folder"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        if isinstance(value, Path):
            return value
        if not str(value):
            self.fail("an empty path; name a folder, e.g. --out out", param, ctx)
        return Path(value)


OUT_FOLDER = OutFolder()
