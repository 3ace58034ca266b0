"""Read a tinystack.yaml into plain data plus the line and column of every key and value.

Everything that can be wrong with the file itself is a located diagnostic here, never an
exception: a missing or unreadable file, more than `MAX_BYTES`, bytes that are not UTF-8,
control characters, YAML syntax errors, duplicate keys, unsupported tags, more than
`MAX_NODES` values once aliases are expanded ("billion laughs"), nesting deeper than
`MAX_DEPTH`, an empty file, several documents, a document that is not a mapping.
Plain scalars follow the YAML 1.2 core schema (see `compiler.spec.scalars`).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from compiler.diagnostics import Diagnostic, Rule, error_rule
from compiler.spec.compose import TOO_DEEP, Composed, ComposeError, Composer, KeyPath
from compiler.spec.yaml_hints import syntax_hint

__all__ = ["KeyPath", "LoadedSpec", "Position", "dotted", "load_spec", "load_text"]

# libyaml's parser when PyYAML has it, else PyYAML's own (the same events, slower)
_PARSER: Any = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
MAX_BYTES = 256 * 1024
MAX_NODES = 10_000  # values after alias expansion; real specs hold a few hundred
MAX_DEPTH = 20  # the language nests five levels deep
MAX_CHARS = 4 * MAX_BYTES  # scalar text after alias expansion
_TOO_DEEP = f"the document nests deeper than {MAX_DEPTH} levels"
WHOLE_FILE = (0, 0)  # a problem of the file as a whole: no line and column to show

UNREADABLE = error_rule("TS001", "the file is missing or cannot be read")
TOO_LARGE = error_rule("TS002", f"the file is larger than {MAX_BYTES // 1024} KiB")
NOT_TEXT = error_rule("TS003", "the bytes are not UTF-8 text, or hold control characters")
SYNTAX = error_rule("TS004", "YAML syntax error")
NOT_A_MAPPING = error_rule("TS005", "the file is empty, or its document is not a mapping")
DUPLICATE_KEY = error_rule("TS010", "a key written twice in one mapping")

# Characters YAML 1.2 allows in a stream (https://yaml.org/spec/1.2.2/#51-character-set).
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# C0 but tab and newline, DEL and C1, once escapes are decoded.
_CONTROL_IN_VALUE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ROOT_KINDS = {list: "a list", str: "a string", int: "a number", float: "a number",
               bool: "a boolean"}  # fmt: skip


@dataclass(frozen=True, order=True)
class Position:
    """A place in the file, 1-based."""

    line: int
    col: int


@dataclass(frozen=True)
class LoadedSpec:
    """The YAML document as plain data, and where each key and value was written."""

    file: str
    data: dict[str, Any]
    positions: Mapping[KeyPath, Position]  # key path -> the key (a list item: the item)
    value_positions: Mapping[KeyPath, Position] = field(default_factory=dict)

    def locate(self, path: KeyPath) -> Position:
        """The position of `path`'s key, or of its nearest written ancestor."""
        return _nearest(self.positions, path)

    def locate_value(self, path: KeyPath) -> Position:
        """The position of `path`'s value, or of its nearest written ancestor's key."""
        if path in self.value_positions:
            return self.value_positions[path]
        return self.locate(path)

    def diagnostic(
        self, path: KeyPath, rule: Rule, message: str, hint: str = "", at_value: bool = False
    ) -> Diagnostic:
        """A diagnostic of `rule` for `path`, located at its key (or its value with `at_value`)."""
        where = self.locate_value(path) if at_value else self.locate(path)
        return rule.at(self.file, where.line, where.col, message, hint, dotted(path))


def _nearest(positions: Mapping[KeyPath, Position], path: KeyPath) -> Position:
    for end in range(len(path), -1, -1):
        found = positions.get(path[:end])
        if found is not None:
            return found
    return Position(1, 1)


