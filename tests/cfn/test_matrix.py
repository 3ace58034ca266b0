"""Whole compiled outputs over a pairwise covering array of the spec's choices.

Every pair of values of any two factors (scale, compute, egress, source, buildspecs,
stage count) appears in at least one compiled spec; the full product would be 240
compiles. Each distinct template text is linted once: zero cfn-lint errors or warnings.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from delivery_irs import lint_text

from compiler.commands.compile import Compiled, compile_ir
from compiler.ir.lower import lower_data
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
MAX_RESOURCES = (
    500  # https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
)
MAX_TEMPLATE_BYTES = 1_000_000  # a template in S3
MAX_ROOT_BYTES = 51_200  # a template body passed inline: the root, for the console or CLI


def _allowed(row: dict[str, Any]) -> bool:
    # tasks on EC2 cannot have a public IP (SPEC.md "Semantic checks")
    return not (row["compute"] == "ec2" and row["egress"] == "public-ip")


def covering_rows() -> list[dict[str, Any]]:
    """A small deterministic set of rows covering every allowed pair of factor values."""
    names = list(FACTORS)
    product = [
        dict(zip(names, values, strict=True)) for values in itertools.product(*FACTORS.values())
    ]
    candidates = [row for row in product if _allowed(row)]

    def pairs(row: dict[str, Any]) -> set[tuple[str, Any, str, Any]]:
        return {(a, row[a], b, row[b]) for a, b in itertools.combinations(names, 2)}

    uncovered = set().union(*(pairs(row) for row in candidates))
    rows = []
    while uncovered:
        best = max(candidates, key=lambda row: len(pairs(row) & uncovered))
        rows.append(best)
        uncovered -= pairs(best)
    return rows


def spec(row: dict[str, Any]) -> dict[str, Any]:
    """The tinystack.yaml (as data) of one row."""
    stages: list[dict[str, Any]] = [{"name": "dev"}]
    if row["stages"] == 3:
        stages += [{"name": "qa"}, {"name": "prod", "approval": True, "scaling": {"min": 2}}]
    return {
        "version": 1,
        "name": "matrix-app",
        "description": "matrix row",
        "scale": row["scale"],
        "compute": {"type": row["compute"]},
        "network": {"egress": row["egress"], "availability_zones": 3 if row["stages"] == 3 else 2},
        "source": SOURCES[row["source"]],
        "pipeline": {"buildspecs": row["buildspecs"]},
        "alarms": {"emails": ["ops@example.com"]},
        "stages": stages,
        "tags": {"team": "platform"},
    }


def row_id(row: dict[str, Any]) -> str:
    return "-".join(str(value) for value in row.values())


ROWS = covering_rows()


@cache
def compiled(key: str) -> Compiled:
    row = next(r for r in ROWS if row_id(r) == key)
    return compile_ir(lower_data(spec(row)))


def _templates() -> Iterator[tuple[str, str]]:
    for row in ROWS:
        for name, text in compiled(row_id(row)).files.items():
            if name.endswith(".yaml"):
                yield f"{row_id(row)}/{name}", text


def test_the_rows_cover_every_pair_with_far_fewer_compiles_than_the_product() -> None:
    assert len(ROWS) < 30
    seen = {(a, r[a], b, r[b]) for r in ROWS for a, b in itertools.combinations(FACTORS, 2)}
    for a, b in itertools.combinations(FACTORS, 2):
        for va, vb in itertools.product(FACTORS[a], FACTORS[b]):
            if _allowed({**dict.fromkeys(FACTORS), a: va, b: vb}):
                assert (a, va, b, vb) in seen


def test_every_template_lints_clean() -> None:
    texts: dict[str, str] = {}
    for where, text in _templates():
        texts.setdefault(text, where)  # lint each distinct content once
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lint_text, texts, chunksize=4))
    problems = [f"{where}: {p}" for where, found in zip(texts.values(), results, strict=True)
                for p in found]  # fmt: skip
    assert problems == []


def test_templates_stay_within_cloudformation_limits() -> None:
    for row in ROWS:
        out = compiled(row_id(row))
        for name, count in out.resources.items():
            assert 0 < count < MAX_RESOURCES, name
            assert len(out.files[name].encode()) < MAX_TEMPLATE_BYTES, name
        assert len(out.files["root.yaml"].encode()) < MAX_ROOT_BYTES


_URL = re.compile(r"\$\{TemplatePrefix\}([^\s'\"]+)")


@pytest.mark.parametrize("row", ROWS[:4] + ROWS[-2:], ids=row_id)
def test_every_template_url_names_a_written_file(row: dict[str, Any], tmp_path: Path) -> None:
    out = compiled(row_id(row))
    assert write_out(out.files, tmp_path / out.name) == []
    written = {p.name for p in (tmp_path / out.name).iterdir()}
    referenced = {m for text in out.files.values() for m in _URL.findall(text)}
    assert referenced and referenced <= written
    # every template but the root is some stack's child
    assert {n for n in out.resources if n != "root.yaml"} == referenced


def test_compiling_twice_gives_the_same_bytes() -> None:
    for row in (ROWS[0], ROWS[-1]):
        again = compile_ir(lower_data(spec(row)))
        assert again.files == compiled(row_id(row)).files
