"""The webhook function on its own: real HTTP for the archive, and for Secrets Manager and
S3 a moto server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar

import pytest
from cfn_templates import of_type
from delivery_irs import source_spec, stack_ir
from moto_endpoint import aws_url as aws_url  # the fixtures, re-exported for pytest
from moto_endpoint import client
from moto_endpoint import moto_url as moto_url

from compiler.buildspecs import COMMIT_FILE
from compiler.cfn.common.inline_function import function_source
from compiler.cfn.functions import webhook
from compiler.cfn.pipeline.stack import build_pipeline

SHA = "0123456789abcdef0123456789abcdef01234567"
SIGNING, TOKEN = "s3cret-signing", "api-token"
BUCKET, KEY = "src-bucket", "app/source.zip"


def _archive() -> bytes:
    """A provider archive: everything under one top folder."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("acme-legacy-0123456/", "")
        archive.writestr("acme-legacy-0123456/build.yml", "version: 0.2\n")
        archive.writestr("acme-legacy-0123456/src/app.py", "print('hi')\n")
    return buffer.getvalue()


class _Provider(BaseHTTPRequestHandler):
    """Serves the archive only to a caller presenting the API token."""

    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).seen.append(self.path)
        authorized = self.headers.get("Authorization") == f"Bearer {TOKEN}" or (
            self.headers.get("PRIVATE-TOKEN") == TOKEN
        )
        body = _archive() if authorized else b"no"
        self.send_response(200 if authorized else 401)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def api_url() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture()
def aws(aws_url: str) -> dict[str, Any]:
    secrets, s3 = client("secretsmanager", aws_url), client("s3", aws_url)
    s3.create_bucket(Bucket=BUCKET)
    signing = secrets.create_secret(Name="signing", SecretString=SIGNING)["ARN"]
    token = secrets.create_secret(Name="token", SecretString=TOKEN + "\n")["ARN"]
    return {"secrets": secrets, "s3": s3, "signing": signing, "token": token}


def _env(aws: dict[str, Any], api_url: str, provider: str) -> dict[str, str]:
    return {
        "PROVIDER": provider,
        "REPOSITORY": "acme/legacy",
        "BRANCH": "main",
        "SIGNING_SECRET_ARN": aws["signing"],
        "TOKEN_SECRET_ARN": aws["token"],
        "BUCKET": BUCKET,
        "KEY": KEY,
        "COMMIT_FILE": COMMIT_FILE,
        "API_URL": api_url,
    }


def _github_event(payload: dict[str, Any], secret: str = SIGNING) -> dict[str, Any]:
    body = json.dumps(payload)
    signature = hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()
    return {"headers": {"X-Hub-Signature-256": f"sha256={signature}"}, "body": body}


PUSH = {"ref": "refs/heads/main", "after": SHA, "head_commit": {"message": "fix: ünïcode\nbody"}}


def _uploaded(aws: dict[str, Any]) -> tuple[dict[str, bytes], dict[str, str]]:
    obj = aws["s3"].get_object(Bucket=BUCKET, Key=KEY)
    with zipfile.ZipFile(io.BytesIO(obj["Body"].read())) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return files, obj["Metadata"]


def test_a_signed_github_push_uploads_the_commit_rezipped(
    aws: dict[str, Any], api_url: str
) -> None:
    env = _env(aws, api_url, "github")
    reply = webhook.handle(_github_event(PUSH), env, aws["secrets"], aws["s3"])
    assert reply["statusCode"] == 200
    assert _Provider.seen[-1] == f"/repos/acme/legacy/zipball/{SHA}"
    files, metadata = _uploaded(aws)
    # build.yml at the root, as CodeBuild expects, and the commit for the image tag
    assert files == {"build.yml": b"version: 0.2\n", "src/app.py": b"print('hi')\n",
                     COMMIT_FILE: f"{SHA}\n".encode()}  # fmt: skip
    assert metadata["codepipeline-artifact-revision-summary"].startswith(SHA[:12] + " fix: ")


def test_a_bad_signature_is_refused_and_nothing_is_uploaded(
    aws: dict[str, Any], api_url: str
) -> None:
    env = _env(aws, api_url, "github")
    reply = webhook.handle(_github_event(PUSH, secret="guess"), env, aws["secrets"], aws["s3"])
    assert reply["statusCode"] == 401
    assert aws["s3"].list_objects_v2(Bucket=BUCKET)["KeyCount"] == 0


@pytest.mark.parametrize(
    "payload",
    [
        {**PUSH, "ref": "refs/heads/feature"},  # another branch
        {**PUSH, "ref": "refs/tags/v1"},
        {**PUSH, "after": "0" * 40, "deleted": True},  # the branch was deleted
        {"zen": "Design for failure."},  # GitHub's ping
    ],
)
def test_other_events_are_ignored(aws: dict[str, Any], api_url: str, payload: Any) -> None:
    env = _env(aws, api_url, "github")
    reply = webhook.handle(_github_event(payload), env, aws["secrets"], aws["s3"])
    assert reply["statusCode"] == 202
    assert aws["s3"].list_objects_v2(Bucket=BUCKET)["KeyCount"] == 0


def test_a_gitlab_push_with_its_token_uploads(aws: dict[str, Any], api_url: str) -> None:
    env = _env(aws, api_url, "gitlab")
    payload = {"ref": "refs/heads/main", "checkout_sha": SHA, "commits": [{"message": "m"}]}
    event = {
        "headers": {"X-Gitlab-Token": SIGNING},
        "body": json.dumps(payload),
        "isBase64Encoded": False,
    }
    assert webhook.handle(event, env, aws["secrets"], aws["s3"])["statusCode"] == 200
    assert _Provider.seen[-1] == f"/projects/acme%2Flegacy/repository/archive.zip?sha={SHA}"
    files, _ = _uploaded(aws)
    assert files[COMMIT_FILE] == f"{SHA}\n".encode()
    event["headers"] = {"X-Gitlab-Token": "wrong"}
    assert webhook.handle(event, env, aws["secrets"], aws["s3"])["statusCode"] == 401


def test_a_base64_body_is_decoded_before_checking(aws: dict[str, Any], api_url: str) -> None:
    import base64

    event = _github_event(PUSH)
    event["body"] = base64.b64encode(event["body"].encode()).decode()
    event["isBase64Encoded"] = True
    reply = webhook.handle(event, _env(aws, api_url, "github"), aws["secrets"], aws["s3"])
    assert reply["statusCode"] == 200


def test_the_template_embeds_this_very_source_with_its_settings() -> None:
    ir = stack_ir(source=source_spec("s3", webhook=True))
    (function,) = of_type(build_pipeline(ir), "AWS::Lambda::Function").values()
    props = function["Properties"]
    assert props["Code"]["ZipFile"] == function_source("webhook.py")
    assert props["Handler"] == "index.handler"
    variables = props["Environment"]["Variables"]
    assert variables["COMMIT_FILE"] == COMMIT_FILE and variables["BRANCH"] == "main"
    assert variables["KEY"] == ir.source.key
    # the inline source compiles on its own, without the compiler package
    compile(function_source("webhook.py"), "index.py", "exec")
    assert "import compiler" not in function_source("webhook.py")
