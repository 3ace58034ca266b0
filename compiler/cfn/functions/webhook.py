"""Webhook receiver (Lambda, function URL): a provider push -> the commit's source zip in S3.

Embedded inline in pipeline.yaml; standard library and boto3 only. It handles two events:
- the function URL's request. GitHub sends `application/x-www-form-urlencoded` (the JSON
  in a `payload` field) unless the hook was set to `application/json`; GitLab sends JSON.
  The signature over the raw body is checked in constant time against the stack-generated
  secret (GitHub: X-Hub-Signature-256, HMAC-SHA256; GitLab: X-Gitlab-Token); anything but
  a push to BRANCH is ignored (other branches, tags, deletions, pings). Both providers give
  up after about 10 seconds, so the answer (202) comes at once: the function invokes
  itself asynchronously with the push and returns.
- that asynchronous invocation (`{"tinystack_push": ...}`, which a URL request cannot
  carry: those always have a requestContext): it downloads the commit's archive with the
  API token, re-zips it without the archive's top folder plus a file naming the commit,
  and uploads it to BUCKET/KEY, which starts the pipeline. Lambda retries it twice when it
  fails.
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
JOB = "tinystack_push"
_FORM = "application/x-www-form-urlencoded"


def verify(provider: str, headers: Mapping[str, str], body: bytes, secret: str) -> bool:
    """True when the request carries the provider's proof of knowing `secret`."""
    if provider == "github":
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        given = headers.get("x-hub-signature-256", "")
    else:
        expected, given = secret, headers.get("x-gitlab-token", "")
    # bytes: compare_digest refuses non-ASCII str, and a header may hold anything
    return hmac.compare_digest(given.encode(), expected.encode())


def parse_payload(headers: Mapping[str, str], body: bytes) -> Any:
    """The event's JSON, from a JSON body or from the `payload` field of a form body."""
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == _FORM:
        fields = urllib.parse.parse_qs(body.decode("utf-8"), strict_parsing=True)
        return json.loads(fields["payload"][0])
    return json.loads(body or b"{}")


def pushed_commit(provider: str, payload: Any, branch: str) -> tuple[str, str] | None:
    """(commit id, message) of a push to `branch`, or None for anything else."""
    if not isinstance(payload, dict) or payload.get("ref") != "refs/heads/" + branch:
        return None
    if provider == "github":
        commit, head = payload.get("after"), payload.get("head_commit") or {}
    elif payload.get("object_kind") == "push":  # GitLab tag pushes are tag_push
        commit = payload.get("checkout_sha")
        pushed = payload.get("commits") or []
        head = next((c for c in pushed if c.get("id") == commit), {})
    else:
        return None
    if not commit or set(str(commit)) == {"0"} or payload.get("deleted"):
        return None
    return str(commit), str(head.get("message", ""))


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


Client = Callable[[str], Any]  # a service name -> its boto3 client


def receive(event: Mapping[str, Any], env: Mapping[str, str], client: Client) -> dict[str, Any]:
    """Answer one function-URL request; a verified push is handed to an async invocation."""
    provider = env["PROVIDER"]
    body = event.get("body") or ""
    raw = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    signing = _secret(client("secretsmanager"), env["SIGNING_SECRET_ARN"])
    if not verify(provider, headers, raw, signing):
        return _reply(401, "bad signature")
    try:
        payload = parse_payload(headers, raw)
    except (ValueError, KeyError):
        return _reply(400, "body is neither JSON nor a form with a JSON payload field")
    push = pushed_commit(provider, payload, env["BRANCH"])
    if push is None:
        return _reply(202, "ignored: not a push to " + env["BRANCH"])
    commit, message = push
    client("lambda").invoke(
        FunctionName=env["AWS_LAMBDA_FUNCTION_NAME"],
        InvocationType="Event",
        Payload=json.dumps({JOB: {"commit": commit, "message": message}}).encode(),
    )
    return _reply(202, f"accepted {commit}: its source zip follows")


def fetch(
    job: Mapping[str, str],
    env: Mapping[str, str],
    client: Client,
    opener: Callable[..., Any] = urllib.request.urlopen,
) -> dict[str, Any]:
    """Download the pushed commit, re-zip it and upload it to BUCKET/KEY."""
    provider, commit = env["PROVIDER"], job["commit"]
    api_url = env.get("API_URL") or API_URLS[provider]
    token = _secret(client("secretsmanager"), env["TOKEN_SECRET_ARN"])
    request = archive_request(provider, api_url, env["REPOSITORY"], commit, token)
    with opener(request, timeout=60) as response:
        archive: bytes = response.read()
    # S3 metadata travels as HTTP headers: one ASCII line
    summary = f"{commit[:12]} {job.get('message', '')}".splitlines()[0][:200]
    client("s3").put_object(
        Bucket=env["BUCKET"],
        Key=env["KEY"],
        Body=rezip(archive, commit, env["COMMIT_FILE"]),
        Metadata={
            "codepipeline-artifact-revision-summary": summary.encode("ascii", "replace").decode()
        },
    )
    return {"uploaded": commit, "to": f"s3://{env['BUCKET']}/{env['KEY']}"}


def handle(
    event: Mapping[str, Any],
    env: Mapping[str, str],
    client: Client,
    opener: Callable[..., Any] = urllib.request.urlopen,
) -> dict[str, Any]:
    """One invocation: a URL request, or the asynchronous job a request started."""
    if "requestContext" not in event and JOB in event:
        return fetch(event[JOB], env, client, opener)
    return receive(event, env, client)


def handler(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point."""
    import boto3

    return handle(event, dict(os.environ), boto3.client)
