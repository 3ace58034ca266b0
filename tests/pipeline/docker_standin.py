"""`docker` for the build tests, where there is no Docker engine: login, pull, build, push.

Every call is recorded (one JSON line of arguments in $DOCKER_STANDIN_STATE/calls.jsonl).
The registry side goes through the ECR API of the endpoint in AWS_ENDPOINT_URL, as the
real registry's answers would:
- login checks the password read from stdin against ECR's authorization token for the
  registry's account; pull and push refuse a registry not logged in to.
- build checks that the context folder and the Dockerfile (relative to the working
  directory, as docker reads --file) exist, and makes an image whose single layer is the
  context's files: the same sources give the same image, other sources another one.
- push stores the image's manifest in the ECR repository under the reference's tag
  (PutImage), so the image has the digest ECR computes from that manifest.
- pull fails as docker does when the repository has no such tag.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

STATE = Path(os.environ.get("DOCKER_STANDIN_STATE", "."))
_REGISTRY = re.compile(r"^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com$")
MANIFEST_TYPE = "application/vnd.docker.distribution.manifest.v2+json"
CONFIG_TYPE = "application/vnd.docker.container.image.v1+json"
LAYER_TYPE = "application/vnd.docker.image.rootfs.diff.tar.gzip"


class DockerError(Exception):
    """A failure docker would report on stderr with exit status 1."""


def _load(name: str) -> dict[str, Any]:
    path = STATE / name
    return json.loads(path.read_text()) if path.exists() else {}


def _save(name: str, data: dict[str, Any]) -> None:
    (STATE / name).write_text(json.dumps(data, indent=1, sort_keys=True))


def _ecr() -> Any:
    import boto3  # only the commands that talk to the registry pay for it

    return boto3.client("ecr")


def _parse_reference(reference: str) -> tuple[str, str, str]:
    """(registry host, repository, tag) of `host/repository:tag`."""
    host, _, rest = reference.partition("/")
    repository, _, tag = rest.rpartition(":")
    if not _REGISTRY.match(host) or not repository:
        raise DockerError(
            f'invalid reference format: repository name must be an ECR one: "{reference}"'
        )
    return host, repository, tag or "latest"


def _logged_in(host: str) -> None:
    if host not in _load("logins.json"):
        raise DockerError(f"no basic auth credentials (docker login {host} first)")


def login(args: list[str]) -> str:
    host = args[-1]
    if "--password-stdin" not in args or args[args.index("--username") + 1] != "AWS":
        raise DockerError("this stand-in logs in with --username AWS --password-stdin only")
    password = sys.stdin.read().strip()
    match = _REGISTRY.match(host)
    refused = f"Error response from daemon: login attempt to https://{host}/v2/ failed"
    if not password or match is None:
        raise DockerError(refused)
    data = _ecr().get_authorization_token(registryIds=[match.group(1)])["authorizationData"]
    expected = base64.b64decode(data[0]["authorizationToken"]).decode().partition(":")[2]
    if password != expected:
        raise DockerError(f"{refused} with status: 401 Unauthorized")
    logins = _load("logins.json")
    logins[host] = True
    _save("logins.json", logins)
    return "Login Succeeded"


def _option_values(args: list[str], name: str) -> list[str]:
    return [args[i + 1] for i, arg in enumerate(args[:-1]) if arg == name]


def _layer(context: Path) -> bytes:
    """The context's files as one deterministic blob (the image's only layer)."""
    parts = []
    for path in sorted(p for p in context.rglob("*") if p.is_file()):
        parts.append(str(path.relative_to(context)).encode() + b"\0" + path.read_bytes())
    return b"\0\0".join(parts)


def _sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def image_manifest(layer: bytes) -> str:
    """The manifest of a one-layer image, laid out as docker pushes it (3-space indent)."""
    rootfs = {"type": "layers", "diff_ids": [_sha(layer)]}
    config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": rootfs}).encode()
    manifest = {
        "schemaVersion": 2,
        "mediaType": MANIFEST_TYPE,
        "config": {"mediaType": CONFIG_TYPE, "size": len(config), "digest": _sha(config)},
        "layers": [{"mediaType": LAYER_TYPE, "size": len(layer), "digest": _sha(layer)}],
    }
    return json.dumps(manifest, indent=3)


def build(args: list[str]) -> str:
    context = Path(args[-1])
    dockerfile = Path((_option_values(args, "--file") or [str(context / "Dockerfile")])[-1])
    if not context.is_dir():
        raise DockerError(f'unable to prepare context: path "{context}" not found')
    if not dockerfile.is_file():
        raise DockerError(
            f"failed to read dockerfile: open {dockerfile}: no such file or directory"
        )
    manifest = image_manifest(_layer(context) + b"\0\0Dockerfile\0" + dockerfile.read_bytes())
    images = _load("images.json")
    for tag in _option_values(args, "--tag"):
        images[tag] = manifest
    _save("images.json", images)
    return f"Successfully built {json.loads(manifest)['config']['digest'][7:19]}"


def push(args: list[str]) -> str:
    reference = args[-1]
    host, repository, tag = _parse_reference(reference)
    _logged_in(host)
    manifest = _load("images.json").get(f"{host}/{repository}:{tag}")
    if manifest is None:
        raise DockerError(f"An image does not exist locally with the tag: {reference}")
    try:
        image = _ecr().put_image(
            repositoryName=repository, imageManifest=manifest, imageTag=tag,
            imageManifestMediaType=MANIFEST_TYPE,
        )["image"]  # fmt: skip
        digest = image["imageId"]["imageDigest"]
    except Exception as error:  # botocore's ClientError, imported with boto3
        if "ImageAlreadyExistsException" not in str(error):
            raise DockerError(f"push failed: {error}") from error
        digest = _sha(manifest.encode())
    return f"{tag}: digest: {digest} size: {len(manifest)}"


def pull(args: list[str]) -> str:
    reference = args[-1]
    host, repository, tag = _parse_reference(reference)
    _logged_in(host)
    found = _ecr().batch_get_image(repositoryName=repository, imageIds=[{"imageTag": tag}])
    if not found["images"]:
        raise DockerError(
            f"Error response from daemon: manifest for {reference} not found: "
            "manifest unknown: Requested image not found"
        )
    images = _load("images.json")
    images[reference] = found["images"][0]["imageManifest"]
    _save("images.json", images)
    return f"Status: Downloaded newer image for {reference}"


COMMANDS = {"login": login, "build": build, "push": push, "pull": pull}


def main(argv: list[str]) -> int:
    STATE.mkdir(parents=True, exist_ok=True)
    with (STATE / "calls.jsonl").open("a") as calls:
        calls.write(json.dumps(argv) + "\n")
    if not argv or argv[0] not in COMMANDS:
        print(f"docker stand-in: unsupported command {argv[:1]}", file=sys.stderr)
        return 1
    try:
        print(COMMANDS[argv[0]](argv[1:]))
    except DockerError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
