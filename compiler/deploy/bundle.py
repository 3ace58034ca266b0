"""A compiled out/<name>/ folder as the deploy sees it: files, templates, what they hold.

The folder's manifest.json lists every file with its sha256; the deploy checks the files
against it, so what is uploaded is exactly what `tsc compile` wrote. Nested templates are
named by their content (`service-dev.<sha256[:12]>.yaml`, see `compiler.deploy.upload`);
the templates are the root and every file a TemplateURL names, from the root down. The
template scans here (certificates, external source bucket, given connection, nested
stack files) feed the preflight and the readable change summary.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from compiler.deploy.errors import DeployError
from compiler.template_yaml import load_template

MANIFEST = "manifest.json"
STACK_TYPE = "AWS::CloudFormation::Stack"
_ACM_ARN = re.compile(r"^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate/")
_CONNECTION_ARN = re.compile(r"^arn:aws[a-z-]*:(codestar-connections|codeconnections):")
_PREFIX_VAR = "${TemplatePrefix}"
# a content-addressed file: <stem>.<12 hex digits of its sha256>.<ext>
_ADDRESSED = re.compile(r"^(?P<stem>.+)\.[0-9a-f]{12}\.[a-z]+$")


def file_stem(name: str) -> str:
    """What a file is, without its content address or extension: 'service-dev'."""
    match = _ADDRESSED.match(name)
    return match["stem"] if match else name.rsplit(".", 1)[0]


def _walk(node: Any) -> Any:
    """Every mapping inside a template fragment, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _strings(node: Any) -> Any:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _load_template(text: str, name: str) -> dict[str, Any]:
    try:
        data = json.loads(text) if name.endswith(".json") else load_template(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise DeployError(f"{name} is not a readable template: {exc}") from exc
    if not isinstance(data, dict):
        raise DeployError(f"{name} is not a CloudFormation template")
    return data


def _child_urls(template: dict[str, Any]) -> dict[str, str]:
    """Nested stack logical ID -> the file its TemplateURL names under TemplatePrefix."""
    found: dict[str, str] = {}
    for logical_id, body in (template.get("Resources") or {}).items():
        if not isinstance(body, dict) or body.get("Type") != STACK_TYPE:
            continue
        urls = _strings((body.get("Properties") or {}).get("TemplateURL"))
        url = next((u for u in urls if _PREFIX_VAR in u), "")
        if url:
            found[logical_id] = url.split(_PREFIX_VAR, 1)[1]
    return found


@dataclass(frozen=True)
class Bundle:
    """The files of one compiled stack, verified against its manifest."""

    folder: Path
    name: str
    files: dict[str, bytes]  # file name -> bytes, manifest.json included
    hashes: dict[str, str]  # file name -> sha256, manifest.json included
    root_file: str

    @cached_property
    def templates(self) -> dict[str, dict[str, Any]]:
        """The root and every template a TemplateURL names, parsed, by file name."""
        found: dict[str, dict[str, Any]] = {}
        todo = [self.root_file]
        while todo:
            name = todo.pop()
            if name in found or name not in self.files:
                continue
            found[name] = _load_template(self.files[name].decode(), name)
            todo += _child_urls(found[name]).values()
        return dict(sorted(found.items()))

    @property
    def root(self) -> dict[str, Any]:
        return self.templates[self.root_file]

    def root_parameters(self) -> list[str]:
        """Parameter names the root template declares."""
        return sorted((self.root.get("Parameters") or {}).keys())

    def child_files(self) -> dict[tuple[str, str], str]:
        """(parent file, nested stack logical ID) -> child template file."""
        return {
            (parent, logical_id): child
            for parent, template in self.templates.items()
            for logical_id, child in _child_urls(template).items()
        }

    def certificate_arns(self) -> list[str]:
        """ACM certificate ARNs written into the templates."""
        return sorted(
            {s for t in self.templates.values() for s in _strings(t) if _ACM_ARN.match(s)}
        )

    def connection_arns(self) -> list[str]:
        """Source connection ARNs given in the spec (a created one is not a literal)."""
        return sorted(
            {s for t in self.templates.values() for s in _strings(t) if _CONNECTION_ARN.match(s)}
        )

    def external_source_buckets(self) -> list[str]:
        """S3 source buckets named literally in a pipeline's S3 source action."""
        buckets: set[str] = set()
        for template in self.templates.values():
            for node in _walk(template):
                type_id = node.get("ActionTypeId")
                if isinstance(type_id, dict) and type_id.get("Provider") == "S3":
                    bucket = (node.get("Configuration") or {}).get("S3Bucket")
                    if isinstance(bucket, str):
                        buckets.add(bucket)
        return sorted(buckets)


def certificate_region(arn: str) -> str:
    """The region part of an ACM certificate ARN."""
    match = _ACM_ARN.match(arn)
    return match.group(1) if match else ""


def _read_manifest(folder: Path) -> dict[str, str]:
    path = folder / MANIFEST
    try:
        doc = json.loads(path.read_text())
    except FileNotFoundError as exc:
        raise DeployError(
            f"{folder} has no {MANIFEST}; is it a folder `tsc compile` wrote?"
        ) from exc
    except (OSError, ValueError) as exc:
        raise DeployError(f"cannot read {path}: {exc}") from exc
    files = doc.get("files") if isinstance(doc, dict) else None
    if not isinstance(files, dict) or not files:
        raise DeployError(f"{path} lists no files")
    return {str(k): str(v) for k, v in files.items()}


def read_bundle(folder: Path) -> Bundle:
    """Read and verify out/<name>/; a missing or changed file is a DeployError."""
    listed = _read_manifest(folder)
    files: dict[str, bytes] = {}
    for name, expected in sorted(listed.items()):
        try:
            data = (folder / name).read_bytes()
        except OSError as exc:
            raise DeployError(
                f"{folder / name} is listed in {MANIFEST} but unreadable: {exc.strerror}"
            ) from exc
        if hashlib.sha256(data).hexdigest() != expected:
            raise DeployError(f"{folder / name} differs from {MANIFEST}; compile again")
        files[name] = data
    files[MANIFEST] = (folder / MANIFEST).read_bytes()
    hashes = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    root = next((n for n in ("root.yaml", "root.json") if n in files), None)
    if root is None:
        raise DeployError(f"{folder} has no root.yaml or root.json")
    return Bundle(folder, folder.resolve().name, files, hashes, root)
