"""Reference checks: secret values that are not SSM parameter or Secrets Manager ARNs, and
`source` fields that do not fit the provider.
"""

from __future__ import annotations

import re

from compiler.diagnostics import Diagnostic, error_rule
from compiler.spec.checks.declare import spec_check, stage_check
from compiler.spec.checks.view import StageView
from compiler.spec.load import LoadedSpec
from compiler.spec.resolve import ResolvedSpec
from compiler.spec.wording import show

# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar.html
SECRET_ARN = re.compile(
    r"arn:aws[a-z-]*:(?:ssm:[a-z0-9-]+:[0-9]{12}:parameter/.+"
    r"|secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+)"
)
SECRET_NOT_ARN = error_rule("TS241", "a secret that is not an SSM parameter or Secrets Manager ARN")
WRONG_SOURCE_KEY = error_rule("TS242", "a source key that does not fit the provider")
NO_REPOSITORY = error_rule("TS243", "a git source without repository")
_GIT_ONLY = ("repository", "connection_arn", "branch")
_S3_ONLY = ("bucket", "key", "webhook")
# source key -> hint when it is used with the wrong provider
_SOURCE_HINTS = {
    "repository": "Remove it: an s3 source reads bucket/key (a webhook names its own repository).",
    "connection_arn": "Remove it: an s3 source needs no connection.",
    "branch": "Remove it: an s3 source starts on every new version of bucket/key.",
    "bucket": "Remove it, or set provider: s3.",
    "key": "Remove it, or set provider: s3.",
    "webhook": "Set provider: s3: the webhook uploads each pushed commit to bucket/key.",
}


@stage_check(SECRET_NOT_ARN)
def check_secret_arns(view: StageView) -> list[Diagnostic]:
    """Forbid secret values that are not SSM parameter or Secrets Manager secret ARNs."""
    out = []
    for name, arn in sorted((view.get("app", "secrets") or {}).items()):
        if not isinstance(arn, str) or SECRET_ARN.fullmatch(arn):
            continue  # not text: the schema said so
        message = f"{show(arn)} is not the ARN of an SSM parameter or a Secrets Manager secret"
        hint = (
            "Expected arn:aws:ssm:REGION:ACCOUNT:parameter/NAME or "
            "arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME."
        )
        out.append(view.diagnostic(("app", "secrets", name), SECRET_NOT_ARN, message, hint, True))
    return out


@spec_check(WRONG_SOURCE_KEY, NO_REPOSITORY)
def check_source_fields(spec: ResolvedSpec, loaded: LoadedSpec) -> list[Diagnostic]:
    """Forbid source keys of the other provider kind, and a git source without repository."""
    source = loaded.data.get("source")
    if not isinstance(source, dict):
        return []
    provider = source.get("provider", "github")
    wrong = _GIT_ONLY if provider == "s3" else _S3_ONLY
    out = []
    for key in wrong:
        if key in source:
            kind = "only to provider 's3'" if provider != "s3" else "to git providers only"
            message = f"'{key}' applies {kind}; this source is {show(provider)}"
            out.append(
                loaded.diagnostic(("source", key), WRONG_SOURCE_KEY, message, _SOURCE_HINTS[key])
            )
    if provider != "s3" and "repository" not in source:
        message = f"provider {show(provider)} needs 'repository' (owner/name)"
        hint = "Add repository: OWNER/NAME, or use provider: s3."
        out.append(loaded.diagnostic(("source", "repository"), NO_REPOSITORY, message, hint))
    return out
