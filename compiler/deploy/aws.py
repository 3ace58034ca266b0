"""The one door to AWS: a boto3 session for a target, and calls that fail as one line.

boto3 is imported here, lazily, and nowhere else in the compiler. Clients use botocore's
standard retry mode (which retries throttling and transient errors with backoff), and
honour `--endpoint-url` or, as boto3 does by itself, AWS_ENDPOINT_URL. The region is
`--region`, else AWS_REGION (which botocore ignores; the AWS CLI v2 and the other SDKs
read it first), else boto3's own: AWS_DEFAULT_REGION, then the profile's.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from difflib import get_close_matches
from typing import Any

from compiler.deploy.errors import DeployError, explain

DEFAULT_POLL_SECONDS = 5.0


@dataclass(frozen=True)
class Target:
    """Where to deploy, as given on the command line (None: boto3's own defaults)."""

    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None


def poll_seconds() -> float:
    """Seconds between polls while waiting; TINYSTACK_POLL_SECONDS shortens it for tests."""
    raw = os.environ.get("TINYSTACK_POLL_SECONDS", "")
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_POLL_SECONDS
    except ValueError:
        return DEFAULT_POLL_SECONDS


def _known_regions(session: Any) -> set[str]:
    regions: set[str] = set()
    for partition in session.get_available_partitions():
        regions.update(session.get_available_regions("cloudformation", partition))
    return regions


@dataclass
class Aws:
    """A boto3 session bound to one region, with clients made on first use."""

    session: Any
    region: str
    endpoint_url: str | None
    profile: str | None
    _clients: dict[str, Any] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        if service not in self._clients:
            from botocore.config import Config

            # standard mode retries throttling and transient errors with backoff; its number
            # of attempts stays configurable as in boto3 (AWS_MAX_ATTEMPTS, default 3)
            config = Config(retries={"mode": "standard"}, connect_timeout=10, read_timeout=60)
            self._clients[service] = self.session.client(
                service, region_name=self.region, endpoint_url=self.endpoint_url, config=config
            )
        return self._clients[service]

    def _explain(self, exc: Exception, service: str, operation: str) -> DeployError:
        endpoint = (
            self.endpoint_url
            or os.environ.get("AWS_ENDPOINT_URL")
            or (f"for {service} in {self.region}")
        )
        return explain(exc, service, operation, profile=self.profile or "", endpoint=endpoint)

    def flags(self) -> str:
        """`--region R [--profile P]`: what a hint's command needs to reach the same stack."""
        return f"--region {self.region}" + (f" --profile {self.profile}" if self.profile else "")

    def call(self, service: str, operation: str, /, **params: Any) -> Any:
        """Call `operation` (snake_case) on `service`; any failure becomes a DeployError."""
        from botocore.exceptions import BotoCoreError, ClientError

        api_name = _api_name(operation)
        try:
            return getattr(self.client(service), operation)(**params)
        except (BotoCoreError, ClientError) as exc:
            raise self._explain(exc, service, api_name) from exc

    def pages(self, service: str, operation: str, /, **params: Any) -> Iterator[Any]:
        """Every page of a paginated operation, failures explained as in `call`."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            paginator = self.client(service).get_paginator(operation)
            yield from paginator.paginate(**params)
        except (BotoCoreError, ClientError) as exc:
            raise self._explain(exc, service, _api_name(operation)) from exc


def _api_name(operation: str) -> str:
    return "".join(part.capitalize() for part in operation.split("_"))


def connect(target: Target) -> Aws:
    """A session for `target`: profile and region resolved and checked, no call made yet."""
    import boto3
    from botocore.exceptions import BotoCoreError

    region_name = target.region or os.environ.get("AWS_REGION") or None
    try:
        session = boto3.Session(profile_name=target.profile, region_name=region_name)
    except BotoCoreError as exc:
        raise explain(exc, "sts", "Session", profile=target.profile or "") from exc
    region = session.region_name
    if not region:
        raise DeployError("no AWS region: pass --region or set AWS_REGION")
    known = _known_regions(session)
    if known and region not in known:
        close = get_close_matches(region, sorted(known), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise DeployError(f"unknown AWS region '{region}'{hint}")
    return Aws(session, region, target.endpoint_url, target.profile)
