"""Credentials written as plain environment values: a warning that points at `secrets`.

`app.environment` (and a stage's `environment`) is written into the task definition in
plain text, readable by anyone who can read the stack; a secret belongs in Secrets
Manager or SSM Parameter Store, named by ARN under `secrets`. The message names the
variable and what it looks like, never the value.
"""

from __future__ import annotations

import re

from compiler.diagnostics import Diagnostic, warning_rule
from compiler.spec.checks.declare import stage_check
from compiler.spec.checks.view import StageView

# what a value looks like -> the shape that gives it away
CREDENTIAL_SHAPES: dict[str, re.Pattern[str]] = {
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
    "an AWS access key ID": re.compile(
        r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Z0-9])"
    ),
    "a private key": re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----"),
    "a password in a URL": re.compile(
        r"://[^/\s:@]*:[^/\s@]+@|[?&;]pass(?:word|wd)?=[^&;\s]", re.IGNORECASE
    ),
}


CREDENTIAL = warning_rule(
    "TS271", "an environment value that looks like a credential (use secrets)"
)


@stage_check(CREDENTIAL)
def check_credentials_in_environment(view: StageView) -> list[Diagnostic]:
    """Warn about environment values shaped like a credential (they land in the template)."""
    out = []
    for name, value in sorted((view.get("app", "environment") or {}).items()):
        if not isinstance(value, str):
            continue
        kind = next((k for k, shape in CREDENTIAL_SHAPES.items() if shape.search(value)), None)
        if kind is None:
            continue
        message = (f"the value of '{name}' looks like {kind}; environment values are "
                   "written into the templates in plain text")  # fmt: skip
        hint = (f"Store it in Secrets Manager or SSM Parameter Store and name its ARN under "
                f"'secrets' as {name}.")  # fmt: skip
        out.append(view.diagnostic(("app", "environment", name), CREDENTIAL, message, hint,
                                   at_value=True))  # fmt: skip
    return out
