"""The webhook function on deliveries shaped as GitHub and GitLab send them.

Real HTTP everywhere: the provider's archive API is a server on 127.0.0.1, Secrets
Manager, S3 and Lambda are a moto server on 127.0.0.1, and the function runs with only
the actions its compiled role grants (moto checking IAM). Its asynchronous invocation of
itself is the Invoke request the Lambda API receives; the test then runs that job as
Lambda would.
"""

from __future__ import annotations

import io
import json
import threading
import urllib.request
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar

import pytest
from cfn_templates import of_type, template_dict
from delivery_irs import source_spec, stack_ir
from moto_endpoint import aws_url as aws_url  # the fixtures, re-exported for pytest
from moto_endpoint import client, record_calls
from moto_endpoint import moto_url as moto_url
from stack_irs import lowered
from webhook_payloads import (
    GITHUB_PING,
    SHA,
    ZERO,
    github_delivery,
    github_push,
    gitlab_delivery,
    gitlab_push,
)

from compiler.buildspecs import COMMIT_FILE
from compiler.cfn.common.inline_function import function_source
from compiler.cfn.functions import webhook
from compiler.cfn.pipeline.stack import build_pipeline

SIGNING, TOKEN = "s3cret-signing", "api-token"
BUCKET, KEY = "src-bucket", "app/source.zip"


