"""The loader: plain data, positions of keys and values, and every bad file as a located
diagnostic (never an exception)."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.diagnostics import render_line
from compiler.spec.load import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_NODES,
    Position,
    dotted,
    load_bytes,
    load_spec,
    load_text,
)


def _one_error(text: str) -> tuple[str, int, int, str]:
    loaded, diagnostics = load_text("f.yaml", text)
    assert loaded is None and len(diagnostics) == 1
    d = diagnostics[0]
    return d.code, d.line, d.col, d.message


@pytest.mark.parametrize(
    ("text", "code", "line", "col", "message"),
    [
        ("", "TS005", 1, 1, "the file is empty"),
        ("# only a comment\n\n", "TS005", 1, 1, "the file is empty"),
        ("---\n", "TS005", 1, 1, "the file is empty"),
        ("- a\n- b\n", "TS005", 1, 1,
         "the document is a list; it must be a mapping of keys such as 'version' and 'name'"),
        ("\n\nhello\n", "TS005", 3, 1,
         "the document is a string; it must be a mapping of keys such as 'version' and 'name'"),
        ("version: 1\nname: a\nversion: 2\n", "TS010", 3, 1,
         "duplicate key 'version' (first at line 1)"),
        ("app:\n  port: 1\n  cpu: 2\n  port: 3\n", "TS010", 4, 3,
         "duplicate key 'port' (first at line 2)"),
        ("a: b\n  c: d\n", "TS004", 2, 4,
         "YAML syntax error: mapping values are not allowed in this context"),
        ("a: [1, 2\nb: 3\n", "TS004", 2, 2,
         "YAML syntax error: did not find expected ',' or ']' "
         "(while parsing a flow sequence at line 1)"),
        ("a: 1\n---\nb: 2\n", "TS009", 2, 1, "the file holds more than one YAML document"),
        ("a: !Ref x\n", "TS006", 1, 4, "tag '!Ref' is not supported; write plain YAML values"),
        ("a: !!binary aGk=\n", "TS006", 1, 4,
         "tag 'tag:yaml.org,2002:binary' is not supported; write plain YAML values"),
        ("a: !!int abc\n", "TS006", 1, 4, "'abc' is not a valid !!int"),
        ("? [a, b]\n: 1\n", "TS006", 1, 3, "a key must be a name, found a list"),
        ("a: *nowhere\n", "TS006", 1, 4, "alias '*nowhere' has no anchor before it"),
        ("a: 1\nb: \x00\n", "TS003", 2, 4, "control character U+0000 is not allowed in YAML"),
        ("a: " + "9" * 50 + "\n", "TS006", 1, 4,
         "number '99999999999999999999...' has more than 40 characters"),
    ],
)  # fmt: skip
def test_bad_yaml_is_one_located_error(
    text: str, code: str, line: int, col: int, message: str
) -> None:
    assert _one_error(text) == (code, line, col, message)


@pytest.mark.parametrize(
    ("text", "line", "col", "hint"),
    [
        ("app:\n\tport: 80\n", 2, 1, "YAML indents with spaces, not tabs."),
        # libyaml stops a line late; the line shown is the one to fix
        ("version: 1\nname:demo\napp:\n  port: 80\n", 2, 5,
         "A key needs a space after ':': write 'name: demo'."),
        ("app:\n  port:80\n  cpu: 256\n", 2, 7,
         "A key needs a space after ':': write 'port: 80'."),
        ("app:\n  port: 80\n cpu: 256\n", 3, 2,
         "Check the indentation: a key lines up with the keys above it, and a value holding "
         "': ' or ' #' needs quotes."),
        ("app:\n  port: 80\n    cpu: 256\n", 3, 8,
         "A value holding ': ' needs quotes, or this line is indented deeper than the key "
         "above it."),
        ("description: note: read me\n", 1, 18,
         "A value holding ': ' needs quotes, or this line is indented deeper than the key "
         "above it."),
        ("stages:\n  - name: dev\n  name: prod\n", 3, 3,
         "Check the indentation: every item of a list starts with '- ' in the same column."),
        ("name: 'demo\napp: {}\n", 3, 1, "A quote or bracket is opened and never closed."),
        ("name: @demo\n", 1, 7, "A value starting with '@' needs quotes."),
        ("scaling: {min: 1, max: 2\n", 2, 1,
         "A '{' is not closed, or a ',' is missing between two entries."),
        # an ARN in a list is a value, not a key missing its space
        ("secrets:\n  - arn:aws:ssm:x\n bad: 1\n", 3, 2,
         "Check the indentation: a key lines up with the keys above it, and a value holding "
         "': ' or ' #' needs quotes."),
    ],
)  # fmt: skip
def test_a_yaml_syntax_error_says_what_usually_causes_it(
    text: str, line: int, col: int, hint: str
) -> None:
    _, [d] = load_text("f.yaml", text)
    assert (d.code, d.line, d.col, d.hint) == ("TS004", line, col, hint)


def test_every_duplicate_key_is_reported_with_its_path() -> None:
    text = "a: 1\napp:\n  x: 1\n  x: 2\na: 3\n"
    loaded, diagnostics = load_text("f.yaml", text)
    assert loaded is None
    assert [(d.path, d.line, d.col) for d in diagnostics] == [("app.x", 4, 3), ("a", 5, 1)]


def test_non_utf8_bytes_point_at_the_byte() -> None:
    loaded, diagnostics = load_bytes("f.yaml", b"name: ok\nbad: caf\xe9\n")
    assert loaded is None
    d = diagnostics[0]
    assert (d.code, d.line, d.col, d.message) == (
        "TS003", 2, 9, "the file is not UTF-8 text (byte 0xe9)",
    )  # fmt: skip
    assert d.hint == "Save it as UTF-8."


def test_binary_file_is_located_error(tmp_path: Path) -> None:
    path = tmp_path / "tinystack.yaml"
    path.write_bytes(bytes(range(256)) * 4)
    loaded, diagnostics = load_spec(path)
    assert loaded is None
    d = diagnostics[0]
    # bytes 0-9 pass the decoder, 10 ends line 1, 0x80 is the first byte UTF-8 refuses
    assert (d.file, d.code, d.line, d.col) == (str(path), "TS003", 2, 0x80 - 0x0A)
    assert d.message == "the file is not UTF-8 text (byte 0x80)"


def test_utf8_bom_and_non_ascii_columns() -> None:
    loaded, diagnostics = load_text("f.yaml", "é: 1\nname: ü\n")
    assert diagnostics == [] and loaded is not None
    assert loaded.locate_value(("name",)) == Position(2, 7)
    loaded, diagnostics = load_bytes("f.yaml", "\ufeffname: x\n".encode())
    assert diagnostics == [] and loaded is not None and loaded.data == {"name": "x"}


def test_missing_file_and_directory(tmp_path: Path) -> None:
    _, missing = load_spec(tmp_path / "nope.yaml")
    # the file as a whole: no line and column, and none printed
    assert [(d.code, d.line, d.col, d.message) for d in missing] == [
        ("TS001", 0, 0, "no such file")
    ]
    assert render_line(missing[0]) == f"{tmp_path / 'nope.yaml'}: error: no such file [TS001]"
    _, folder = load_spec(tmp_path)
    assert (folder[0].line, folder[0].message) == (0, "is a directory, not a file")


def test_oversized_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * (MAX_BYTES + 10) + "\n")
    loaded, diagnostics = load_spec(path)
    assert loaded is None
    assert diagnostics[0].code == "TS002"
    assert diagnostics[0].message == (
        "the file is larger than 256 KiB; a tinystack.yaml is a few KiB"
    )


def _billion_laughs(levels: int = 10) -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_stops_at_the_alias() -> None:
    code, line, col, message = _one_error(_billion_laughs())
    assert (code, line, col) == ("TS007", 5, 10)  # the first alias of the fifth level
    assert message == (
        f"the document has more than {MAX_NODES} values (aliases counted as expanded)"
    )


def test_ten_thousand_keys_stop_at_the_bound() -> None:
    text = "".join(f"key{i}: {i}\n" for i in range(10_000))
    code, line, _, _ = _one_error(text)
    # the root mapping, then a key and a value per line: line 5000's value is one too many
    assert (code, line) == ("TS007", MAX_NODES // 2)


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 100_000 + "]" * 100_000 + "\n",
        "a: " + "{b: " * 5_000 + "1" + "}" * 5_000 + "\n",
        "".join(" " * i + f"k{i}:\n" for i in range(200)) + " " * 200 + "end: 1\n",
    ],
    ids=["flow-lists", "flow-maps", "block-maps"],
)
def test_deep_nesting_is_refused(text: str) -> None:
    code, _, _, message = _one_error(text)
    assert (code, message) == ("TS008", f"the document nests deeper than {MAX_DEPTH} levels")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("v: yes", "yes"),
        ("v: on", "on"),
        ("v: No", "No"),
        ("v: true", True),
        ("v: FALSE", False),
        ("v: ~", None),
        ("v:", None),
        ("v: 0o17", 15),
        ("v: 0x1F", 31),
        ("v: 017", 17),
        ("v: -5", -5),
        ("v: 1.5e3", 1500.0),
        ("v: 1_000", "1_000"),
        ("v: 1:20", "1:20"),
        ("v: 2024-01-01", "2024-01-01"),
        ("v: '80'", "80"),
        ("v: !!str 80", "80"),
        ("v: !!float 1", 1.0),
    ],
)
def test_scalars_follow_yaml_1_2_core_schema(text: str, value: object) -> None:
    loaded, diagnostics = load_text("f.yaml", text + "\n")
    assert diagnostics == [] and loaded is not None
    assert loaded.data["v"] == value and type(loaded.data["v"]) is type(value)


def test_positions_of_keys_values_and_list_items() -> None:
    text = (
        "# comment\nversion: 1\napp:\n  health_check:\n    path: /ok\n"
        "stages:\n  - name: dev\n  - {name: prod, approval: true}\n"
    )
    loaded, _ = load_text("f.yaml", text)
    assert loaded is not None
    assert loaded.locate(()) == Position(2, 1)
    assert loaded.locate(("app", "health_check", "path")) == Position(5, 5)
    assert loaded.locate_value(("app", "health_check", "path")) == Position(5, 11)
    assert loaded.locate(("stages", 1)) == Position(8, 5)
    assert loaded.locate(("stages", 1, "approval")) == Position(8, 18)
    # a path that was never written falls back to its nearest written ancestor
    assert loaded.locate(("app", "health_check", "interval_seconds")) == Position(4, 3)
    assert loaded.locate(("network", "cidr")) == Position(2, 1)


def test_aliases_and_merge_keys_expand_with_explicit_keys_winning() -> None:
    text = "base: &b {cpu: 256, memory: 512}\napp:\n  <<: *b\n  memory: 1024\nother: *b\n"
    loaded, diagnostics = load_text("f.yaml", text)
    assert diagnostics == [] and loaded is not None
    assert loaded.data["app"] == {"memory": 1024, "cpu": 256}
    assert loaded.data["other"] == {"cpu": 256, "memory": 512}
    assert loaded.data["other"] is not loaded.data["base"]  # a copy: resolving cannot alias
    assert loaded.locate(("app", "cpu")) == Position(3, 3)  # merged keys sit on the '<<'


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ((), ""),
        (("app", "health_check", "path"), "app.health_check.path"),
        (("stages", 1, "scaling", "min"), "stages[1].scaling.min"),
        (("alarms", "emails", 0), "alarms.emails[0]"),
    ],
)
def test_dotted_paths(path: tuple[str | int, ...], text: str) -> None:
    assert dotted(path) == text
