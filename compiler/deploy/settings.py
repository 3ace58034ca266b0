"""Where a project was last deployed: `.tinystack/deploy.json`, next to the spec.

`tsc deploy SPEC` writes it once the change set is made; `diff`, `destroy` and the day-2
commands (`status`, `logs`, `push`, ...) read it, so they need no flags. One entry per
spec file (a folder may hold several):

    {"version": 1, "specs": {"tinystack.yaml": {"region": "eu-west-1",
      "bucket": "tinystack-templates-123456789012-eu-west-1", "prefix": "tinystack",
      "stack_name": "crud-api"}}}

A flag always wins over it, and it wins over AWS_REGION/AWS_DEFAULT_REGION (set once for
every project in a shell profile, whereas this file remembers this project). It holds no
credentials and no profile. `tsc init` lists it in .gitignore: it names an account's bucket.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from compiler.deploy.errors import DeployError

FOLDER = ".tinystack"
FILE = "deploy.json"
VERSION = 1


@dataclass(frozen=True)
class Remembered:
    """The settings of a spec's last deploy (empty strings: not known)."""

    region: str = ""
    bucket: str = ""
    prefix: str = ""
    stack_name: str = ""


def settings_path(spec: Path) -> Path:
    """The settings file of the project `spec` belongs to."""
    return spec.parent / FOLDER / FILE


def _entries(path: Path) -> dict[str, dict[str, str]]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise DeployError(f"cannot read {path} ({exc}); delete it, or fix it by hand") from exc
    specs = doc.get("specs") if isinstance(doc, dict) else None
    if not isinstance(specs, dict):
        raise DeployError(f"{path} is not a tinystack settings file; delete it")
    return {str(k): v for k, v in specs.items() if isinstance(v, dict)}


def read_settings(spec: Path) -> Remembered | None:
    """What the last deploy of `spec` used, or None when it was never deployed from here."""
    entry = _entries(settings_path(spec)).get(spec.name)
    if entry is None:
        return None
    known = {f.name for f in fields(Remembered)}
    return Remembered(**{k: str(v) for k, v in entry.items() if k in known})


def remember(spec: Path, settings: Remembered) -> Path:
    """Record `settings` as the last deploy of `spec` (atomically); the file's path."""
    path = settings_path(spec)
    entries = _entries(path)
    entries[spec.name] = asdict(settings)
    text = json.dumps({"version": VERSION, "specs": entries}, indent=2, sort_keys=True) + "\n"
    staged = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, staged = tempfile.mkstemp(prefix=f".{FILE}.", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(staged, path)
        staged = None
    except OSError as exc:
        raise DeployError(f"cannot write {path}: {exc.strerror or exc}") from exc
    finally:
        if staged is not None:
            Path(staged).unlink(missing_ok=True)
    return path
