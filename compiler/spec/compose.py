"""Build plain data and a key-path -> position map from YAML parser events.

PyYAML's own constructor keeps the last of two duplicate keys, expands aliases without
limit and recurses once per nesting level. This builder walks libyaml's events with an
explicit stack instead, so it can reject duplicates with both lines, count every node an
alias would expand to (a "billion laughs" file stops after `max_nodes`), and stop at
`max_depth` before anything recurses. It raises `ComposeError` for the first fatal
problem and collects duplicate keys as it goes.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml

from compiler.diagnostics import Rule, error_rule
from compiler.spec.scalars import TAG_PREFIX, ScalarError, resolve_scalar

KeyPath = tuple[str | int, ...]
Mark = tuple[int, int]  # (line, col), both 1-based

MERGE_KEY = "<<"
_COLLECTION_TAGS = {
    "mapping": (None, "!", TAG_PREFIX + "map"),
    "list": (None, "!", TAG_PREFIX + "seq"),
}


UNSUPPORTED = error_rule(
    "TS006", "unsupported YAML: tags, non-name keys, unknown aliases, huge numbers"
)
TOO_MANY_VALUES = error_rule(
    "TS007", "more than 10,000 values, or 1 MiB of text, once aliases are expanded"
)
TOO_DEEP = error_rule("TS008", "nesting deeper than 20 levels")
SEVERAL_DOCUMENTS = error_rule("TS009", "more than one YAML document")


class ComposeError(Exception):
    """A problem that stops reading the file, with where it happened."""

    def __init__(self, rule: Rule, mark: Mark, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.rule, self.mark, self.message, self.hint = rule, mark, message, hint


@dataclass(frozen=True)
class DuplicateKey:
    path: KeyPath
    mark: Mark
    first_line: int


@dataclass
class Composed:
    """What the builder produced: the document and where each piece of it was written."""

    root: Any = None
    root_mark: Mark = (1, 1)
    documents: int = 0
    key_marks: dict[KeyPath, Mark] = field(default_factory=dict)
    value_marks: dict[KeyPath, Mark] = field(default_factory=dict)
    duplicates: list[DuplicateKey] = field(default_factory=list)


@dataclass
class _Frame:
    """An open mapping or list: its path, its value, and a mapping's pending key."""

    path: KeyPath
    value: dict[str, Any] | list[Any]
    anchor: str | None
    nodes_before: int
    chars_before: int
    key: str | None = None
    key_mark: Mark = (1, 1)
    merging: bool = False
    merges: list[tuple[dict[str, Any], Mark]] = field(default_factory=list)


_KINDS: dict[type, str] = {dict: "a mapping", list: "a list"}


def _mark(event: yaml.Event) -> Mark:
    mark = event.start_mark
    return (1, 1) if mark is None else (mark.line + 1, mark.column + 1)


def _kind(value: object) -> str:
    return _KINDS.get(type(value), "a scalar")


