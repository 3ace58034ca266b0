"""The template bucket and the upload of a compiled folder.

Key scheme: `<prefix><stack>/<file>`, and the root's TemplatePrefix parameter is
`<prefix><stack>/`, the same on every deploy. Nested templates are content-addressed in
their file names (`service-dev.<sha256[:12]>.yaml`, as `tsc compile` wrote them), so a
key never changes its content: an in-flight deploy never sees a half-updated set, and an
unchanged nested stack keeps its TemplateURL and parameters, which CloudFormation leaves
alone. The root goes up last under its own content address (`root.<sha256[:12]>.yaml`),
the key the change set reads. A file already at its key (same sha256 in its metadata) is
skipped. Old templates stay until removed (they are small; versioned bucket).
"""

from __future__ import annotations

from dataclasses import dataclass

from compiler.deploy.aws import Aws
from compiler.deploy.bundle import Bundle
from compiler.deploy.errors import AwsError, DeployError

_NOT_FOUND = ("404", "NoSuchBucket", "NotFound", "NoSuchKey")
_CONTENT_TYPES = {"json": "application/json", "yaml": "application/x-yaml",
                  "yml": "application/x-yaml", "txt": "text/plain"}  # fmt: skip


@dataclass(frozen=True)
class Upload:
    """What an upload did, file names per outcome."""

    bucket: str
    prefix: str  # the TemplatePrefix value: '<prefix><stack>/'
    root_key: str  # the key of the root template, for the change set
    uploaded: tuple[str, ...]
    unchanged: tuple[str, ...]


def default_bucket(account: str, region: str) -> str:
    """The template bucket used when --bucket is not given."""
    return f"tinystack-templates-{account}-{region}"


def stack_prefix(prefix: str, stack_name: str) -> str:
    """TemplatePrefix of a stack: '<prefix><stack>/' (a missing '/' after prefix is added)."""
    base = prefix.strip("/")
    return f"{base + '/' if base else ''}{stack_name}/"


def root_key(prefix: str, bundle: Bundle) -> str:
    """Where the root template goes: under its own content address, like its children."""
    stem, ext = bundle.root_file.rsplit(".", 1)
    return f"{prefix}{stem}.{bundle.hashes[bundle.root_file][:12]}.{ext}"


def _head_bucket(aws: Aws, bucket: str, account: str) -> bool:
    try:
        aws.call("s3", "head_bucket", Bucket=bucket, ExpectedBucketOwner=account)
    except AwsError as exc:
        if exc.code in _NOT_FOUND:
            return False
        if exc.status == 403 or exc.code in ("403", "AccessDenied"):
            raise DeployError(
                f"template bucket '{bucket}' belongs to another AWS account or denies you "
                "access; choose another --bucket"
            ) from exc
        raise
    return True


def _create_bucket(aws: Aws, bucket: str) -> None:
    params: dict[str, object] = {"Bucket": bucket}
    if aws.region != "us-east-1":  # us-east-1 rejects an explicit LocationConstraint
        params["CreateBucketConfiguration"] = {"LocationConstraint": aws.region}
    try:
        aws.call("s3", "create_bucket", **params)
    except AwsError as exc:
        if exc.code == "BucketAlreadyExists":
            raise DeployError(
                f"bucket name '{bucket}' is taken by another AWS account; choose another --bucket"
            ) from exc
        if exc.code != "BucketAlreadyOwnedByYou":
            raise
    aws.call(
        "s3",
        "put_public_access_block",
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    aws.call(
        "s3",
        "put_bucket_encryption",
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    aws.call(
        "s3", "put_bucket_versioning", Bucket=bucket, VersioningConfiguration={"Status": "Enabled"}
    )


def ensure_bucket(aws: Aws, bucket: str, account: str, create: bool) -> bool:
    """Make sure the template bucket exists and is ours; True when it was created now."""
    if _head_bucket(aws, bucket, account):
        return False
    if not create:
        raise DeployError(
            f"template bucket '{bucket}' does not exist; pass --create-bucket to create it "
            "(encrypted, versioned, public access blocked) or name one with --bucket"
        )
    _create_bucket(aws, bucket)
    return True


def _stored_sha(aws: Aws, bucket: str, key: str, account: str) -> str | None:
    try:
        head = aws.call("s3", "head_object", Bucket=bucket, Key=key, ExpectedBucketOwner=account)
    except AwsError as exc:
        if exc.code in _NOT_FOUND:
            return None
        raise
    sha: str | None = head.get("Metadata", {}).get("sha256")
    return sha


def _keys(bundle: Bundle, prefix: str) -> dict[str, str]:
    # children first, root last: whoever sees the root finds every child in place
    keys = {name: f"{prefix}{name}" for name in sorted(bundle.files) if name != bundle.root_file}
    return keys | {bundle.root_file: root_key(prefix, bundle)}


def upload_bundle(aws: Aws, bundle: Bundle, bucket: str, prefix: str, account: str) -> Upload:
    """Put every file of `bundle` under `prefix` unless already there."""
    outcome: dict[str, list[str]] = {"uploaded": [], "unchanged": []}
    keys = _keys(bundle, prefix)
    for name, key in keys.items():
        sha = bundle.hashes[name]
        if _stored_sha(aws, bucket, key, account) == sha:
            outcome["unchanged"].append(name)
            continue
        aws.call(
            "s3",
            "put_object",
            Bucket=bucket,
            Key=key,
            Body=bundle.files[name],
            Metadata={"sha256": sha},
            ExpectedBucketOwner=account,
            ContentType=_CONTENT_TYPES.get(name.rsplit(".", 1)[-1], "text/plain"),
        )
        outcome["uploaded"].append(name)
    return Upload(
        bucket,
        prefix,
        keys[bundle.root_file],
        tuple(outcome["uploaded"]),
        tuple(outcome["unchanged"]),
    )


def template_url(aws: Aws, bucket: str, key: str) -> str:
    """The https URL CloudFormation reads a template from."""
    suffix = "amazonaws.com.cn" if aws.region.startswith("cn-") else "amazonaws.com"
    return f"https://{bucket}.s3.{aws.region}.{suffix}/{key}"