def _archive() -> bytes:
    """A provider archive: everything under one top folder."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("acme-legacy-0d1a26e/", "")
        archive.writestr("acme-legacy-0d1a26e/build.yml", "version: 0.2\n")
        archive.writestr("acme-legacy-0d1a26e/src/app.py", "print('hi')\n")
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


# IAM's action names that moto checks under another name (IAM: lambda:InvokeFunction)
_MOTO_ACTION_NAMES = {"lambda:InvokeFunction": "lambda:Invoke"}


def _role_actions() -> list[str]:
    """Every action the compiled stack grants the function (its role and self-invoke), as
    moto names them."""
    ir = stack_ir(source=source_spec("s3", webhook=True))
    resources = template_dict(build_pipeline(ir))["Resources"]
    documents = [p["PolicyDocument"] for p in resources["WebhookRole"]["Properties"]["Policies"]]
    documents.append(resources["WebhookSelfInvokePolicy"]["Properties"]["PolicyDocument"])
    actions = {a for d in documents for s in d["Statement"] for a in s["Action"]}
    return sorted(_MOTO_ACTION_NAMES.get(a, a) for a in actions)


def _enforce_iam(url: str, after: bytes) -> None:
    """moto checks IAM from the next request on (b"0"), or stops (b"inf")."""
    request = urllib.request.Request(
        f"{url}/moto-api/reset-auth", data=after, method="POST",
        headers={"Content-Type": "text/plain"},
    )  # fmt: skip
    urllib.request.urlopen(request, timeout=10).close()


class Account:
    """The function's AWS: its secrets, the source bucket, itself in Lambda, and keys
    allowed exactly what its compiled role allows."""

    def __init__(self, url: str, api_url: str, provider: str, partial_token_arn: bool) -> None:
        self.url = url
        secrets, self.s3 = client("secretsmanager", url), client("s3", url)
        self.s3.create_bucket(Bucket=BUCKET)
        signing = secrets.create_secret(Name="signing", SecretString=SIGNING)["ARN"]
        token = secrets.create_secret(Name="gh-token", SecretString=TOKEN + "\n")["ARN"]
        iam = client("iam", url)
        trust = {"Version": "2012-10-17", "Statement": []}
        role = iam.create_role(RoleName="hook", AssumeRolePolicyDocument=json.dumps(trust))
        code = io.BytesIO()
        with zipfile.ZipFile(code, "w") as package:
            package.writestr("index.py", function_source("webhook.py"))
        client("lambda", url).create_function(
            FunctionName="crud-api-webhook", Runtime="python3.12", Role=role["Role"]["Arn"],
            Handler="index.handler", Code={"ZipFile": code.getvalue()},
        )  # fmt: skip
        self.env = {
            "PROVIDER": provider,
            "REPOSITORY": "acme/legacy",
            "BRANCH": "main",
            "SIGNING_SECRET_ARN": signing,
            # a partial ARN: without the 6 characters Secrets Manager added to the name
            "TOKEN_SECRET_ARN": token.rsplit("-", 1)[0] if partial_token_arn else token,
            "BUCKET": BUCKET,
            "KEY": KEY,
            "COMMIT_FILE": COMMIT_FILE,
            "API_URL": api_url,
            "AWS_LAMBDA_FUNCTION_NAME": "crud-api-webhook",  # Lambda sets it
        }
        self.invokes: list[dict[str, Any]] = []
        statement = {"Effect": "Allow", "Action": _role_actions(), "Resource": "*"}
        policy = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
        iam.create_user(UserName="webhook")
        iam.put_user_policy(UserName="webhook", PolicyName="role", PolicyDocument=policy)
        key = iam.create_access_key(UserName="webhook")["AccessKey"]
        self.keys = (key["AccessKeyId"], key["SecretAccessKey"])

    def _as_role(self, run: Any) -> Any:
        """`run(client_factory)` as the role, moto checking every request against IAM
        (its actions: moto does not evaluate a statement's resources)."""
        lam = client("lambda", self.url, self.keys)
        calls = record_calls(lam)
        _enforce_iam(self.url, b"0")
        try:
            result = run(
                lambda name: lam if name == "lambda" else client(name, self.url, self.keys)
            )
        finally:
            _enforce_iam(self.url, b"inf")
        self.invokes += [params for op, params in calls if op == "Invoke"]
        return result

    def deliver(self, event: dict[str, Any]) -> dict[str, Any]:
        """The function answering one request."""
        answer: dict[str, Any] = self._as_role(
            lambda factory: webhook.handle(event, self.env, factory)
        )
        return answer

    def run_jobs(self) -> None:
        """What Lambda does with the asynchronous invocations: run each one."""
        jobs = [json.loads(params["Payload"]) for params in self.invokes]
        self._as_role(lambda factory: [webhook.handle(job, self.env, factory) for job in jobs])

    def objects(self) -> int:
        return int(self.s3.list_objects_v2(Bucket=BUCKET)["KeyCount"])

    def uploaded(self) -> tuple[dict[str, bytes], dict[str, str]]:
        obj = self.s3.get_object(Bucket=BUCKET, Key=KEY)
        with zipfile.ZipFile(io.BytesIO(obj["Body"].read())) as archive:
            files = {name: archive.read(name) for name in archive.namelist()}
        return files, obj["Metadata"]


@pytest.fixture()
def github(aws_url: str, api_url: str) -> Account:
    return Account(aws_url, api_url, "github", partial_token_arn=False)


@pytest.fixture()
def gitlab(aws_url: str, api_url: str) -> Account:
    return Account(aws_url, api_url, "gitlab", partial_token_arn=True)


def _answers_at_once_then_uploads(account: Account, event: dict[str, Any], path: str) -> None:
    downloads = len(_Provider.seen)
    answer = account.deliver(event)
    assert answer["statusCode"] == 202, answer
    # answered before the work: one invocation queued, nothing downloaded or uploaded
    assert len(account.invokes) == 1 and account.invokes[0]["InvocationType"] == "Event"
    assert account.invokes[0]["FunctionName"] == "crud-api-webhook"
    assert len(_Provider.seen) == downloads and account.objects() == 0
    account.run_jobs()
    assert _Provider.seen[-1] == path
    files, metadata = account.uploaded()
    # build.yml at the root, as CodeBuild expects, and the commit for the image tag
    assert files == {"build.yml": b"version: 0.2\n", "src/app.py": b"print('hi')\n",
                     COMMIT_FILE: f"{SHA}\n".encode()}  # fmt: skip
    assert metadata["codepipeline-artifact-revision-summary"].startswith(f"{SHA[:12]} Fix the")


@pytest.mark.parametrize("form", [True, False], ids=["form-encoded", "json"])
def test_a_github_push_answers_at_once_and_uploads_the_commit(github: Account, form: bool) -> None:
    event = github_delivery(github_push(), SIGNING, form=form)
    _answers_at_once_then_uploads(github, event, f"/repos/acme/legacy/zipball/{SHA}")


def test_a_gitlab_push_answers_at_once_and_uploads_the_commit(gitlab: Account) -> None:
    # this account names the API token by a partial ARN, which must work too
    event = gitlab_delivery(gitlab_push(), SIGNING)
    path = f"/projects/acme%2Flegacy/repository/archive.zip?sha={SHA}"
    _answers_at_once_then_uploads(gitlab, event, path)


@pytest.mark.parametrize(
    "event",
    [
        pytest.param(github_delivery(github_push(), "guess", form=True), id="github-form"),
        pytest.param(github_delivery(github_push(), "guess", form=False), id="github-json"),
        pytest.param(gitlab_delivery(gitlab_push(), "guess"), id="gitlab"),
        pytest.param(gitlab_delivery(gitlab_push(), "sécret"), id="gitlab-non-ascii"),
    ],
)
def test_a_bad_signature_gets_401_and_nothing_happens(
    aws_url: str, api_url: str, event: dict[str, Any]
) -> None:
    provider = "gitlab" if "x-gitlab-token" in event["headers"] else "github"
    account = Account(aws_url, api_url, provider, partial_token_arn=False)
    assert account.deliver(event)["statusCode"] == 401
    assert account.invokes == [] and account.objects() == 0


@pytest.mark.parametrize(
    ("provider", "event"),
    [
        ("github", github_delivery(github_push(ref="refs/heads/feature"), SIGNING, form=True)),
        (
            "github",
            github_delivery(github_push(ref="refs/tags/v1.2.0", created=True), SIGNING, form=True),
        ),
        ("github", github_delivery(github_push(after=ZERO, deleted=True), SIGNING, form=False)),
        ("github", github_delivery(GITHUB_PING, SIGNING, form=True, event="ping")),
        ("gitlab", gitlab_delivery(gitlab_push(ref="refs/heads/feature"), SIGNING)),
        ("gitlab", gitlab_delivery(gitlab_push("tag_push", ref="refs/tags/v1.2.0"), SIGNING)),
        ("gitlab", gitlab_delivery(gitlab_push(checkout_sha=None), SIGNING)),  # branch deleted
    ],
    ids=["gh-branch", "gh-tag", "gh-deleted", "gh-ping", "gl-branch", "gl-tag", "gl-deleted"],
)
def test_other_events_are_acknowledged_and_ignored(
    aws_url: str, api_url: str, provider: str, event: dict[str, Any]
) -> None:
    account = Account(aws_url, api_url, provider, partial_token_arn=False)
    answer = account.deliver(event)
    assert answer["statusCode"] == 202 and answer["body"].startswith("ignored")
    assert account.invokes == [] and account.objects() == 0


def test_the_template_embeds_this_very_source_with_its_settings() -> None:
    ir = stack_ir(source=source_spec("s3", webhook=True))
    function = of_type(build_pipeline(ir), "AWS::Lambda::Function")["WebhookFunction"]
    props = function["Properties"]
    assert props["Code"]["ZipFile"] == function_source("webhook.py")
    assert props["Handler"] == "index.handler"
    variables = props["Environment"]["Variables"]
    assert variables["COMMIT_FILE"] == COMMIT_FILE and variables["BRANCH"] == "main"
    assert variables["KEY"] == ir.source.key
    # the inline source compiles on its own, without the compiler package
    compile(function_source("webhook.py"), "index.py", "exec")
    assert "import compiler" not in function_source("webhook.py")


def test_the_function_may_invoke_only_itself_and_read_its_token_by_a_partial_arn() -> None:
    partial = "arn:aws:secretsmanager:us-east-1:123456789012:secret:gh-token"
    hook = {"provider": "github", "repository": "acme/legacy", "token_secret_arn": partial}
    ir = lowered({"version": 1, "name": "crud-api", "source": {"provider": "s3", "webhook": hook}})
    resources = template_dict(build_pipeline(ir))["Resources"]
    (invoke,) = resources["WebhookSelfInvokePolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert invoke["Action"] == ["lambda:InvokeFunction"]
    assert invoke["Resource"] == [{"Fn::GetAtt": ["WebhookFunction", "Arn"]}]
    (policy,) = resources["WebhookRole"]["Properties"]["Policies"]
    (read,) = [
        s
        for s in policy["PolicyDocument"]["Statement"]
        if s["Action"] == ["secretsmanager:GetSecretValue"]
    ]
    # the secret's real ARN carries 6 more characters, which IAM must match too
    assert [partial, f"{partial}-??????"] == [r for r in read["Resource"] if isinstance(r, str)]
