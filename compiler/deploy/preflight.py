"""Checks that catch, before anything is created, what would fail twenty minutes in.

Credentials and region (STS GetCallerIdentity); a domain certificate outside the stack's
region or missing (one not ISSUED yet is a warning); an external S3 source bucket without
versioning (CodePipeline's S3 source needs it); a source connection still PENDING (the
pipeline cannot start until someone activates it in the console: a warning, since the
deploy itself succeeds).
"""

from __future__ import annotations

from dataclasses import dataclass

from compiler.deploy.aws import Aws
from compiler.deploy.bundle import Bundle, certificate_region
from compiler.deploy.errors import AwsError, DeployError

CONNECTIONS_CONSOLE = (
    "https://console.aws.amazon.com/codesuite/settings/connections?region={region}"
)


class PreflightFailed(DeployError):
    """One or more problems, each reported on its own line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems[0])
        self.problems = problems


@dataclass(frozen=True)
class Identity:
    account: str
    arn: str


@dataclass(frozen=True)
class Preflight:
    identity: Identity
    warnings: tuple[str, ...]


def whoami(aws: Aws) -> Identity:
    """The caller's account and ARN; fails as one line without usable credentials."""
    found = aws.call("sts", "get_caller_identity")
    return Identity(str(found["Account"]), str(found["Arn"]))


def _certificate_state(aws: Aws, arn: str) -> str | None:
    """The certificate's status (ISSUED, PENDING_VALIDATION, ...); None if it is missing."""
    try:
        found = aws.call("acm", "describe_certificate", CertificateArn=arn)
    except AwsError as exc:
        if exc.code in ("ResourceNotFoundException", "ValidationException"):
            return None
        raise
    status: str = found["Certificate"].get("Status", "")
    return status


def _certificates(aws: Aws, bundle: Bundle) -> tuple[list[str], list[str]]:
    problems, warnings = [], []
    for arn in bundle.certificate_arns():
        region = certificate_region(arn)
        if region != aws.region:
            problems.append(
                f"certificate {arn} is in {region} but the stack deploys to {aws.region}; "
                f"request or import the certificate in {aws.region} and use its ARN"
            )
            continue
        status = _certificate_state(aws, arn)
        if status is None:
            problems.append(
                f"certificate {arn} does not exist in {aws.region}; check "
                "'endpoint.domain.certificate_arn'"
            )
        elif status != "ISSUED":
            warnings.append(
                f"certificate {arn} is {status}: the endpoint's HTTPS listener or "
                "domain fails until it is ISSUED (finish its DNS validation)"
            )
    return problems, warnings


def _source_buckets(aws: Aws, bundle: Bundle) -> list[str]:
    problems = []
    for bucket in bundle.external_source_buckets():
        try:
            status = aws.call("s3", "get_bucket_versioning", Bucket=bucket).get("Status")
        except AwsError as exc:
            if exc.code == "NoSuchBucket":
                problems.append(
                    f"source bucket '{bucket}' does not exist; create it "
                    "(with versioning) or fix 'source.bucket'"
                )
                continue
            raise
        if status != "Enabled":
            problems.append(
                f"source bucket '{bucket}' does not have versioning enabled, which the "
                f"pipeline's S3 source needs; run: aws s3api put-bucket-versioning "
                f"--bucket {bucket} --versioning-configuration Status=Enabled"
            )
    return problems


def connection_status(aws: Aws, arn: str) -> str | None:
    """AVAILABLE, PENDING or ERROR; None when the status cannot be read."""
    try:
        found = aws.call("codestar-connections", "get_connection", ConnectionArn=arn)
    except DeployError:
        return None
    status: str | None = found.get("Connection", {}).get("ConnectionStatus")
    return status


def pending_connection_warning(aws: Aws, arn: str, created: bool) -> str | None:
    """A reminder when `arn` is not AVAILABLE (for one the stack created: not known to be)."""
    status = connection_status(aws, arn)
    if status == "AVAILABLE" or (status is None and not created):
        return None
    state = f"is {status}" if status else "may still be PENDING"
    console = CONNECTIONS_CONSOLE.format(region=aws.region)
    return (
        f"source connection {arn} {state}: activate it once in the console ({console}), "
        "or the pipeline's source stage cannot start"
    )


def preflight(aws: Aws, bundle: Bundle, existing_connection: str | None) -> Preflight:
    """Run every check; problems raise PreflightFailed, reminders come back as warnings."""
    identity = whoami(aws)
    problems, warnings = _certificates(aws, bundle)
    problems += _source_buckets(aws, bundle)
    if problems:
        raise PreflightFailed(problems)
    checks = [(arn, False) for arn in bundle.connection_arns()]
    checks += [(existing_connection, True)] if existing_connection else []
    warnings += [w for w in (pending_connection_warning(aws, a, c) for a, c in checks) if w]
    return Preflight(identity, tuple(warnings))
