"""Values the schema refused, kept out of the semantic checks' way.

So that one run reports every problem, the semantic checks run even when the schema found
some: each refused value (and each missing required key) is replaced by `BROKEN`, a value
that raises `BrokenValueRead` on any use (comparison, arithmetic, text, truth, lookup).
A check that needs it stops, and `compiler.spec.checks` skips that check for that stage
only; a check that never reads it reports as usual.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any, NoReturn

from compiler.spec.load import KeyPath


class BrokenValueRead(Exception):
    """A semantic check read a value the schema refused."""


class _Broken:
    """Stands for a refused value; every use of it raises BrokenValueRead."""

    __slots__ = ()

    def _refuse(self, *args: object, **kwargs: object) -> NoReturn:
        raise BrokenValueRead

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __hash__ = _refuse
    __bool__ = __len__ = __iter__ = __contains__ = __getitem__ = _refuse
    __str__ = __repr__ = __format__ = __int__ = __float__ = __index__ = _refuse
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _refuse
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __mod__ = __neg__ = _refuse
    __pow__ = __rpow__ = __round__ = __abs__ = __floor__ = __ceil__ = __divmod__ = _refuse

    def __getattr__(self, name: str) -> NoReturn:  # `.get(...)` on a refused mapping
        raise BrokenValueRead

    def __deepcopy__(self, memo: dict[int, object]) -> _Broken:
        return self


BROKEN: Any = _Broken()


def is_broken(value: object) -> bool:
    """True for the stand-in of a refused value."""
    return isinstance(value, _Broken)


def without_broken(data: Any, paths: Iterable[KeyPath]) -> Any:
    """A copy of `data` with the value at each path (present or not) replaced by BROKEN."""
    out = copy.deepcopy(data)
    for path in sorted(paths, key=len):
        if not path:
            return BROKEN
        parent = out
        for key in path[:-1]:
            parent = _child(parent, key)
        if isinstance(parent, dict) or _in_list(parent, path[-1]):
            parent[path[-1]] = BROKEN
    return out


def _in_list(value: Any, key: str | int) -> bool:
    return isinstance(value, list) and isinstance(key, int) and key < len(value)


def _child(value: Any, key: str | int) -> Any:
    if isinstance(value, dict):
        return value.get(key)
    return value[key] if _in_list(value, key) else None
