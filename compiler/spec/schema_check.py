"""The first layer of validation: schemas/tinystack.schema.json (JSON Schema 2020-12).

Each jsonschema error becomes a located, readable diagnostic: unknown keys point at the
key and suggest the closest allowed one, enum errors list the allowed values, range and
type errors say what was found. Codes TS101-TS199, declared below.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError

from compiler.diagnostics import Diagnostic, Rule, did_you_mean, error_rule, plural
from compiler.spec.language_schema import load_schema
from compiler.spec.load import KeyPath, LoadedSpec
from compiler.spec.patterns import matches
from compiler.spec.schema_index import key_homes
from compiler.spec.wording import listing, show

UNKNOWN_KEY = error_rule("TS101", "unknown key (with the closest allowed key)")
WRONG_TYPE = error_rule("TS102", "a value of the wrong type")
NOT_ALLOWED = error_rule("TS103", "a value outside the allowed set")
OUT_OF_RANGE = error_rule(
    "TS104", "a number out of range, or a string, list or mapping of the wrong size"
)
MISSING_KEY = error_rule("TS105", "a required key is missing")
NO_MATCH = error_rule("TS106", "a value or key name that does not match its pattern")
REPEATED_ITEM = error_rule("TS107", "a list that repeats an item")
OTHER = error_rule("TS199", "any other schema violation")

_TYPE_NAMES = {
    "integer": "a whole number",
    "number": "a number",
    "string": "a string",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
    "null": "nothing",
}
# YAML 1.1 booleans that tinystack reads as text (compiler.spec.scalars)
# YAML 1.2 core schema numbers (https://yaml.org/spec/1.2.2/#1032-tag-resolution)
_INTEGER = re.compile(r"[-+]?[0-9]+")
_NUMBER = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_YAML11_BOOLEANS = frozenset({"yes", "no", "on", "off", "y", "n", "Yes", "No", "On", "Off"})
# Extra guidance for a path, whatever the error there.
_PATH_HINTS: dict[KeyPath, str] = {
    ("version",): "This compiler reads version 1 of the tinystack language.",
    ("alarms", "monthly_budget"): "Give a number of USD, or auto (the estimate x 1.25).",
}
# Readable forms of the key-name patterns (propertyNames carry no description).
_KEY_PATTERN_HINTS = {
    "^[A-Za-z_][A-Za-z0-9_]*$": "Variable names are letters, digits and '_', not starting "
    "with a digit.",
    "^(?![aA][wW][sS]:)[A-Za-z0-9 _.:/=+@-]{1,127}$": "Tag keys are 1 to 127 letters, digits, "
    "spaces or _.:/=+@- and must not start with 'aws:' (in any case).",
}


def _whole_pattern(
    validator: Any, pattern: str, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    # JSON Schema's `$` ends the value; Python's would also accept a final newline.
    if validator.is_type(instance, "string") and not matches(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_Validator = validators.extend(Draft202012Validator, {"pattern": _whole_pattern})


@cache
def validator() -> Any:
    """The compiled validator of the shipped schema (Draft 2020-12, ECMA-262 anchors)."""
    return _Validator(load_schema())


def check_schema(loaded: LoadedSpec) -> tuple[list[Diagnostic], set[KeyPath]]:
    """Every schema violation of the document, located, in file order; and the paths of
    the values they refuse (a missing required key's too), for `compiler.spec.broken`."""
    found: set[Diagnostic] = set()
    refused: set[KeyPath] = set()
    for error in validator().iter_errors(loaded.data):
        translate = _TRANSLATORS.get(str(error.validator), _other)
        found.update(translate(error, loaded))
        refused.update(_refused(error))
    return sorted(found), refused


def _refused(error: ValidationError) -> list[KeyPath]:
    path = _path(error)
    if error.validator == "additionalProperties":
        return []  # unknown keys are dropped before the semantic checks
    if error.validator == "required":
        return [(*path, key) for key in error.validator_value if key not in error.instance]
    if "propertyNames" in error.relative_schema_path:  # a bad key: its value goes with it
        return [(*path, str(error.instance))]
    return [path]


def _path(error: ValidationError) -> KeyPath:
    return tuple(error.absolute_path)


def _hint(path: KeyPath, hint: str = "") -> str:
    return _PATH_HINTS.get(path, hint)


def _at_value(error: ValidationError, loaded: LoadedSpec, message: str, hint: str = "",
              rule: Rule = OTHER) -> list[Diagnostic]:  # fmt: skip
    path = _path(error)
    return [loaded.diagnostic(path, rule, message, _hint(path, hint), at_value=True)]


def _unknown_keys(error: ValidationError, loaded: LoadedSpec) -> list[Diagnostic]:
    allowed = sorted(error.schema.get("properties", {}))
    instance: Mapping[str, Any] = error.instance
    out = []
    for key in instance:
        if key in allowed:
            continue
        path = (*_path(error), key)
        hint = did_you_mean(key, allowed) or f"{_elsewhere(key)}Allowed here: {', '.join(allowed)}."
        out.append(loaded.diagnostic(path, UNKNOWN_KEY, f"unknown key '{key}'", hint))
    return out


def _elsewhere(key: str) -> str:
    homes = key_homes().get(key, ())
    if len(homes) != 1:
        return ""
    return f"'{key}' belongs under '{homes[0]}'. " if homes[0] else f"'{key}' is a top-level key. "


def _missing_keys(error: ValidationError, loaded: LoadedSpec) -> list[Diagnostic]:
    instance: Mapping[str, Any] = error.instance
    out = []
    for key in error.validator_value:
        if key not in instance:
            path = (*_path(error), key)
            hint = error.schema.get("properties", {}).get(key, {}).get("description", "")
            out.append(loaded.diagnostic(path, MISSING_KEY, f"missing required key '{key}'",
                                         _hint(path, hint)))  # fmt: skip
    return out


def _wrong_type(error: ValidationError, loaded: LoadedSpec) -> list[Diagnostic]:
    expected = error.validator_value
    names = [expected] if isinstance(expected, str) else list(expected)
    wanted = " or ".join(_TYPE_NAMES.get(name, name) for name in names)
    value = error.instance
    hint = ""
    if "boolean" in names and isinstance(value, str) and value in _YAML11_BOOLEANS:
        hint = f"YAML 1.2 reads {show(value)} as text: write true or false."
    elif isinstance(value, str) and _reads_unquoted_as(value, names):
        hint = f"It is quoted, so YAML reads it as text: write {value} without quotes."
    elif "string" in names and isinstance(value, int | float):
        hint = f'Quote it: "{value if not isinstance(value, bool) else str(value).lower()}".'
    elif value is None:
        hint = "Give it a value or remove the key."
    return _at_value(error, loaded, f"expected {wanted}, found {show(value)}", hint, WRONG_TYPE)


def _reads_unquoted_as(text: str, names: list[str]) -> bool:
    """Whether `text`, written without quotes, would be one of the JSON types `names`."""
    if _INTEGER.fullmatch(text):
        return "integer" in names or "number" in names
    if _NUMBER.fullmatch(text):
        return "number" in names
    return text in ("true", "false") and "boolean" in names


def _not_allowed(error: ValidationError, loaded: LoadedSpec) -> list[Diagnostic]:
    allowed = list(error.validator_value)
    value = error.instance
    words = [str(a) for a in allowed]
    hint = did_you_mean(value, words) if isinstance(value, str) else ""
    message = f"{show(value)} is not allowed; allowed: {listing(allowed)}"
    return _at_value(error, loaded, message, hint, NOT_ALLOWED)


def _pattern(error: ValidationError, loaded: LoadedSpec) -> list[Diagnostic]:
    pattern = str(error.validator_value)
    if "propertyNames" in error.relative_schema_path:
        path = (*_path(error), str(error.instance))
        message = f"key {show(error.instance)} does not match the pattern '{pattern}'"
        hint = _KEY_PATTERN_HINTS.get(pattern, "")
        return [loaded.diagnostic(path, NO_MATCH, message, hint)]
    message = f"{show(error.instance)} does not match the pattern '{pattern}'"
    return _at_value(error, loaded, message, error.schema.get("description", ""), NO_MATCH)


# keyword -> how the bound reads in a message
_BOUNDS = {
    "minimum": "is less than the minimum, {bound}",
    "maximum": "is more than the maximum, {bound}",
    "exclusiveMinimum": "must be more than {bound}",
    "exclusiveMaximum": "must be less than {bound}",
}


def _range(error: ValidationError, loaded: LoadedSpec) -> list[Diagnostic]:
    phrase = _BOUNDS[str(error.validator)].format(bound=error.validator_value)
    return _at_value(error, loaded, f"{show(error.instance)} {phrase}", "", OUT_OF_RANGE)


# keyword -> (what is counted, "at least"/"at most")
_SIZES = {
    "minLength": ("character", "at least"),
    "maxLength": ("character", "at most"),
    "minItems": ("item", "at least"),
    "maxItems": ("item", "at most"),
    "minProperties": ("key", "at least"),
    "maxProperties": ("key", "at most"),
}


def _size(error: ValidationError, loaded: LoadedSpec) -> list[Diagnostic]:
    unit, side = _SIZES[str(error.validator)]
    count, bound = len(error.instance), int(error.validator_value)
    message = f"has {plural(count, unit)}; {side} {plural(bound, unit)} allowed"
    if count == 0 and side == "at least":
        message = f"is empty; at least {plural(bound, unit)} needed"
    return _at_value(error, loaded, message, "", OUT_OF_RANGE)


def _unique(error: ValidationError, loaded: LoadedSpec) -> list[Diagnostic]:
    items: list[Any] = error.instance
    for index, item in enumerate(items):
        if item in items[:index]:
            path = (*_path(error), index)
            message = f"{show(item)} appears more than once"
            return [
                loaded.diagnostic(path, REPEATED_ITEM, message, "Remove the repeat.", at_value=True)
            ]
    return _other(error, loaded)


def _other(error: ValidationError, loaded: LoadedSpec) -> list[Diagnostic]:
    return _at_value(error, loaded, error.message)


_TRANSLATORS: dict[str, Callable[[ValidationError, LoadedSpec], list[Diagnostic]]] = {
    "additionalProperties": _unknown_keys,
    "required": _missing_keys,
    "type": _wrong_type,
    "enum": _not_allowed,
    "pattern": _pattern,
    **{keyword: _range for keyword in _BOUNDS},
    **{keyword: _size for keyword in _SIZES},
    "uniqueItems": _unique,
}
