"""CloudFormation's YAML: templates written and read with short-form intrinsic functions.

Writing: template data (mappings in the order to write them, lists, strings, numbers,
booleans) becomes YAML with `!Ref Vpc`, `!GetAtt Stage.Outputs.Url`, `!Sub ...` for every
function that has a short form. An intrinsic whose argument is itself one intrinsic keeps
its full name (`Fn::Base64: !Sub ...`): YAML gives a node one tag, so AWS rejects
`!Base64 !Sub`. An intrinsic's list argument holding no mapping and no multi-line string is
written inline (`!Equals [!Ref Az1, '']`). libyaml's emitter writes it; without libyaml,
PyYAML's own emitter, taught libyaml's one difference (a tagged scalar may be plain),
writes the same bytes.

Reading: `load_template` turns the short forms back into the long form, for `tsc deploy`
and the tests (CloudFormation and cfn-lint read short forms themselves).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml
from yaml.events import (
    DocumentEndEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.representer import SafeRepresenter
from yaml.resolver import Resolver

# full name -> short form, as the AWS intrinsic function reference lists them
SHORT_FORMS: dict[str, str] = {
    "Ref": "!Ref", "Condition": "!Condition", "Fn::And": "!And", "Fn::Base64": "!Base64",
    "Fn::Cidr": "!Cidr", "Fn::Equals": "!Equals", "Fn::FindInMap": "!FindInMap",
    "Fn::GetAtt": "!GetAtt", "Fn::GetAZs": "!GetAZs", "Fn::If": "!If",
    "Fn::ImportValue": "!ImportValue", "Fn::Join": "!Join", "Fn::Not": "!Not", "Fn::Or": "!Or",
    "Fn::Select": "!Select", "Fn::Split": "!Split", "Fn::Sub": "!Sub",
    "Fn::Transform": "!Transform",
}  # fmt: skip
WIDTH = 100
_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
# scalars other than strings as PyYAML writes them (its representer's own methods: calling
# them directly skips represent_data, which keeps every object it sees for aliases)
_REPRESENTER = SafeRepresenter()
_SCALARS = {
    bool: SafeRepresenter.represent_bool,
    int: SafeRepresenter.represent_int,
    float: SafeRepresenter.represent_float,
    type(None): SafeRepresenter.represent_none,
}
# first character -> (tag, pattern): how YAML reads a plain scalar that is not a string
_IMPLICIT: dict[str | None, list[tuple[str, Any]]] = Resolver.yaml_implicit_resolvers


class _PurePythonDumper(yaml.SafeDumper):
    """PyYAML's dumper choosing scalar styles as libyaml does, so both give the same bytes.

    The one difference: libyaml writes a tagged scalar plain where plain is allowed
    (`!Ref Vpc`); PyYAML quotes every scalar whose tag it has to write (`!Ref 'Vpc'`).
    """

    def choose_scalar_style(self) -> str:
        event = self.event
        assert isinstance(event, ScalarEvent)
        if any(event.implicit) or event.style or self.canonical:  # no tag to write
            return str(super().choose_scalar_style())
        if self.analysis is None:
            self.analysis = self.analyze_scalar(event.value)
        found = self.analysis
        plain = found.allow_flow_plain if self.flow_level else found.allow_block_plain
        if plain and not (self.simple_key_context and found.multiline):
            return ""
        return str(super().choose_scalar_style())


_DUMPER: Any = yaml.CSafeDumper if yaml.__with_libyaml__ else _PurePythonDumper


def dump_template(data: Any) -> str:
    """YAML text of `data` with short-form intrinsics; mappings keep their order."""
    # Events, not a node tree: serializing nodes asks the Python resolver about every
    # scalar twice (a third of the writing time); the tags here are decided already.
    events: list[Event] = [StreamStartEvent(), DocumentStartEvent(explicit=False)]
    _events(data, None, events)
    events += [DocumentEndEvent(explicit=False), StreamEndEvent()]
    text: str = yaml.emit(events, Dumper=_DUMPER, width=WIDTH)
    return text


# Events carry no state of their own, so the common ones are made once and shared.
_BLOCK_MAP = MappingStartEvent(None, _MAP, True, flow_style=False)
_MAP_END, _SEQ_END = MappingEndEvent(), SequenceEndEvent()


def _events(value: Any, tag: str | None, out: list[Event]) -> None:
    """Append the events writing `value`, under `tag` (None: its own kind's, unwritten)."""
    kind = type(value)
    if kind is dict:
        if tag is None:
            if len(value) == 1 and _short_form(value, out):
                return
            out.append(_BLOCK_MAP)
        else:
            out.append(MappingStartEvent(None, tag, False, flow_style=False))
        for key, item in value.items():
            out.append(_scalar(_STR, str.__str__(key), None))
            _events(item, None, out)
        out.append(_MAP_END)
    elif isinstance(value, str):  # str.__str__: a StrEnum member's plain text, which libyaml wants
        text = str.__str__(value)
        # `!GetAZs ''`: an empty plain scalar after a tag is easy to misread
        style = "|" if "\n" in text else "'" if tag and not text else None
        out.append(_scalar(tag or _STR, text, style))
    elif kind is list:
        inline = tag is not None and _inline(value)
        out.append(SequenceStartEvent(None, tag or _SEQ, tag is None, flow_style=inline))
        for item in value:
            _events(item, None, out)
        out.append(_SEQ_END)
    elif isinstance(value, (dict, list)):  # a subclass: written as the plain kind
        _events(dict(value) if isinstance(value, dict) else list(value), tag, out)
    else:
        node = _SCALARS[kind](_REPRESENTER, value)
        style = "'" if tag and not node.value else None
        out.append(_scalar(tag or node.tag, node.value, style))


@lru_cache(maxsize=8192)  # keys and many values recur in every template (Type, Ref names)
def _scalar(tag: str, text: str, style: str | None) -> ScalarEvent:
    """A scalar whose tag is left unwritten where YAML would read the text back to it
    (the implicit flags PyYAML's serializer asks its resolver for)."""
    return ScalarEvent(None, tag, (_read_as(text) == tag, tag == _STR), text, style=style)


def _read_as(text: str) -> str:
    """The tag a plain scalar `text` is read with (Resolver.resolve's implicit lookup)."""
    resolvers = _IMPLICIT.get(text[:1], []) + _IMPLICIT.get(None, [])
    return next((tag for tag, pattern in resolvers if pattern.match(text)), _STR)


def _is_intrinsic(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in SHORT_FORMS


def _short_form(value: dict[str, Any], out: list[Event]) -> bool:
    """Append `{"Ref": "Vpc"}` as `!Ref Vpc`; False when it stays a plain mapping."""
    ((name, argument),) = value.items()
    tag = SHORT_FORMS.get(name)
    if tag is None or _is_intrinsic(argument):
        return False
    if name == "Fn::GetAtt" and _dotted(argument):
        out.append(_scalar(tag, ".".join(argument), None))
    else:
        _events(argument, tag, out)
    return True


def _dotted(argument: Any) -> bool:
    """A `[resource, attribute]` pair writable as `resource.attribute` (split at the first dot)."""
    return (
        isinstance(argument, list)
        and len(argument) == 2
        and all(isinstance(part, str) for part in argument)
        and "." not in argument[0]
    )


def _inline(value: Any) -> bool:
    """True when `value` reads well on one line: no mapping and no multi-line string inside."""
    if isinstance(value, list):
        return all(_inline(item) for item in value)
    if isinstance(value, dict):  # only a short form, itself inline
        if not _is_intrinsic(value):
            return False
        (argument,) = value.values()
        return not _is_intrinsic(argument) and _inline(argument)
    return not (isinstance(value, str) and "\n" in value)


class _TemplateLoader(yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader):  # type: ignore[misc]
    """A safe loader that reads each short form as its full name."""


def _constructor(name: str) -> Any:
    def construct(loader: yaml.SafeLoader, node: Node) -> dict[str, Any]:
        if isinstance(node, ScalarNode):
            text = loader.construct_scalar(node)
            return {name: text.split(".", 1) if name == "Fn::GetAtt" else text}
        if isinstance(node, SequenceNode):
            return {name: loader.construct_sequence(node, deep=True)}
        assert isinstance(node, MappingNode)
        return {name: loader.construct_mapping(node, deep=True)}

    return construct


for _name, _tag in SHORT_FORMS.items():
    _TemplateLoader.add_constructor(_tag, _constructor(_name))


def load_template(text: str) -> Any:
    """A YAML template as data, short forms read as their full names (`!Ref X` -> `{"Ref": X}`)."""
    return yaml.load(text, Loader=_TemplateLoader)  # a SafeLoader with constructors added
