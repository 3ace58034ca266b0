"""A local AWS account where the buildspecs run as the pipeline runs them.

The account is the moto server with tests/moto_ext on 127.0.0.1: an ECR repository, and
per stage a cluster, a service (task definition naming `<repo>:<stage>`, circuit breaker
with rollback, as the service stack makes it) and its scalable target. Builds and
releases run through the buildspec runner with the real AWS CLI and the docker stand-in
first on PATH. Their environment is what the compiled pipeline gives them: the projects'
ECR_ENDPOINT and ECR_IMAGE_URL, and each Release action's variables from
`release_variables` with its `${...}` and `#{BuildVariables.IMAGE_DIGEST}` filled in.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from buildspec_runner import Build, codebuild_variables, run_buildspec
from docker_standin import image_manifest

from compiler.buildspecs import BUILD_FILE, RELEASE_FILE, render_buildspecs
from compiler.cfn.common.outputs import StageOut
from compiler.cfn.pipeline.build import stage_parameter
from compiler.cfn.pipeline.stack import BUILD_NAMESPACE, build_pipeline, release_variables
from compiler.cfn.render import template_data
from compiler.ir.model import StackIR
from tests.moto_ext.process import REGION, MotoServer

STANDIN = Path(__file__).with_name("docker_standin.py")
CONTAINER = "app"  # the service stack's container name
# how fast the tests' releases look at a rollout (the buildspec's defaults are minutes)
FAST_ROLLOUT = {"ROLLOUT_POLL_SECONDS": "0.1", "ROLLOUT_TIMEOUT_SECONDS": "20"}


@dataclass(frozen=True)
class LocalStage:
    name: str
    cluster_arn: str
    cluster_name: str
    service_name: str


class LocalAccount:
    """One test's account: its clients, its repository and stages, and the build container."""

    def __init__(self, server: MotoServer, tmp: Path, ir: StackIR) -> None:
        server.reset()
        self.server, self.tmp, self.ir = server, tmp, ir
        self.buildspecs = render_buildspecs(ir)
        self.ecr, self.ecs = self.client("ecr"), self.client("ecs")
        self.autoscaling = self.client("application-autoscaling")
        repository = self.ecr.create_repository(repositoryName=f"{ir.name}-repo")["repository"]
        self.image_url: str = repository["repositoryUri"]
        self.repository: str = repository["repositoryName"]
        self.stages: dict[str, LocalStage] = {}
        self.docker_state = tmp / "docker"
        self._bin = tmp / "bin"
        self._bin.mkdir()
        docker = self._bin / "docker"
        docker.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{STANDIN}" "$@"\n')
        docker.chmod(0o755)

    def client(self, service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.server.url,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(retries={"total_max_attempts": 1}),
        )

    # --- the build container -------------------------------------------------------------

    def container_environment(self) -> dict[str, str]:
        """The image's own environment: PATH with docker (stand-in) and aws, credentials."""
        home = self.tmp / "home"
        home.mkdir(exist_ok=True)
        aws_bin = Path(sys.executable).parent  # the `aws` of awscli, from the test extra
        return {
            "PATH": os.pathsep.join([str(self._bin), str(aws_bin), "/usr/bin", "/bin"]),
            "HOME": str(home),
            "LANG": "C.UTF-8",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_ENDPOINT_URL": self.server.url,
            "AWS_CONFIG_FILE": str(home / "aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / "aws-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_MAX_ATTEMPTS": "1",
            "DOCKER_STANDIN_STATE": str(self.docker_state),
        }

    def project_environment(self) -> dict[str, str]:
        """What the Build and Release projects set (the pipeline stack's Select/Split)."""
        return {"ECR_ENDPOINT": self.image_url.split("/")[0], "ECR_IMAGE_URL": self.image_url}

    def _run(
        self, file_name: str, source: Path, action: dict[str, str], version: str, **kwargs: Any
    ) -> Build:
        project = "build" if file_name == BUILD_FILE else "release"
        return run_buildspec(
            self.buildspecs[file_name],
            source_dir=source,
            environment=self.container_environment() | self.project_environment() | action,
            codebuild=codebuild_variables(REGION, source, version, f"{self.ir.name}-{project}"),
            **kwargs,
        )

    def build(self, source: Path, version: str = "0123abc", **overrides: str) -> Build:
        """build.yml on `source`, as the Build action runs it."""
        return self._run(BUILD_FILE, source, overrides, version)

    def release_environment(self, stage: str, digest: str) -> dict[str, str]:
        """The Release action's variables for `stage`, as the compiled pipeline sets them."""
        local = self.stages[stage]
        stage_ir = next(s for s in self.ir.stages if s.name == stage)
        values = {
            stage_parameter(stage, StageOut.CLUSTER_ARN): local.cluster_arn,
            stage_parameter(stage, StageOut.SERVICE_NAME): local.service_name,
        }
        environment = {}
        for variable in release_variables(stage_ir):
            value = variable["value"].replace(f"#{{{BUILD_NAMESPACE}.IMAGE_DIGEST}}", digest)
            for name, filled in values.items():
                value = value.replace(f"${{{name}}}", filled)
            environment[variable["name"]] = value
        return environment

    def release(
        self,
        stage: str,
        digest: str,
        stop: threading.Event | None = None,
        timeout: float | None = None,
        **overrides: str,
    ) -> Build:
        """release.yml for `stage` with the build's `digest`, as its Release action runs it
        (`stop` ends it as StopBuild would; `timeout`: the project's, in seconds)."""
        action = self.release_environment(stage, digest) | FAST_ROLLOUT | overrides
        source = self.tmp / "release-source"
        source.mkdir(exist_ok=True)
        return self._run(RELEASE_FILE, source, action, "0123abc", stop=stop, timeout=timeout)

    # --- who is asking ----------------------------------------------------------------------

    @contextmanager
    def credentials(self, statements: list[dict[str, Any]]) -> Iterator[dict[str, str]]:
        """Keys of a user with exactly `statements`, and moto checking IAM until the end.

        moto evaluates a policy's actions, not its resources (its requests carry none), so
        a statement limited to some ARNs is given here for every resource.
        """
        iam = self.client("iam")
        iam.create_user(UserName="codebuild")
        wide = [s | {"Resource": "*"} for s in statements]
        policy = json.dumps({"Version": "2012-10-17", "Statement": wide})
        iam.put_user_policy(UserName="codebuild", PolicyName="role", PolicyDocument=policy)
        key = iam.create_access_key(UserName="codebuild")["AccessKey"]
        self._reset_auth(b"0")  # from the next request on
        try:
            yield {
                "AWS_ACCESS_KEY_ID": key["AccessKeyId"],
                "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"],
            }
        finally:
            self._reset_auth(b"inf")

    def role_statements(self, role: str) -> list[dict[str, Any]]:
        """The statements the compiled pipeline stack grants its role `role`."""
        resources = template_data(build_pipeline(self.ir))["Resources"]
        policies = resources[role]["Properties"]["Policies"]
        return [s for policy in policies for s in policy["PolicyDocument"]["Statement"]]

    def _reset_auth(self, after: bytes) -> None:
        request = urllib.request.Request(
            f"{self.server.url}/moto-api/reset-auth",
            data=after,
            method="POST",
            headers={"Content-Type": "text/plain"},
        )
        urllib.request.urlopen(request, timeout=120).close()

    # --- the account's state --------------------------------------------------------------

    def create_stage(self, stage: str) -> LocalStage:
        """A stage as its first deploy leaves it: a service at 0 tasks, autoscaling floor 0."""
        name = f"{self.ir.name}-{stage}"
        cluster = self.ecs.create_cluster(clusterName=name)["cluster"]
        container = {"name": CONTAINER, "image": f"{self.image_url}:{stage}", "memory": 512}
        self.ecs.register_task_definition(family=name, containerDefinitions=[container])
        self.ecs.create_service(
            cluster=name,
            serviceName=f"{name}-service",
            taskDefinition=name,
            desiredCount=0,
            deploymentConfiguration={
                "deploymentCircuitBreaker": {"enable": True, "rollback": True},
                "maximumPercent": 200,
                "minimumHealthyPercent": 100,
            },
        )
        stage_ir = next(s for s in self.ir.stages if s.name == stage)
        self.autoscaling.register_scalable_target(
            ServiceNamespace="ecs",
            ResourceId=f"service/{name}/{name}-service",
            ScalableDimension="ecs:service:DesiredCount",
            MinCapacity=0,
            MaxCapacity=stage_ir.scaling.max,
        )
        local = LocalStage(stage, cluster["clusterArn"], name, f"{name}-service")
        self.stages[stage] = local
        return local

    def push(self, tag: str, content: bytes) -> str:
        """An image pushed under `tag` (as the docker stand-in pushes one); its digest."""
        manifest = image_manifest(content)
        image = self.ecr.put_image(
            repositoryName=self.repository, imageManifest=manifest, imageTag=tag
        )
        return str(image["image"]["imageId"]["imageDigest"])

    def tag_digest(self, tag: str) -> str | None:
        """The digest `tag` names in the repository, or None."""
        found = self.ecr.batch_get_image(
            repositoryName=self.repository, imageIds=[{"imageTag": tag}]
        )
        return str(found["images"][0]["imageId"]["imageDigest"]) if found["images"] else None

    def service(self, stage: str) -> dict[str, Any]:
        local = self.stages[stage]
        services = self.ecs.describe_services(
            cluster=local.cluster_name, services=[local.service_name]
        )
        return dict(services["services"][0])

    def floor(self, stage: str) -> int:
        local = self.stages[stage]
        targets = self.autoscaling.describe_scalable_targets(
            ServiceNamespace="ecs",
            ResourceIds=[f"service/{local.cluster_name}/{local.service_name}"],
        )["ScalableTargets"]
        return int(targets[0]["MinCapacity"])

    def released(self, stage: str, digest: str) -> None:
        """The stage as a completed release of `digest` leaves it (set up through the API)."""
        self.ecr.put_image(
            repositoryName=self.repository,
            imageManifest=self._manifest(digest),
            imageTag=stage,
        )
        local = self.stages[stage]
        self.ecs.update_service(
            cluster=local.cluster_name, service=local.service_name, desiredCount=1,
            forceNewDeployment=True,
        )  # fmt: skip
        self.service(stage)  # the deployment settles when looked at

    def _manifest(self, digest: str) -> str:
        found = self.ecr.batch_get_image(
            repositoryName=self.repository, imageIds=[{"imageDigest": digest}]
        )
        return str(found["images"][0]["imageManifest"])
