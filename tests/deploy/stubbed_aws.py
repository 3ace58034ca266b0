"""A real `Aws` session whose botocore clients answer from botocore's Stubber: the deploy
package's decisions are tested on AWS's own request and response shapes, with no endpoint.

Stubber checks each request's parameters and each queued answer against the service
model, and answers in the order queued.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import boto3
from botocore.stub import Stubber

from compiler.deploy.aws import Aws

REGION = "eu-west-1"


@contextmanager
def stubbed(*services: str) -> Iterator[tuple[Aws, dict[str, Stubber]]]:
    """An Aws for REGION and a Stubber per service; every queued answer must be used."""
    session = boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
    )
    aws = Aws(session, REGION, None, None)
    stubbers = {service: Stubber(aws.client(service)) for service in services}
    for stubber in stubbers.values():
        stubber.activate()
    yield aws, stubbers
    for stubber in stubbers.values():
        stubber.assert_no_pending_responses()
        stubber.deactivate()
