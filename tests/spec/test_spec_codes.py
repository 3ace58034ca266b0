"""The code table in compiler/spec/codes.py matches the codes the front end emits."""

from __future__ import annotations

import re
from pathlib import Path

import compiler.spec
from compiler.spec.codes import CODES


def test_code_table_lists_exactly_the_codes_in_use() -> None:
    root = Path(compiler.spec.__file__).parent
    used: set[str] = set()
    for path in root.rglob("*.py"):
        if path.name != "codes.py":
            used.update(re.findall(r'"(TS\d{3})"', path.read_text(encoding="utf-8")))
    assert used == set(CODES)
    assert list(CODES) == sorted(CODES)
