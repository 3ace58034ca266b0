"""Property tests: every spec the schema accepts goes through the front end, lowering and
the back end without an exception, into templates that name only files it wrote; rejected
ones get located diagnostics with real paths; garbled YAML never raises.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from spec_fuzzing import SpecDumper, as_loaded, narrowed_schema

from compiler.compile import compile_ir, read_stack_text
from compiler.diagnostics import Diagnostic
from compiler.ir.model import ir_as_dict
from compiler.spec import check_loaded
from compiler.spec.language_schema import load_schema
from compiler.spec.load import load_bytes, load_text
from compiler.spec.schema_index import walk
from compiler.template_yaml import load_template

SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))


# dotted schema paths of keys, and of mappings whose keys are free names
_KEY_PATHS = {key.path for key in walk(load_schema())}
_MAP_PATHS = {
    key.path for key in walk(load_schema())
    if isinstance(key.schema.get("additionalProperties"), dict)
}  # fmt: skip


def _is_real_path(path: str) -> bool:
    shape = re.sub(r"\[\d+\]", "[]", path)
    # a free-named mapping's key (a tag, a variable) may itself hold dots: 'tags..'
    return shape in _KEY_PATHS or any(shape.startswith(f"{m}.") for m in _MAP_PATHS)


def _assert_located(diagnostics: list[Diagnostic]) -> None:
    for d in diagnostics:
        assert d.line >= 1 and d.col >= 1, d
        if d.code == "TS101":  # an unknown key is, by definition, not a schema path
            continue
        assert d.path == "" or _is_real_path(d.path), d


_TEMPLATE_URL = re.compile(r"\$\{TemplatePrefix\}([^\s'\"]+)")


@SETTINGS
@given(from_schema(as_loaded(narrowed_schema())))
def test_valid_specs_compile_or_get_located_diagnostics(data: dict[str, Any]) -> None:
    text = yaml.dump(data, Dumper=SpecDumper, allow_unicode=False, sort_keys=False)
    loaded, diagnostics = load_text("gen.yaml", text)
    assert diagnostics == [] and loaded is not None
    assert loaded.data == data  # the loader reads back exactly what was written
    spec, diagnostics = check_loaded(loaded)
    _assert_located(diagnostics)
    assert all(d.code.startswith("TS2") for d in diagnostics)  # the schema accepted it
    if spec is None:
        return
    ir, _ = read_stack_text("gen.yaml", text)  # lowered, and `scale: auto` settled
    assert ir is not None
    again, _ = read_stack_text("gen.yaml", text)
    assert again is not None
    assert json.dumps(ir_as_dict(ir), sort_keys=True) == json.dumps(
        ir_as_dict(again), sort_keys=True
    )
    files = compile_ir(ir).files
    templates = {n: load_template(body) for n, body in files.items() if n.endswith(".yaml")}
    assert "root.yaml" in templates and {"build.yml", "release.yml"} <= files.keys()
    assert all(isinstance(t["Resources"], dict) and t["Resources"] for t in templates.values())
    named = {m for body in files.values() for m in _TEMPLATE_URL.findall(body)}
    assert named == templates.keys() - {"root.yaml"}  # every child template, and only those


_YAMLISH = st.text(
    alphabet=st.sampled_from([*"abc:-[]{}&*!|>'\"#%@`,? \n\t019.~<", "\x00", "é", "\ufeff"]),
    max_size=200,
)


@SETTINGS
@given(st.one_of(_YAMLISH.map(lambda t: t.encode("utf-8")), st.binary(max_size=200)))
def test_garbled_input_never_raises(raw: bytes) -> None:
    loaded, diagnostics = load_bytes("garbled.yaml", raw)
    if loaded is None:
        assert diagnostics
        _assert_located(diagnostics)
        return
    _, diagnostics = check_loaded(loaded)
    _assert_located(diagnostics)
