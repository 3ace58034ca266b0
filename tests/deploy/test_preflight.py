"""Preflight: what would fail twenty minutes into a deploy is refused before anything starts."""

from __future__ import annotations

import json
from pathlib import Path

import boto3

from compiler.compile import compile_spec

LEGACY = """\
version: 1
name: legacy
source:
  provider: s3
  bucket: legacy-source
"""


def test_certificate_in_another_region_is_refused_before_anything_is_created(
    aws, tsc, compile_example, tmp_path
):
    folder = compile_example("hyperscale-fargate", tmp_path)
    result = tsc("deploy", str(folder), "--yes", "--create-bucket", "--region", "eu-west-1")
    assert result.exit_code == 1
    cert = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    assert result.stderr == (
        f"error: certificate {cert} is in us-east-1 but the stack deploys to eu-west-1; "
        "request or import the certificate in eu-west-1 and use its ARN\n"
    )
    assert boto3.client("s3").list_buckets()["Buckets"] == []


def test_missing_certificate_is_refused(aws, tsc, compile_example, tmp_path):
    folder = compile_example("hyperscale-fargate", tmp_path)
    result = tsc("diff", str(folder), "--create-bucket")
    assert result.exit_code == 1
    assert "does not exist in us-east-1; check 'endpoint.domain.certificate_arn'" in (result.stderr)


def test_external_source_bucket_needs_versioning(aws, tsc, tmp_path: Path):
    spec = tmp_path / "legacy.yaml"
    spec.write_text(LEGACY)
    result = compile_spec(spec, tmp_path / "out")
    folder, diagnostics = result.out_dir, result.diagnostics
    assert folder is not None, diagnostics
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="legacy-source")

    refused = tsc("diff", str(folder), "--create-bucket")
    assert refused.exit_code == 1
    assert refused.stderr == (
        "error: source bucket 'legacy-source' does not have versioning enabled, which the "
        "pipeline's S3 source needs; run: aws s3api put-bucket-versioning --bucket "
        "legacy-source --versioning-configuration Status=Enabled\n"
    )
    s3.put_bucket_versioning(Bucket="legacy-source", VersioningConfiguration={"Status": "Enabled"})
    accepted = tsc("diff", str(folder), "--create-bucket")
    assert accepted.exit_code == 0, accepted.stderr
    assert "Changes to create stack legacy:" in accepted.stdout


def test_spec_is_compiled_first_when_given_and_json_tells_the_result(aws, tsc, tmp_path):
    spec = tmp_path / "tinystack.yaml"
    spec.write_text("version: 1\nname: hello\n")
    out = str(tmp_path / "out")
    result = tsc("deploy", str(spec), "--out", out, "--yes", "--create-bucket", "--json")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out" / "hello" / "manifest.json").is_file()
    stack = boto3.client("cloudformation").describe_stacks(StackName="hello")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    doc = json.loads(result.stdout)
    assert (doc["stack"], doc["status"], doc["changes"]["kind"]) == (
        "hello",
        "CREATE_COMPLETE",
        "CREATE",
    )
    assert doc["outputs"] == {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}


def test_spec_with_errors_deploys_nothing(aws, tsc, tmp_path: Path):
    spec = tmp_path / "tinystack.yaml"
    spec.write_text("version: 1\nname: Bad_Name\n")
    result = tsc("deploy", str(spec), "--out", str(tmp_path / "out"), "--yes")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == f"error: {spec} does not compile; nothing was deployed"
    assert "Traceback" not in result.stderr


def test_unwritable_out_says_why_not_that_the_spec_is_wrong(tsc, tmp_path: Path):
    spec = tmp_path / "tinystack.yaml"
    spec.write_text("version: 1\nname: hello\n")
    taken = tmp_path / "taken"
    taken.write_text("a file where the output folder would go")
    result = tsc("deploy", str(spec), "--out", str(taken), "--yes")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {taken}/hello: cannot write the output folder: file exists; nothing was "
        "deployed. Choose a writable folder with --out."
    ]


def test_templates_compiled_as_json_deploy_too(aws, tsc, tmp_path: Path):
    spec = tmp_path / "tinystack.yaml"
    spec.write_text("version: 1\nname: hello\n")
    result = compile_spec(spec, tmp_path / "out", "json")
    folder, diagnostics = result.out_dir, result.diagnostics
    assert folder is not None, diagnostics
    assert (folder / "root.json").is_file()
    result = tsc("deploy", str(folder), "--yes", "--create-bucket")
    assert result.exit_code == 0, result.stderr
    stack = boto3.client("cloudformation").describe_stacks(StackName="hello")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
