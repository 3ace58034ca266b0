"""Every AWS failure a user can meet, as one clear line (no traceback ever).

`explain` turns a botocore exception into a `DeployError` whose message names what went
wrong and what to do; the tables below are the whole vocabulary. botocore is not
imported here: exceptions are recognised by class name and error code.
"""

from __future__ import annotations

from typing import Any


class DeployError(Exception):
    """A failure to report as one line on stderr, then exit 1."""


class AwsError(DeployError):
    """An AWS API error, with its error code so callers can recognise expected ones."""

    def __init__(self, message: str, code: str = "", status: int = 0) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


def follow_command(stack_name: str, flags: str) -> str:
    """The AWS CLI command that follows a stack's events (`flags`: `Aws.flags()`)."""
    return f"aws cloudformation describe-stack-events --stack-name {stack_name} {flags}"


class Interrupted(Exception):
    """Ctrl-C while waiting: the stack goes on deploying without us."""

    def __init__(self, stack_name: str, region: str, flags: str) -> None:
        super().__init__(stack_name)
        self.stack_name = stack_name
        self.region = region
        self.flags = flags  # `--region R [--profile P]`, for the command it suggests

    @property
    def follow(self) -> str:
        """What to tell the person: the stack goes on, and how to follow it."""
        return (
            f"stack '{self.stack_name}' goes on in CloudFormation; follow it with "
            f"`{follow_command(self.stack_name, self.flags)}` or in the console"
        )


class Unanswered(Exception):
    """No answer can come to a question (stdin closed, Ctrl-C): treated as a no, with why."""


_ACCESS = "access denied: your AWS identity may not call {action}; grant it, or use --profile"
_REJECTED = "AWS rejected the credentials ({code}); check AWS_ACCESS_KEY_ID or --profile"
_EXPIRED = "the AWS session has expired ({code}); sign in again (e.g. `aws sso login`) and rerun"
_THROTTLED = "AWS kept throttling {action} after retries; wait a minute and rerun"

# API error code -> message template ({action}: 'service:Operation', {code}, {message})
_BY_CODE: dict[str, str] = {
    **dict.fromkeys(
        ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
         "AuthorizationError", "Forbidden", "403"),
        _ACCESS,
    ),
    **dict.fromkeys(
        ("InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch",
         "InvalidAccessKeyId", "AuthFailure", "IncompleteSignature", "InvalidSignatureException"),
        _REJECTED,
    ),
    **dict.fromkeys(
        ("ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"),
        _EXPIRED,
    ),
    **dict.fromkeys(
        ("Throttling", "ThrottlingException", "TooManyRequestsException",
         "RequestLimitExceeded", "SlowDown"),
        _THROTTLED,
    ),
}  # fmt: skip

_UNREACHABLE = (
    "cannot reach the AWS endpoint {endpoint}: check the network, --endpoint-url or "
    "AWS_ENDPOINT_URL"
)

# botocore exception class name -> message template ({profile}, {endpoint}, {detail})
_BY_CLASS: dict[str, str] = {
    "NoCredentialsError": (
        "no AWS credentials found: pass --profile, set AWS_PROFILE or AWS_ACCESS_KEY_ID, "
        "or run `aws configure`"
    ),
    "PartialCredentialsError": "incomplete AWS credentials: {detail}",
    "ProfileNotFound": "AWS profile '{profile}' is not configured (see ~/.aws/config)",
    "NoRegionError": "no AWS region: pass --region or set AWS_REGION",
    "TokenRetrievalError": _EXPIRED.replace("{code}", "SSO token"),
    "SSOTokenLoadError": _EXPIRED.replace("{code}", "SSO token"),
    "UnauthorizedSSOTokenError": _EXPIRED.replace("{code}", "SSO token"),
    "CredentialRetrievalError": "could not load AWS credentials: {detail}",
    "EndpointConnectionError": _UNREACHABLE,
    "ConnectTimeoutError": _UNREACHABLE,
    "ConnectionClosedError": _UNREACHABLE,
    "ReadTimeoutError": _UNREACHABLE,
    "ProxyConnectionError": _UNREACHABLE,
}


def _class_names(exc: BaseException) -> list[str]:
    return [cls.__name__ for cls in type(exc).__mro__]


def explain(exc: BaseException, service: str, operation: str, **context: str) -> DeployError:
    """The one-line error for a botocore exception raised by `service`.`operation`."""
    action = f"{service}:{operation}"
    response: Any = getattr(exc, "response", None)
    if isinstance(response, dict) and "Error" in response:
        error = response["Error"]
        code = str(error.get("Code", ""))
        message = str(error.get("Message") or code)
        status = int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        template = _BY_CODE.get(code, "{action} failed: {message}")
        text = template.format(action=action, code=code, message=message)
        return AwsError(text, code, status)
    for name in _class_names(exc):
        if name in _BY_CLASS:
            fields = {"profile": "", "endpoint": "", **context, "detail": str(exc)}
            return DeployError(_BY_CLASS[name].format(**fields))
    return DeployError(f"{action} failed: {exc}")
