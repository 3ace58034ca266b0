"""Whole compiled outputs over the full product of the spec's choices.

scale x compute x egress x source x buildspecs x stage count: 240 specs, of which the
language rejects the 40 with egress public-ip on EC2; the other 200 go through the whole
front end and compile, with the longest spec and stage names the language allows. Eleven
more add `data`: each store alone and all four together, with one and three stages, and
all four under public-ip egress. Each distinct template text is linted once (most rows
share most templates): zero cfn-lint errors or warnings, and no Fn::Join that reads better
as an Fn::Sub (I1022). Sizes, TemplateURLs and every physical name (against
compiler/data/naming_rules.json, for stack names up to the longest and those beginning
with each reserved prefix) are checked on every row, determinism on a few rows that take
every value; one more check compiles each example under two hash seeds.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import yaml
from cfn_templates import JOINS, lint_text
from matrix_jobs import compile_data
from naming_walk import physical_names, resource_types
from shell_blocks import command_blocks, shellcheck

from compiler.buildspecs import BUILD_FILE, RELEASE_FILE
from compiler.compile import Compiled
from compiler.data.naming import name_problems, naming_rules
from compiler.diagnostics import Diagnostic, Severity
from compiler.writer import write_out

TOKEN_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:gh-token-AbCdEf"
SOURCES: dict[str, dict[str, Any]] = {
    "github": {"provider": "github", "repository": "acme/app"},
    "gitlab": {"provider": "gitlab", "repository": "acme/app", "branch": "trunk"},
    "bitbucket": {
        "provider": "bitbucket",
        "repository": "acme/app",
        "connection_arn": "arn:aws:codeconnections:us-east-1:123456789012:connection/x-1",
    },
    "s3": {"provider": "s3"},
    "s3-webhook": {
        "provider": "s3",
        "bucket": "acme-sources",
        "webhook": {"provider": "github", "repository": "acme/app", "token_secret_arn": TOKEN_ARN},
    },
}
FACTORS: dict[str, tuple[Any, ...]] = {
    "scale": ("standard", "hyperscale"),
    "compute": ("ec2", "fargate"),
    "egress": ("nat-gateway", "nat-instance", "public-ip"),
    "source": tuple(SOURCES),
    "buildspecs": ("repository", "inline"),
    "stages": (1, 3),
}
DATA: dict[str, dict[str, Any]] = {
    "tables": {"tables": {"items": {}, "events": {"sort_key": "at", "ttl_attribute": "exp"}}},
    "database": {"database": {"engine": "postgres"}},
    "cache": {"cache": {}},
    "buckets": {"buckets": {"uploads": {}}},
}
DATA["all"] = {key: value for store in DATA.values() for key, value in store.items()}
MAX_RESOURCES = (
    500  # https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
)
MAX_TEMPLATE_BYTES = 1_000_000  # a template in S3
MAX_ROOT_BYTES = 51_200  # a template body passed inline: the root, for the console or CLI
EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))
WORKERS = 2  # the machine's cores


def _allowed(row: dict[str, Any]) -> bool:
    # tasks on EC2 cannot have a public IP (TS211 in docs/spec.md)
    return not (row["compute"] == "ec2" and row["egress"] == "public-ip")


# The longest names the language allows: every name built from them must still fit.
NAME = "matrix-app-twenty-five-ch"  # 25 characters
LONG_STAGE = "production"  # 10 characters
ENDPOINT_OPTIONS: dict[str, Any] = {
    "cors": {"allow_origins": ["https://example.com"]},
    "authorizer": {"issuer": "https://issuer.example.com", "audience": ["client"]},
}


def spec(row: dict[str, Any]) -> dict[str, Any]:
    """The tinystack.yaml (as data) of one row."""
    stages: list[dict[str, Any]] = [{"name": "dev"}]
    if row["stages"] == 3:
        stages += [{"name": "qa"}, {"name": LONG_STAGE, "approval": True, "scaling": {"min": 2}}]
    compute: dict[str, Any] = {"type": row["compute"]}
    if row["compute"] == "ec2":  # room for the last stage's 2 starting tasks; max: the default
        compute["instances"] = {"min": 2}
    stores = DATA.get(row.get("data", ""), {})
    if stores.get("database") and row["stages"] == 3:  # sizes per stage
        stages[2]["data"] = {"database": {"multi_az": True, "instance_class": "db.t4g.small"}}
    data = {
        "data": stores,
        "version": 1,
        "name": NAME,
        "description": "matrix row",
        "scale": row["scale"],
        "compute": compute,
        "network": {"egress": row["egress"], "availability_zones": 3 if row["stages"] == 3 else 2},
        "source": SOURCES[row["source"]],
        "pipeline": {"buildspecs": row["buildspecs"]},
        "alarms": {"emails": ["ops@example.com"]},
        "stages": stages,
        "tags": {"team": "platform"},
    }
    if row["scale"] == "standard" and row["stages"] == 3:  # the HTTP API's options, all on
        data["endpoint"] = ENDPOINT_OPTIONS
    return data


def row_id(row: dict[str, Any]) -> str:
    return "-".join(str(value) for value in row.values())


_DATA_BASE = {"scale": "standard", "compute": "fargate", "egress": "nat-gateway",
              "source": "s3", "buildspecs": "repository"}  # fmt: skip
DATA_ROWS = [
    {**_DATA_BASE, "stages": stages, "data": store} for store in DATA for stages in (1, 3)
] + [{**_DATA_BASE, "egress": "public-ip", "stages": 1, "data": "all"}]
PRODUCT = [
    dict(zip(FACTORS, values, strict=True)) for values in itertools.product(*FACTORS.values())
] + DATA_ROWS
ROWS = [row for row in PRODUCT if _allowed(row)]


@pytest.fixture(scope="module")
def pool() -> Iterator[ProcessPoolExecutor]:
    # one pool for the module: each worker loads cfn-lint's rules once
    with ProcessPoolExecutor(max_workers=WORKERS) as executor:
        yield executor


@pytest.fixture(scope="module")
def outcomes(pool: ProcessPoolExecutor) -> dict[str, tuple[list[Diagnostic], Compiled | None]]:
    results = pool.map(compile_data, [spec(row) for row in PRODUCT], chunksize=8)
    return dict(zip(map(row_id, PRODUCT), results, strict=True))


@pytest.fixture(scope="module")
def matrix(outcomes: dict[str, tuple[list[Diagnostic], Compiled | None]]) -> dict[str, Compiled]:
    return {key: out for key, (_, out) in outcomes.items() if out is not None}


def test_the_language_rejects_only_public_ip_on_ec2_and_accepts_the_rest_cleanly(
    outcomes: dict[str, tuple[list[Diagnostic], Compiled | None]],
) -> None:
    assert len(PRODUCT) == len(set(map(row_id, PRODUCT)))
    for row in PRODUCT:
        diagnostics, out = outcomes[row_id(row)]
        if _allowed(row):
            assert (diagnostics, out is not None) == ([], True), row_id(row)
        else:
            assert out is None, row_id(row)
            assert {(d.code, d.severity) for d in diagnostics} == {("TS211", Severity.ERROR)}


def test_every_distinct_template_lints_clean(
    pool: ProcessPoolExecutor, matrix: dict[str, Compiled]
) -> None:
    where: dict[bytes, tuple[str, str]] = {}  # sha256 -> (first row/file, text)
    for key, out in matrix.items():
        for name, text in out.files.items():
            if name.endswith(".yaml"):
                where.setdefault(hashlib.sha256(text.encode()).digest(), (f"{key}/{name}", text))
    # the longest first, so the two workers finish together
    jobs = sorted(where.values(), key=lambda job: -len(job[1]))
    results = pool.map(partial(lint_text, also=JOINS), [text for _, text in jobs], chunksize=8)
    problems = [f"{at}: {p}" for (at, _), found in zip(jobs, results, strict=True) for p in found]
    assert problems == []


def test_every_buildspec_command_passes_shellcheck(matrix: dict[str, Compiled]) -> None:
    blocks: dict[str, str] = {}
    for key, out in matrix.items():
        for file_name in (BUILD_FILE, RELEASE_FILE):
            blocks |= command_blocks(f"{key}/{file_name}", out.files[file_name])
    distinct = {script: label for label, script in blocks.items()}  # rows share most blocks
    assert len(distinct) >= 2
    assert shellcheck({label: script for script, label in distinct.items()}) == []


def _one_command(command: str) -> str:
    phases = {"build": {"commands": [command]}}
    return yaml.safe_dump({"version": 0.2, "env": {"shell": "bash"}, "phases": phases})


def test_shellcheck_reports_what_it_should() -> None:
    """The check above can fail: an unquoted expansion is a finding, an annotated one not."""
    (finding,) = shellcheck(command_blocks("loose", _one_command("echo $HOME/x y")))
    assert finding.startswith("loose:build:commands:1:") and "SC2086" in finding
    annotated = "# shellcheck disable=SC2086  # on purpose\necho $HOME/x y"
    assert shellcheck(command_blocks("annotated", _one_command(annotated))) == []


def test_templates_stay_within_cloudformation_limits(matrix: dict[str, Compiled]) -> None:
    for key, out in matrix.items():
        for name, count in out.resources.items():
            assert 0 < count < MAX_RESOURCES, (key, name)
            assert len(out.files[name].encode()) < MAX_TEMPLATE_BYTES, (key, name)
        assert len(out.files["root.yaml"].encode()) < MAX_ROOT_BYTES, key


_URL = re.compile(r"\$\{TemplatePrefix\}([^\s'\"]+)")


@pytest.mark.parametrize("key", [row_id(row) for row in ROWS])
def test_every_template_url_names_a_written_file(
    key: str, matrix: dict[str, Compiled], tmp_path: Path
) -> None:
    out = matrix[key]
    assert write_out(out.files, tmp_path / out.name) == []
    written = {p.name for p in (tmp_path / out.name).iterdir()}
    referenced = {m for text in out.files.values() for m in _URL.findall(text)}
    assert referenced and referenced <= written
    # every template but the root is some stack's child
    assert {n for n in out.resources if n != "root.yaml"} == referenced


# Rows compiled a second time: together they take every value of every factor (compiling
# all 200 again cost a sixth of the suite and found nothing these do not).
TWICE = [
    "standard-ec2-nat-gateway-github-repository-1",
    "hyperscale-fargate-public-ip-s3-webhook-inline-3",
    "standard-fargate-nat-instance-bitbucket-inline-3",
    "hyperscale-ec2-nat-instance-gitlab-repository-1",
    "standard-fargate-public-ip-s3-repository-3",
]


def test_the_rows_compiled_twice_take_every_value_of_every_factor() -> None:
    rows = {row_id(row): row for row in ROWS}
    for factor, values in FACTORS.items():
        assert {rows[key][factor] for key in TWICE} == set(values), factor


@pytest.mark.parametrize("key", TWICE)
def test_compiling_twice_gives_the_same_bytes(key: str, matrix: dict[str, Compiled]) -> None:
    (row,) = [row for row in ROWS if row_id(row) == key]
    _, second = compile_data(spec(row))
    assert second is not None and second.files == matrix[key].files


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _compile_in_subprocess(example: Path, out: Path, seed: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "compiler.cli", "compile", str(example), "--out", str(out)]
    env = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.stem)
def test_two_processes_with_different_hash_seeds_write_the_same_bytes(
    example: Path, tmp_path: Path
) -> None:
    """Set and dict-of-str ordering varies with PYTHONHASHSEED; the output must not."""
    runs = {seed: _compile_in_subprocess(example, tmp_path / seed, seed) for seed in ("1", "2")}
    for seed, run in runs.items():
        _, stderr = run.communicate(timeout=300)
        assert run.returncode == 0, (seed, stderr)
    first, second = _tree(tmp_path / "1"), _tree(tmp_path / "2")
    assert any(name.endswith("/root.yaml") for name in first)
    assert first == second


# Types whose instances carry no name of their own (tags aside), or a fixed one.
UNNAMED_TYPES = {
    "AWS::ApiGatewayV2::ApiMapping", "AWS::ApiGatewayV2::Integration", "AWS::ApiGatewayV2::Route",
    "AWS::ApiGatewayV2::Stage",  # always `$default`
    "AWS::ApplicationAutoScaling::ScalableTarget", "AWS::EC2::EIP", "AWS::EC2::EIPAssociation",
    "AWS::EC2::Instance", "AWS::EC2::InternetGateway", "AWS::EC2::NatGateway", "AWS::EC2::Route",
    "AWS::EC2::RouteTable", "AWS::EC2::Subnet", "AWS::EC2::SubnetRouteTableAssociation",
    "AWS::EC2::VPC", "AWS::EC2::VPCEndpoint", "AWS::EC2::VPCGatewayAttachment",
    "AWS::EC2::SecurityGroupIngress",
    "AWS::ECS::ClusterCapacityProviderAssociations", "AWS::ElasticLoadBalancingV2::Listener",
    "AWS::Lambda::Permission", "AWS::Lambda::Url", "AWS::S3::BucketPolicy",
    "AWS::SNS::Subscription", "AWS::SNS::TopicPolicy", "Custom::AsgCleanup",
    "Custom::BucketEmptier", "Custom::DesiredCount",
}  # fmt: skip


def stack_names(spec_name: str) -> list[str]:
    """Stack names a user may deploy a spec as: its own name, the longest CloudFormation
    takes, names with doubled or trailing hyphens, and one beginning with each prefix a
    service reserves (in either case), where that is a valid stack name."""
    valid = re.compile(naming_rules()[("AWS::CloudFormation::Stack", "StackName")].pattern)
    reserved = sorted({p for rule in naming_rules().values() for p in rule.reserved_prefixes})
    starts = [f"{p}app" for p in reserved] + [f"{p.upper()}app" for p in reserved]
    longest = f"{spec_name}-".ljust(128, "x")
    names = [spec_name, longest, "a--b", "app-", *starts]
    return [name for name in names if valid.fullmatch(name)]


def test_stack_names_cover_the_reserved_prefixes() -> None:
    names = stack_names(NAME)
    assert {"ecsapp", "awsapp", "sg-app", "xn--app", "internal-app", "sthree-app"} <= set(names)
    assert max(map(len, names)) == 128 and len(NAME) == 25 and len(LONG_STAGE) == 10


def test_every_type_in_the_matrix_is_in_the_naming_table_or_has_no_name(
    matrix: dict[str, Compiled],
) -> None:
    named = {kind for kind, _ in naming_rules()}
    emitted = set().union(*(resource_types(out.files) for out in matrix.values()))
    assert emitted - named - UNNAMED_TYPES == set()
    assert "AWS::ApiGatewayV2::Authorizer" in emitted  # the options rows reach every type


def test_every_name_in_the_matrix_follows_the_aws_naming_rules(
    matrix: dict[str, Compiled],
) -> None:
    problems: set[str] = set()
    checked = 0
    for key, out in matrix.items():
        for stack in stack_names(out.name):
            for found in physical_names(out.files, stack):
                where = (
                    f"{found.file} {found.logical_id} {found.rule.resource_type}."
                    f"{found.rule.property} (stack {stack!r}, {key})"
                )
                if found.unresolved:
                    problems.add(f"{where}: not known before deploy: {found.unresolved}")
                    continue
                checked += 1
                problems |= {
                    f"{where}: {found.name!r} {p}" for p in name_problems(found.rule, found.name)
                }
    assert sorted(problems)[:20] == []
    assert checked > 100_000
