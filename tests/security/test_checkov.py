"""checkov's CloudFormation checks over every template of the compile matrix and of the
golden cases: no failed check outside tests/security/checkov_allowlist.txt, and no line
there that no template needs any more.

checkov conflicts with the test tools, so it lives in its own virtual environment,
.venv-checkov, which .ci/run creates (pinned in pyproject's `security` extra). Without it
the test is skipped, except under CI, where it fails.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "cfn"))
from matrix_jobs import compile_data  # noqa: E402
from test_matrix import ROWS, spec  # noqa: E402

CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"
ALLOWLIST = Path(__file__).with_name("checkov_allowlist.txt")
GOLDEN = sorted((ROOT / "tests" / "golden").glob("*/tinystack.yaml"))


def allowlist() -> dict[str, str]:
    """Check ID -> the reason it is accepted, from `ID: reason` lines."""
    entries = {}
    for line in ALLOWLIST.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            check, _, reason = line.partition(":")
            entries[check.strip()] = reason.strip()
    return entries


# the matrix has no custom domain; an ALB with one must pass the TLS checks
ALB_WITH_DOMAIN = {
    "version": 1, "name": "tls-app", "scale": "hyperscale",
    "endpoint": {"domain": {"name": "api.example.com", "hosted_zone_id": "Z123ABC",
                            "certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/x"}},
}  # fmt: skip


def _specs() -> list[dict[str, Any]]:
    found = [spec(row) for row in ROWS] + [ALB_WITH_DOMAIN]
    for path in GOLDEN:
        try:
            found.append(yaml.safe_load(path.read_text(encoding="utf-8")))
        except yaml.YAMLError:  # the bad-yaml case
            continue
    return found


def _write_templates(folder: Path) -> int:
    """Every distinct template of the matrix and the golden cases, one file each."""
    with ProcessPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(compile_data, _specs(), chunksize=8))
    written = set()
    for _, compiled in outcomes:
        for name, text in (compiled.files if compiled else {}).items():
            digest = hashlib.sha256(text.encode()).hexdigest()[:16]
            if name.endswith(".yaml") and digest not in written:
                written.add(digest)
                (folder / f"{digest}-{name}").write_text(text, encoding="utf-8")
    return len(written)


def failed_checks(folder: Path) -> dict[str, list[str]]:
    """checkov's failed checks over `folder`: check ID -> 'file resource' where it failed."""
    done = subprocess.run(
        [str(CHECKOV), "--directory", str(folder), "--framework", "cloudformation", "--quiet",
         "--compact", "--skip-download", "--output", "json"],
        capture_output=True, text=True, timeout=900,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE"},  # no network: the mapping is online
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr[-2000:]
    reports = json.loads(done.stdout)
    failed: dict[str, list[str]] = {}
    for report in reports if isinstance(reports, list) else [reports]:
        assert report["summary"]["parsing_errors"] == 0, report["summary"]
        for check in report["results"]["failed_checks"]:
            where = f"{Path(check['file_path']).name} {check['resource']}"
            failed.setdefault(check["check_id"], []).append(where)
    return failed


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not CHECKOV.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHECKOV} is missing: .ci/run creates it")
        pytest.skip("no .venv-checkov: run .ci/run (or see this module's docstring)")
    folder = tmp_path_factory.mktemp("templates")
    assert _write_templates(folder) > 50
    return folder


@pytest.fixture(scope="module")
def findings(scanned: Path) -> dict[str, list[str]]:
    return failed_checks(scanned)


def test_every_failed_check_is_allowlisted_with_a_reason(findings: dict[str, list[str]]) -> None:
    allowed = allowlist()
    assert all(len(reason) > 20 for reason in allowed.values())
    outside = {check: places[:3] for check, places in findings.items() if check not in allowed}
    assert outside == {}


def test_no_allowlist_line_outlives_its_finding(findings: dict[str, list[str]]) -> None:
    assert sorted(set(allowlist()) - set(findings)) == []


def test_an_alb_with_a_domain_passes_the_tls_checks(
    scanned: Path, findings: dict[str, list[str]]
) -> None:
    with_tls = {p.name for p in scanned.iterdir() if "HttpsListener" in p.read_text()}
    assert with_tls  # ALB_WITH_DOMAIN was scanned
    for check in ("CKV_AWS_2", "CKV_AWS_103"):
        assert [w for w in findings.get(check, []) if w.split()[0] in with_tls] == []


def test_the_scan_reports_a_finding_the_allowlist_does_not_cover(tmp_path: Path) -> None:
    if not CHECKOV.exists():
        pytest.skip("no .venv-checkov")
    (tmp_path / "open.yaml").write_text(
        "Resources:\n  Group:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n"
        "      GroupDescription: open\n      SecurityGroupIngress:\n"
        "        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}\n"
    )
    found = failed_checks(tmp_path)
    assert "CKV_AWS_24" in found  # SSH open to the world
    assert "CKV_AWS_24" not in allowlist()
