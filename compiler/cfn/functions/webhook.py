"""Webhook receiver (Lambda, function URL): a provider push -> the commit's source zip in S3.

Embedded inline in pipeline.yaml; standard library and boto3 only. It verifies the
provider's signature with the stack-generated secret (GitHub: X-Hub-Signature-256 HMAC;
GitLab: X-Gitlab-Token), ignores other branches, downloads the pushed commit's archive with
the API token, re-zips it without the archive's top folder plus a file naming the commit,
and uploads it to BUCKET/KEY, which starts the pipeline.
"""

import base64
import hashlib
import hmac
import io
import json
import os
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable, Mapping
from typing import Any

API_URLS = {"github": "https://api.github.com", "gitlab": "https://gitlab.com/api/v4"}


def verify(provider: str, headers: Mapping[str, str], body: bytes, secret: str) -> bool:
    """True when the request carries the provider's proof of knowing `secret`."""
    if provider == "github":
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(headers.get("x-hub-signature-256", ""), expected)
    return hmac.compare_digest(headers.get("x-gitlab-token", ""), secret)


def pushed_commit(provider: str, payload: Mapping[str, Any], branch: str) -> tuple[str, str] | None:
    """(commit id, message) of a push to `branch`, or None for anything else."""
    if payload.get("ref") != "refs/heads/" + branch:
        return None
    commit = payload.get("after") if provider == "github" else payload.get("checkout_sha")
    if not commit or set(commit) == {"0"} or payload.get("deleted"):
        return None
    head = payload.get("head_commit") or (payload.get("commits") or [{}])[-1]
    return str(commit), str((head or {}).get("message", ""))


def archive_request(
    provider: str, api_url: str, repository: str, commit: str, token: str
) -> urllib.request.Request:
    """The HTTP request that downloads `commit` of `repository` as a zip."""
    if provider == "github":
        url = f"{api_url}/repos/{repository}/zipball/{commit}"
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json"}
    else:
        project = urllib.parse.quote(repository, safe="")
        url = f"{api_url}/projects/{project}/repository/archive.zip?sha={commit}"
        headers = {"PRIVATE-TOKEN": token}
    headers["User-Agent"] = "tinystack-webhook"
    return urllib.request.Request(url, headers=headers)


def rezip(archive: bytes, commit: str, commit_file: str) -> bytes:
    """The archive's files without its single top folder, plus `commit_file` holding `commit`."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(archive)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            inner = info.filename.split("/", 1)[1] if "/" in info.filename else ""
            if not inner or info.is_dir():
                continue
            info.filename = inner
            dst.writestr(info, src.read(info.orig_filename))
        dst.writestr(commit_file, commit + "\n")
    return out.getvalue()


def _reply(status: int, message: str) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"Content-Type": "text/plain"}, "body": message}


def _secret(client: Any, arn: str) -> str:
    return str(client.get_secret_value(SecretId=arn)["SecretString"]).strip()


def handle(
    event: Mapping[str, Any],
    env: Mapping[str, str],
    secrets: Any,
    s3: Any,
    opener: Callable[..., Any] = urllib.request.urlopen,
) -> dict[str, Any]:
    """Process one function-URL event; `secrets`/`s3` are boto3 clients."""
    provider = env["PROVIDER"]
    body = event.get("body") or ""
    raw = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    if not verify(provider, headers, raw, _secret(secrets, env["SIGNING_SECRET_ARN"])):
        return _reply(401, "bad signature")
    try:
        payload = json.loads(raw or b"{}")
    except ValueError:
        return _reply(400, "body is not JSON")
    push = pushed_commit(provider, payload, env["BRANCH"])
    if push is None:
        return _reply(202, "ignored: not a push to " + env["BRANCH"])
    commit, message = push
    api_url = env.get("API_URL") or API_URLS[provider]
    token = _secret(secrets, env["TOKEN_SECRET_ARN"])
    request = archive_request(provider, api_url, env["REPOSITORY"], commit, token)
    with opener(request, timeout=60) as response:
        archive: bytes = response.read()
    # S3 metadata travels as HTTP headers: one ASCII line
    summary = f"{commit[:12]} {message}".splitlines()[0][:200].encode("ascii", "replace")
    s3.put_object(
        Bucket=env["BUCKET"],
        Key=env["KEY"],
        Body=rezip(archive, commit, env["COMMIT_FILE"]),
        Metadata={"codepipeline-artifact-revision-summary": summary.decode()},
    )
    return _reply(200, f"uploaded {commit} to s3://{env['BUCKET']}/{env['KEY']}")


def handler(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point."""
    import boto3

    return handle(event, dict(os.environ), boto3.client("secretsmanager"), boto3.client("s3"))