class Composer:
    """Feed events in file order with `feed`; read the result from `composed`."""

    def __init__(self, max_nodes: int, max_depth: int, max_chars: int) -> None:
        self.max_nodes, self.max_depth, self.max_chars = max_nodes, max_depth, max_chars
        self.composed = Composed()
        self._stack: list[_Frame] = []
        # name -> (value, node count, scalar characters) of what an alias expands to
        self._anchors: dict[str, tuple[Any, int, int]] = {}
        self._nodes = self._chars = 0

    def feed_all(self, events: Iterable[yaml.Event]) -> Composed:
        """Consume every event; raises ComposeError at the first fatal problem."""
        for event in events:
            handler = _HANDLERS.get(type(event))
            if handler is not None:
                handler(self, event)
        return self.composed

    def _document_start(self, event: yaml.DocumentStartEvent) -> None:
        self.composed.documents += 1
        if self.composed.documents > 1:
            raise ComposeError(
                SEVERAL_DOCUMENTS, _mark(event), "the file holds more than one YAML document",
                "A tinystack.yaml is one document: remove the extra '---'.",
            )  # fmt: skip

    def _count(self, mark: Mark, weight: int = 1, chars: int = 0) -> None:
        self._nodes += weight
        self._chars += chars
        if self._nodes > self.max_nodes:
            raise ComposeError(
                TOO_MANY_VALUES, mark, f"the document has more than {self.max_nodes} values "
                "(aliases counted as expanded)", "A tinystack.yaml needs a few hundred at most.",
            )  # fmt: skip
        # one long string aliased thousands of times is a few lines of YAML and gigabytes
        # of templates
        if self._chars > self.max_chars:
            raise ComposeError(
                TOO_MANY_VALUES, mark, f"the document's text is more than {self.max_chars} "
                "characters once aliases are expanded", "Alias long strings less often.",
            )  # fmt: skip

    def _wants_key(self) -> bool:
        return (
            bool(self._stack)
            and isinstance(self._stack[-1].value, dict)
            and (self._stack[-1].key is None)
        )

    def _scalar(self, event: yaml.ScalarEvent) -> None:
        mark = _mark(event)
        self._count(mark, chars=len(event.value))
        try:
            value = resolve_scalar(event.value, event.tag, event.implicit[0])
        except ScalarError as error:
            raise ComposeError(UNSUPPORTED, mark, str(error)) from None
        if not self._wants_key():
            self._finish(value, mark, event.anchor, 1, len(event.value))
        elif value is None:
            raise ComposeError(UNSUPPORTED, mark, "a key must be a name, found an empty key")
        else:  # keys stay the text the user wrote: `1: x` has the key '1'
            merge = event.value == MERGE_KEY and event.tag is None and event.implicit[0]
            self._take_key(event.value, mark, merge)

    def _alias(self, event: yaml.AliasEvent) -> None:
        mark = _mark(event)
        if event.anchor not in self._anchors:
            raise ComposeError(
                UNSUPPORTED, mark, f"alias '*{event.anchor}' has no anchor before it"
            )
        value, weight, chars = self._anchors[event.anchor]
        self._count(mark, weight, chars)
        if not self._wants_key():
            self._finish(copy.deepcopy(value), mark, None, weight, chars)
        elif isinstance(value, str):
            self._take_key(value, mark, merge=False)
        else:
            raise ComposeError(UNSUPPORTED, mark, f"a key must be a name, found {_kind(value)}")

    def _collection_start(self, event: yaml.CollectionStartEvent) -> None:
        mark = _mark(event)
        kind = "mapping" if isinstance(event, yaml.MappingStartEvent) else "list"
        if event.tag not in _COLLECTION_TAGS[kind]:
            raise ComposeError(UNSUPPORTED, mark, f"tag '{event.tag}' is not supported on a {kind}")
        if self._wants_key():
            raise ComposeError(UNSUPPORTED, mark, f"a key must be a name, found a {kind}")
        if len(self._stack) >= self.max_depth:
            raise ComposeError(
                TOO_DEEP, mark, f"the document nests deeper than {self.max_depth} levels"
            )
        self._count(mark)
        path = self._child_path()
        self.composed.value_marks.setdefault(path, mark)
        if not self._stack:
            self.composed.root_mark = mark
        value: dict[str, Any] | list[Any] = {} if kind == "mapping" else []
        self._stack.append(_Frame(path, value, event.anchor, self._nodes - 1, self._chars))

    def _collection_end(self, event: yaml.CollectionEndEvent) -> None:
        frame = self._stack.pop()
        if isinstance(frame.value, dict):
            self._apply_merges(frame)
        mark = self.composed.value_marks[frame.path]
        weight, chars = self._nodes - frame.nodes_before, self._chars - frame.chars_before
        self._finish(frame.value, mark, frame.anchor, weight, chars)

    def _child_path(self) -> KeyPath:
        if not self._stack:
            return ()
        parent = self._stack[-1]
        if isinstance(parent.value, dict):
            assert parent.key is not None
            return (*parent.path, parent.key)
        return (*parent.path, len(parent.value))

    def _take_key(self, key: str, mark: Mark, merge: bool) -> None:
        frame = self._stack[-1]
        assert isinstance(frame.value, dict)
        path = (*frame.path, key)
        # Every earlier value of this mapping is complete here, so a repeat is a duplicate.
        if not merge and key in frame.value:
            first = self.composed.key_marks[path]
            self.composed.duplicates.append(DuplicateKey(path, mark, first[0]))
        frame.key, frame.key_mark, frame.merging = key, mark, merge
        if not merge:
            self.composed.key_marks.setdefault(path, mark)

    def _finish(self, value: Any, mark: Mark, anchor: str | None, weight: int, chars: int) -> None:
        if anchor is not None:
            self._anchors[anchor] = (value, weight, chars)
        if not self._stack:
            self.composed.root = value
            self.composed.root_mark = self.composed.value_marks.get((), mark)
            return
        frame = self._stack[-1]
        if isinstance(frame.value, list):
            path: KeyPath = (*frame.path, len(frame.value))
            frame.value.append(value)
            self.composed.key_marks[path] = mark
            self.composed.value_marks.setdefault(path, mark)
            return
        assert frame.key is not None
        if frame.merging:
            self._queue_merge(frame, value, mark)
        elif frame.key not in frame.value:
            frame.value[frame.key] = value
            self.composed.value_marks.setdefault((*frame.path, frame.key), mark)
        frame.key = None

    def _queue_merge(self, frame: _Frame, value: Any, mark: Mark) -> None:
        for source in value if isinstance(value, list) else [value]:
            if not isinstance(source, dict):
                raise ComposeError(
                    UNSUPPORTED, mark, f"'<<' merges mappings, found {_kind(source)}"
                )
            frame.merges.append((source, frame.key_mark))

    def _apply_merges(self, frame: _Frame) -> None:
        assert isinstance(frame.value, dict)
        # YAML merge keys: explicit keys win, then earlier merge sources over later ones.
        for source, mark in frame.merges:
            for key, value in source.items():
                if key not in frame.value:
                    frame.value[key] = copy.deepcopy(value)
                    self.composed.key_marks.setdefault((*frame.path, key), mark)
                    self.composed.value_marks.setdefault((*frame.path, key), mark)


_HANDLERS: dict[type[yaml.Event], Callable[[Composer, Any], None]] = {
    yaml.DocumentStartEvent: Composer._document_start,
    yaml.ScalarEvent: Composer._scalar,
    yaml.AliasEvent: Composer._alias,
    yaml.MappingStartEvent: Composer._collection_start,
    yaml.SequenceStartEvent: Composer._collection_start,
    yaml.MappingEndEvent: Composer._collection_end,
    yaml.SequenceEndEvent: Composer._collection_end,
}
