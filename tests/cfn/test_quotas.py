"""CloudFormation's per-template quotas are checked at compile time: a located error that
names the quota, exit 1 and nothing written, instead of a failed deploy."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from troposphere import Output, Parameter, Template, sns

from compiler.cfn.limits import QUOTAS, ROOT_TEMPLATE_BYTES, OverQuota, over_quota
from compiler.cli import main
from compiler.compile import compile_ir, read_stack_text

# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
DOCUMENTED = {"resources": 500, "parameters": 200, "outputs": 200, "mappings": 200,
              "bytes": 1_000_000}  # fmt: skip


def _template(what: str, count: int) -> Template:
    # filled past troposphere's own add_* guards, which raise at these same quotas
    template = Template()
    for i in range(count):
        if what == "resources":
            template.resources[f"T{i}"] = sns.Topic(f"T{i}")
        elif what == "parameters":
            template.parameters[f"P{i}"] = Parameter(f"P{i}", Type="String")
        elif what == "outputs":
            template.outputs[f"O{i}"] = Output(f"O{i}", Value="x")
        elif what == "mappings":
            template.mappings[f"M{i}"] = {"k": {"v": "x"}}
    return template


def test_the_quotas_are_cloudformations() -> None:
    assert {q.what: q.maximum for q in QUOTAS} == DOCUMENTED
    assert ROOT_TEMPLATE_BYTES == 51_200


@pytest.mark.parametrize("what", ["resources", "parameters", "outputs", "mappings"])
def test_one_over_each_count_quota_is_reported_and_the_quota_itself_is_not(what: str) -> None:
    maximum = DOCUMENTED[what]
    at = _template(what, maximum)
    over = _template(what, maximum + 1)
    assert over_quota({"a.yaml": at}, {"a.yaml": ""}, "root.yaml") == []
    assert over_quota({"a.yaml": over}, {"a.yaml": ""}, "root.yaml") == [
        OverQuota("a.yaml", what, maximum + 1, maximum)
    ]


def test_the_root_template_must_fit_an_inline_body() -> None:
    text = "x" * (ROOT_TEMPLATE_BYTES + 1)
    found = over_quota({"root.yaml": Template(), "network.yaml": Template()},
                       {"root.yaml": text, "network.yaml": text}, "root.yaml")  # fmt: skip
    assert found == [OverQuota("root.yaml", "bytes", ROOT_TEMPLATE_BYTES + 1, ROOT_TEMPLATE_BYTES)]


def _big_environment_spec() -> str:
    # 5 x 200,000 characters of environment (within the loader's 1 MiB of expanded text):
    # the service template passes CloudFormation's 1 MB
    aliases = "".join(f"    V{i}: *big\n" for i in range(4))
    return ("version: 1\nname: demo\napp:\n  environment:\n    V: &big " + "x" * 200_000
            + "\n" + aliases)  # fmt: skip


def test_a_spec_that_makes_a_template_over_1_mb_is_a_compile_error(tmp_path: Path) -> None:
    ir, diagnostics = read_stack_text("big.yaml", _big_environment_spec())
    assert ir is not None and diagnostics == []
    assert [(b.file, b.what) for b in compile_ir(ir).over_quota] == [("service-dev.yaml", "bytes")]
    spec = tmp_path / "big.yaml"
    spec.write_text(_big_environment_spec())
    result = CliRunner().invoke(main, ["compile", str(spec), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert (
        result.stderr.startswith(f"{spec}:1:1: error: service-dev.yaml would hold 1,0")
        and "bytes; CloudFormation accepts at most 1,000,000 per template" in result.stderr
    )
    assert not (tmp_path / "out").exists()


def test_ten_stages_stay_within_every_quota() -> None:
    stages = ", ".join(f"{{name: s{i}}}" for i in range(10))
    text = f"version: 1\nname: demo\ndescription: {'d' * 1000}\nstages: [{stages}]\n"
    ir, diagnostics = read_stack_text("ten.yaml", text)
    assert ir is not None, diagnostics
    compiled = compile_ir(ir)
    assert compiled.over_quota == ()
    assert len(compiled.files["root.yaml"].encode()) < ROOT_TEMPLATE_BYTES