def dotted(path: KeyPath) -> str:
    """A key path as users write it: `stages[1].scaling.min`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def load_spec(path: Path) -> tuple[LoadedSpec | None, list[Diagnostic]]:
    """Read and parse one spec file; `None` and located diagnostics when it is unusable."""
    file = str(path)
    try:
        raw = _read_regular(path)
    except FileNotFoundError:
        return None, [UNREADABLE.at(file, *WHOLE_FILE, "no such file")]
    except IsADirectoryError:
        return None, [UNREADABLE.at(file, *WHOLE_FILE, "is a directory, not a file")]
    except _NotRegular as error:
        return None, [UNREADABLE.at(file, *WHOLE_FILE, f"is {error}, not a regular file")]
    except OSError as error:
        message = f"cannot read the file: {error.strerror}"
        return None, [UNREADABLE.at(file, *WHOLE_FILE, message)]
    if len(raw) > MAX_BYTES:
        message = f"the file is larger than {MAX_BYTES // 1024} KiB; a tinystack.yaml is a few KiB"
        return None, [TOO_LARGE.at(file, *WHOLE_FILE, message)]
    return load_bytes(file, raw)


class _NotRegular(OSError):
    """A FIFO, socket or device: reading it could block forever or never end."""


# st_mode kind -> how a message names it
_SPECIAL_FILES = {stat.S_IFIFO: "a named pipe", stat.S_IFSOCK: "a socket",
                  stat.S_IFCHR: "a device", stat.S_IFBLK: "a device"}  # fmt: skip


def _read_regular(path: Path) -> bytes:
    """Up to MAX_BYTES + 1 bytes of a regular file (non-blocking open: a FIFO never hangs)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        kind = stat.S_IFMT(os.fstat(fd).st_mode)
        if kind == stat.S_IFDIR:
            raise IsADirectoryError(path)
        if kind != stat.S_IFREG:
            raise _NotRegular(_SPECIAL_FILES.get(kind, "a special file"))
        chunks, size = [], 0
        while size <= MAX_BYTES and (chunk := os.read(fd, MAX_BYTES + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def load_bytes(file: str, raw: bytes) -> tuple[LoadedSpec | None, list[Diagnostic]]:
    """Decode (strict UTF-8, optional BOM) and parse bytes that came from `file`."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        line = raw.count(b"\n", 0, error.start) + 1
        col = len(raw[line_start : error.start].decode("utf-8", errors="replace")) + 1
        byte = raw[error.start]
        message = f"the file is not UTF-8 text (byte 0x{byte:02x})"
        return None, [NOT_TEXT.at(file, line, col, message, "Save it as UTF-8.")]
    return load_text(file, text)


def load_text(file: str, text: str) -> tuple[LoadedSpec | None, list[Diagnostic]]:
    """Parse YAML text that came from `file` into a LoadedSpec."""
    bad = _NOT_PRINTABLE.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        message = f"control character U+{ord(bad.group()):04X} is not allowed in YAML"
        return None, [NOT_TEXT.at(file, line, col, message, "Is this a binary file?")]
    composer = Composer(MAX_NODES, MAX_DEPTH, MAX_CHARS)
    try:
        composed = composer.feed_all(yaml.parse(text, Loader=_PARSER))
    except ComposeError as error:
        return None, [error.rule.at(file, *error.mark, error.message, error.hint)]
    except yaml.MarkedYAMLError as error:
        # newer libyaml caps nesting itself, and meets it while scanning ahead of our check
        if "nesting depth" in str(error.problem):
            return None, [TOO_DEEP.at(file, *_mark(error), _TOO_DEEP)]
        return None, [_syntax_error(file, text, error)]
    return _document(file, composed)


def _mark(error: yaml.MarkedYAMLError) -> tuple[int, int]:
    mark = error.problem_mark or error.context_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _syntax_error(file: str, text: str, error: yaml.MarkedYAMLError) -> Diagnostic:
    mark = error.problem_mark or error.context_mark
    problem = error.problem or "invalid YAML"
    context = (
        f" ({error.context} at line {error.context_mark.line + 1})"
        if (error.context and error.context_mark is not None)
        else ""
    )
    line, col = _mark(error)
    moved, hint = syntax_hint(text, problem, mark.index if mark is not None else 0, line)
    line, col = moved or (line, col)
    return SYNTAX.at(file, line, col, f"YAML syntax error: {problem}{context}", hint)


def _document(file: str, composed: Composed) -> tuple[LoadedSpec | None, list[Diagnostic]]:
    line, col = composed.root_mark
    if composed.root is None:  # nothing, only comments, or a lone `---` / `~`
        hint = "Start with 'version: 1' and 'name: my-app'."
        return None, [NOT_A_MAPPING.at(file, 1, 1, "the file is empty", hint)]
    if not isinstance(composed.root, dict):
        kind = _ROOT_KINDS.get(type(composed.root), "a scalar")
        message = (
            f"the document is {kind}; it must be a mapping of keys such as 'version' and 'name'"
        )
        return None, [NOT_A_MAPPING.at(file, line, col, message)]
    positions = {path: Position(*mark) for path, mark in composed.key_marks.items()}
    positions[()] = Position(line, col)
    value_positions = {path: Position(*mark) for path, mark in composed.value_marks.items()}
    duplicates = [
        DUPLICATE_KEY.at(file, *dup.mark,
                         f"duplicate key '{dup.path[-1]}' (first at line {dup.first_line})",
                         "Keep one: YAML would silently use the last.", dotted(dup.path))
        for dup in composed.duplicates
    ]  # fmt: skip
    if duplicates:
        return None, duplicates
    loaded = LoadedSpec(file, composed.root, positions, value_positions)
    escaped = [
        loaded.diagnostic(path, NOT_TEXT, f"control character U+{ord(char):04X} (written as an "
                          "escape) is not allowed in a value", "Remove the escape sequence.",
                          at_value=True)
        for path, char in _control_characters(composed.root, ())
    ]  # fmt: skip
    if escaped:
        return None, escaped
    return loaded, []


def _control_characters(value: Any, path: KeyPath) -> Iterator[tuple[KeyPath, str]]:
    """(path, character) of each key or string holding a control character (escapes such as
    "\\x01" reach values the raw-text check never saw; tab and newline are ordinary text)."""
    if isinstance(value, str):
        bad = _CONTROL_IN_VALUE.search(value)
        if bad is not None:
            yield path, bad.group()
    elif isinstance(value, dict):
        for key, item in value.items():
            bad = _CONTROL_IN_VALUE.search(key)
            if bad is not None:
                yield (*path, key), bad.group()
            yield from _control_characters(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _control_characters(item, (*path, index))
