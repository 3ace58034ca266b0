"""AWS naming rules of the resources tinystack emits, and CloudFormation's generated names.

compiler/data/naming_rules.json holds, per resource type and name property, the length,
characters and reserved prefixes/suffixes AWS accepts, each rule with its source. Read it
with `naming_rules()` / `rules_for(type)`; `name_problems(rule, name)` says what is wrong
with a name. `generated_name` and `nested_stack_name` model the names CloudFormation makes
up where a template sets none (the table's `generated_names.model`), so a check can ask
whether every stack name yields a valid one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

STACK_NAME_LIMIT = 128  # CloudFormation stack names, nested ones included


@dataclass(frozen=True)
class NamingRule:
    """What AWS accepts as one resource type's name (at one property)."""

    resource_type: str
    property: str  # "BucketName", or "Policies[].PolicyName" inside each list item
    derived: bool  # CloudFormation generates the name when the template sets none
    min_length: int
    max_length: int | None  # None: no limit is documented
    pattern: str  # matches the whole of a valid name
    reserved_prefixes: tuple[str, ...]
    reserved_suffixes: tuple[str, ...]
    lowercase: bool
    source: str


def _read() -> dict[str, Any]:
    path = resources.files("compiler").joinpath("data/naming_rules.json")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@cache
def naming_table() -> Mapping[str, Any]:
    """The raw table (source, retrieved, generated_names, rules)."""
    return MappingProxyType(_read())


@cache
def naming_rules() -> Mapping[tuple[str, str], NamingRule]:
    """(resource type, property) -> its rule."""
    rules = (
        NamingRule(
            resource_type=raw["resource_type"],
            property=raw["property"],
            derived=bool(raw["derived"]),
            min_length=int(raw["min_length"]),
            max_length=raw["max_length"],
            pattern=raw["pattern"],
            reserved_prefixes=tuple(raw["reserved_prefixes"]),
            reserved_suffixes=tuple(raw["reserved_suffixes"]),
            lowercase=bool(raw["lowercase"]),
            source=raw["source"],
        )
        for raw in naming_table()["rules"]
    )
    return MappingProxyType({(rule.resource_type, rule.property): rule for rule in rules})


def rules_for(resource_type: str) -> tuple[NamingRule, ...]:
    """Every naming rule of one resource type (empty for a type without a name)."""
    return tuple(rule for (kind, _), rule in naming_rules().items() if kind == resource_type)


def name_problems(rule: NamingRule, name: str) -> list[str]:
    """What is wrong with `name` for `rule`, as phrases ("is 70 characters; at most 64")."""
    problems = []
    if rule.max_length is not None and len(name) > rule.max_length:
        problems.append(f"is {len(name)} characters; at most {rule.max_length}")
    if len(name) < rule.min_length:
        problems.append(f"is {len(name)} characters; at least {rule.min_length}")
    if not re.fullmatch(rule.pattern.removeprefix("^").removesuffix("$"), name):
        problems.append(f"does not match {rule.pattern}")
    folded = name.lower()
    problems += [f"begins with '{p}'" for p in rule.reserved_prefixes if folded.startswith(p)]
    problems += [f"ends with '{s}'" for s in rule.reserved_suffixes if folded.endswith(s)]
    return problems


def _suffix_length() -> int:
    return int(naming_table()["generated_names"]["suffix_length"])


def generated_name(rule: NamingRule, stack_name: str, logical_id: str, random: str) -> str:
    """The name CloudFormation gives a resource the template does not name (a model).

    `<stack>-<logical ID>-<random>`, the stack's characters first, cut to the limit;
    lowercased for lowercase-only services.
    """
    tail = f"-{random[: _suffix_length()]}"
    head = f"{stack_name}-{logical_id}"
    if rule.max_length is not None:
        head = head[: max(rule.max_length - len(tail), 1)]
    name = head + tail
    return name.lower() if rule.lowercase else name


def nested_stack_name(parent: str, logical_id: str, random: str) -> str:
    """The name CloudFormation gives a nested stack: `<parent>-<logical ID>-<random>`."""
    tail = f"-{random[: _suffix_length()]}"
    return f"{parent}-{logical_id}"[: STACK_NAME_LIMIT - len(tail)] + tail
