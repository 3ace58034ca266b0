"""The IR read back from its JSON (`ir.<hash>.json`, as `ir_json` wrote it): what a deployed
stack was compiled from, so `tsc diff` can price it against the new compile.

Each dataclass is rebuilt from its type hints: lists become tuples, nested mappings their
dataclasses. A field the JSON lacks takes the field's default (an IR from an older
tinystack); a field it lacks that has no default, a value of the wrong type, or another
`ir_version` is an `IrReadError` (the deployed IR cannot be priced).
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from functools import cache
from typing import Any, Literal, Union

from compiler.ir import model
from compiler.ir.model import IR_VERSION, StackIR


class IrReadError(ValueError):
    """An IR file this tinystack cannot read; the message is one line."""


def ir_from_json(text: str) -> StackIR:
    """The StackIR a JSON text holds."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise IrReadError(f"not JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("ir_version") != IR_VERSION:
        found = data.get("ir_version") if isinstance(data, dict) else None
        raise IrReadError(f"IR version {found!r}; this tinystack reads version {IR_VERSION}")
    result = _value(StackIR, data, "ir")
    assert isinstance(result, StackIR)
    return result


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(model))


def _value(kind: Any, data: Any, where: str) -> Any:
    origin = typing.get_origin(kind)
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        return _dataclass(kind, data, where)
    if origin in (Union, types.UnionType):
        return _union(typing.get_args(kind), data, where)
    if origin is tuple:
        return _tuple(typing.get_args(kind), data, where)
    if origin is Literal:
        if data not in typing.get_args(kind):
            raise IrReadError(f"{where}: {data!r} is not one of {typing.get_args(kind)}")
        return data
    return _scalar(kind, data, where)


def _dataclass(kind: type, data: Any, where: str) -> Any:
    if not isinstance(data, dict):
        raise IrReadError(f"{where}: expected a mapping")
    values = {}
    for field in dataclasses.fields(kind):
        if field.name in data:
            values[field.name] = _value(_hints(kind)[field.name], data[field.name], field.name)
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            raise IrReadError(f"{where}: no '{field.name}'")
    return kind(**values)


def _union(options: tuple[Any, ...], data: Any, where: str) -> Any:
    for option in options:
        try:
            return _value(option, data, where)
        except IrReadError:
            continue
    raise IrReadError(f"{where}: {data!r} fits none of its types")


def _tuple(args: tuple[Any, ...], data: Any, where: str) -> tuple[Any, ...]:
    if not isinstance(data, list):
        raise IrReadError(f"{where}: expected a list")
    if len(args) == 2 and args[1] is Ellipsis:
        return tuple(_value(args[0], item, where) for item in data)
    if len(args) != len(data):
        raise IrReadError(f"{where}: expected {len(args)} items")
    return tuple(_value(arg, item, where) for arg, item in zip(args, data, strict=True))


def _scalar(kind: Any, data: Any, where: str) -> Any:
    if kind is type(None):
        if data is not None:
            raise IrReadError(f"{where}: expected null")
        return None
    if kind is float and isinstance(data, int | float) and not isinstance(data, bool):
        return float(data)
    if kind in (int, str, bool) and type(data) is kind:
        return data
    raise IrReadError(f"{where}: expected {getattr(kind, '__name__', kind)}, found {data!r}")
