"""Templates as people write them, read back as CloudFormation reads them.

Checked against cfn-lint's own template decoder (which reads YAML short forms as
CloudFormation does) and AWS's documented section order and short-form rules; the bytes
are the same whether libyaml or PyYAML's pure-Python emitter writes them.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cfnlint.decode.decode import decode_str

from compiler.compile import compile_ir, read_stack
from compiler.template_yaml import dump_template, load_template

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
CASES = sorted(p.parent.parent.name for p in GOLDEN.glob("*/out/root.yaml"))
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html
ANATOMY = [
    "AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules", "Mappings",
    "Conditions", "Transform", "Resources", "Outputs",
]  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_golden_templates_read_as_people_write_them(case: str) -> None:
    templates = sorted((GOLDEN / case / "out").glob("*.yaml"))
    assert templates
    for path in templates:
        text = path.read_text()
        doc = load_template(text)
        assert list(doc) == [s for s in ANATOMY if s in doc], path.name
        for section in ("Parameters", "Resources"):
            assert all(next(iter(e)) == "Type" for e in doc.get(section, {}).values()), path.name
        for output in doc.get("Outputs", {}).values():
            assert list(output)[-1] != "Description", path.name
        assert "Ref:" not in text and "Fn::GetAtt:" not in text, path.name  # always short
        # cfn-lint reads the short forms to the same template our loader (and deploy) sees
        linted, errors = decode_str(text)
        assert not errors and linted == doc, path.name


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ({"A": {"Ref": "AWS::Region"}}, "A: !Ref AWS::Region\n"),
        ({"A": {"Fn::GetAtt": ["Stage", "Outputs.Url"]}}, "A: !GetAtt Stage.Outputs.Url\n"),
        ({"A": {"Fn::Equals": [{"Ref": "Az1"}, ""]}}, "A: !Equals [!Ref Az1, '']\n"),
        ({"A": {"Fn::GetAZs": ""}}, "A: !GetAZs ''\n"),
        # AWS: `!Base64 !Sub string` is not valid; `Fn::Base64: !Sub string` is
        ({"A": {"Fn::Base64": {"Fn::Sub": "x"}}}, "A:\n  Fn::Base64: !Sub x\n"),
        ({"A": {"Fn::Sub": "a\nb\n"}}, "A: !Sub |\n  a\n  b\n"),
        ({"A": {"Fn::Sub": ["${X}", {"X": {"Ref": "Y"}}]}}, "A: !Sub\n- ${X}\n- X: !Ref Y\n"),
        ({"A": {"Fn::Select": [0, {"Fn::Split": [",", {"Ref": "Ids"}]}]}},
         "A: !Select [0, !Split [',', !Ref Ids]]\n"),
        ({"A": ["5", "1.0", "", True, 2]}, "A:\n- '5'\n- '1.0'\n- ''\n- true\n- 2\n"),
    ],
)  # fmt: skip
def test_short_forms_are_written_as_aws_documents_them(data: object, text: str) -> None:
    assert dump_template(data) == text
    decoded, errors = decode_str(text)
    assert not errors and decoded == data == load_template(text)


def test_json_stays_long_form_and_says_what_the_yaml_says() -> None:
    ir, _ = read_stack(ROOT / "examples" / "crud-api.yaml")
    assert ir is not None
    # nested templates are named by their content: pair them by stem, compare URLs without
    as_yaml = {_stem(n): t for n, t in compile_ir(ir, "yaml").files.items() if n.endswith(".yaml")}
    as_json = {_stem(n): t for n, t in compile_ir(ir, "json").files.items() if n.endswith(".json")}
    assert as_json.keys() - {"ir"} == as_yaml.keys()
    for stem, text in as_yaml.items():
        assert "!Ref" not in as_json[stem] and '"Ref"' in as_json[stem]
        assert load_template(_unaddressed(text)) == json.loads(_unaddressed(as_json[stem]))


def _stem(name: str) -> str:
    return name.split(".")[0]


def _unaddressed(text: str) -> str:
    return re.sub(r"(\$\{TemplatePrefix\}[\w-]+)\.[0-9a-f]{12}\.(yaml|json)", r"\1", text)


def test_without_libyaml_every_golden_output_comes_out_byte_for_byte() -> None:
    # a PyYAML without its C extension: its pure-Python parser and emitter do all the work
    # (the bad-* cases are left out: the two parsers word a syntax error differently)
    probe = (
        "import sys\nsys.modules['yaml._yaml'] = None\nimport yaml, runpy\n"
        "assert not yaml.__with_libyaml__\nsys.argv[1:] = " + repr(CASES) + "\n"
        "runpy.run_module('tests.golden', run_name='__main__')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=600,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines() == [f"{case}: same" for case in CASES]


def test_deploy_reads_back_every_template_it_uploads() -> None:
    # what GetTemplate returns is the uploaded text: diff's old values and destroy's retained
    # resources come from reading it
    from compiler.deploy.values import parse_template

    for path in sorted(GOLDEN.glob("*/out/*.yaml")):
        text = path.read_text()
        assert parse_template(text) == load_template(text) and load_template(text)["Resources"]
