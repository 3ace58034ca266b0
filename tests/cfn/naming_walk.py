"""Every physical name of a compiled stack as AWS would meet it, for a given root stack name.

From root.yaml down through each nested stack (named as CloudFormation names them), every
resource the naming table knows yields its name: the value the template sets, evaluated
with the stack's pseudo parameters, or the name CloudFormation would generate
(compiler.data.naming's model). A value built from something only known at deploy time
(another resource, a parameter) is reported as unresolved, so no name escapes unchecked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from compiler.data.naming import NamingRule, generated_name, nested_stack_name, rules_for
from compiler.template_yaml import load_template

RANDOM = "ABCDEFGHJKMNP"  # what CloudFormation's random part looks like
UUID = "1c2fa620-982a-11e3-aff7-50e2416294e0"  # a stack ID's UUID: a version-1 UUID
REGION, ACCOUNT = "us-east-1", "123456789012"
_URL = re.compile(r"\$\{TemplatePrefix\}(\S+)$")
_SUB_VAR = re.compile(r"\$\{([^}!]+)\}")


class Unresolved(Exception):
    """A name built from something only known at deploy time."""


@dataclass(frozen=True)
class PhysicalName:
    file: str
    stack_name: str
    logical_id: str
    rule: NamingRule
    name: str  # "" when `unresolved`
    generated: bool
    unresolved: str = ""


def _pseudo(stack_name: str) -> dict[str, str]:
    return {
        "AWS::StackName": stack_name,
        "AWS::StackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/{stack_name}/{UUID}",
        "AWS::Region": REGION,
        "AWS::AccountId": ACCOUNT,
        "AWS::Partition": "aws",
        "AWS::URLSuffix": "amazonaws.com",
    }


def evaluate(value: Any, pseudo: Mapping[str, str]) -> Any:
    """A template value with pseudo parameters and string functions worked out."""
    if isinstance(value, (str, int)):
        return value
    if isinstance(value, list):
        return [evaluate(v, pseudo) for v in value]
    if not isinstance(value, dict) or len(value) != 1:
        raise Unresolved(repr(value))
    ((function, arg),) = value.items()
    if function == "Ref" and arg in pseudo:
        return pseudo[arg]
    if function == "Fn::Join":
        return arg[0].join(str(v) for v in evaluate(arg[1], pseudo))
    if function == "Fn::Split":
        return str(evaluate(arg[1], pseudo)).split(arg[0])
    if function == "Fn::Select":
        return evaluate(arg[1], pseudo)[int(arg[0])]
    if function == "Fn::Sub":
        text, own = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
        names = {**pseudo, **{k: evaluate(v, pseudo) for k, v in own.items()}}
        missing = [v for v in _SUB_VAR.findall(text) if v not in names]
        if missing:
            raise Unresolved(f"${{{missing[0]}}}")
        return _SUB_VAR.sub(lambda m: str(names[m.group(1)]), text)
    raise Unresolved(function)


def _values(body: Mapping[str, Any], path: str) -> list[Any]:
    """The value(s) at a rule's property path ('A' or 'List[].Key'), [] when absent."""
    head, _, rest = path.partition("[].")
    value = body.get(head)
    if value is None:
        return []
    if not rest:
        return [value]
    return [item[rest] for item in value if isinstance(item, dict) and rest in item]


def _names(
    file: str, stack: str, logical_id: str, body: Mapping[str, Any]
) -> Iterator[PhysicalName]:
    props = body.get("Properties") or {}
    for rule in rules_for(body["Type"]):
        values = _values(props, rule.property)
        if not values and rule.derived:
            name = generated_name(rule, stack, logical_id, RANDOM)
            yield PhysicalName(file, stack, logical_id, rule, name, generated=True)
        for value in values:
            try:
                name = str(evaluate(value, _pseudo(stack)))
            except Unresolved as exc:
                yield PhysicalName(file, stack, logical_id, rule, "", False, str(exc))
                continue
            yield PhysicalName(file, stack, logical_id, rule, name, generated=False)


def physical_names(files: Mapping[str, str], root_stack: str) -> Iterator[PhysicalName]:
    """Every name of the compiled `files` (out/<name>/) deployed as stack `root_stack`."""
    todo = [("root.yaml", root_stack)]
    while todo:
        file, stack = todo.pop()
        names, children = _template_names(file, files[file], stack)
        yield from names
        todo += children


@cache
def _parsed(text: str) -> dict[str, Any]:
    data: dict[str, Any] = load_template(text)
    return data


@cache
def _template_names(
    file: str, text: str, stack: str
) -> tuple[tuple[PhysicalName, ...], tuple[tuple[str, str], ...]]:
    """The names one template yields as stack `stack`, and its children (file, stack name)."""
    names: list[PhysicalName] = []
    children = []
    for logical_id, body in sorted(_parsed(text)["Resources"].items()):
        if body["Type"] == "AWS::CloudFormation::Stack":
            match = _URL.search(body["Properties"]["TemplateURL"]["Fn::Sub"])
            assert match, logical_id
            children.append((match.group(1), nested_stack_name(stack, logical_id, RANDOM)))
        names += _names(file, stack, logical_id, body)
    return tuple(names), tuple(children)


def resource_types(files: Mapping[str, str]) -> set[str]:
    """Every resource type the compiled templates declare."""
    return {
        body["Type"]
        for name, text in files.items()
        if name.endswith(".yaml")
        for body in _parsed(text)["Resources"].values()
    }
