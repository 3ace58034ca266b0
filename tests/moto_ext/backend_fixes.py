"""moto service models made to behave as AWS does where tinystack's stacks need it.

Cloud Map namespaces, CodeBuild projects fed by CodePipeline, Route 53 zone IDs,
Fn::GetAtt attributes of the ALB and target group models, and ECR image digests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _patch_namespace_conflict() -> None:
    """Cloud Map allows several private namespaces in one VPC when their names differ;
    moto refuses any second one. Only a namespace of the same name conflicts here."""
    from moto.servicediscovery.models import ServiceDiscoveryBackend

    original = ServiceDiscoveryBackend.create_private_dns_namespace

    def create(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        others = {k: v for k, v in self.namespaces.items() if v.name != name}
        for key in others:
            del self.namespaces[key]
        try:
            return original(self, name, *args, **kwargs)
        finally:
            self.namespaces.update(others)

    ServiceDiscoveryBackend.create_private_dns_namespace = create


def _patch_codebuild_pipeline_source() -> None:
    """A CODEPIPELINE source or artifact has no location in CodeBuild; moto demanded one."""
    from moto.codebuild import responses as codebuild

    for name in ("_validate_required_params_source", "_validate_required_params_artifacts"):
        original = getattr(codebuild, name)

        def check(value: dict[str, Any], original: Callable[..., None] = original) -> None:
            if value.get("type") != "CODEPIPELINE":
                original(value)

        setattr(codebuild, name, check)


def _patch_zone_ids() -> None:
    """Hosted zone IDs start with Z, as in Route 53 (moto's are random letters)."""
    from moto.route53 import models as route53

    original = route53.create_route53_zone_id

    def zone_id(*args: Any, **kwargs: Any) -> str:
        return "Z" + str(original(*args, **kwargs))[1:]

    route53.create_route53_zone_id = zone_id


# ALB hosted zone for alias records (us-east-1's published value; the fake has one region)
_ALB_ZONE = "Z35SXDOTRQ7X7K"


def _extra_attributes() -> dict[type, dict[str, Callable[[Any], Any]]]:
    from moto.elbv2.models import FakeLoadBalancer, FakeTargetGroup

    return {
        FakeTargetGroup: {
            "TargetGroupFullName": lambda tg: tg.arn.split(":")[-1],
            "TargetGroupName": lambda tg: tg.name,
            "TargetGroupArn": lambda tg: tg.arn,
        },
        FakeLoadBalancer: {
            "LoadBalancerFullName": lambda lb: lb.arn.split(":loadbalancer/")[-1],
            "CanonicalHostedZoneID": lambda lb: _ALB_ZONE,
            "SecurityGroups": lambda lb: list(lb.security_groups),
        },
    }


def _patch_attributes() -> None:
    """Fn::GetAtt attributes moto's models lack (target group and ALB full names, ...)."""
    for cls, extra in _extra_attributes().items():
        original = getattr(cls, "get_cfn_attribute", None)

        def get(self: Any, name: str, extra: Any = extra, original: Any = original) -> Any:
            if name in extra:
                return extra[name](self)
            if original is None:
                raise NotImplementedError(name)
            return original(self, name)

        cls.get_cfn_attribute = get


def _patch_image_digests() -> None:
    """ECR images as the registry stores them: an image's digest is the sha256 of its
    manifest's bytes (moto hashed the layer digests); PutImage with an imageDigest that
    does not match is refused; moving a tag to another image leaves the image it was on
    in the repository, untagged (moto deleted an image whose only tag moved)."""
    import hashlib

    from moto.ecr.exceptions import ServiceException
    from moto.ecr.models import ECRBackend, Image

    class ImageDigestDoesNotMatchException(ServiceException):
        code = "ImageDigestDoesNotMatchException"

    def digest(self: Any) -> None:
        self._image_digest = "sha256:" + hashlib.sha256(self.image_manifest.encode()).hexdigest()

    Image._create_digest = digest
    original = ECRBackend.put_image

    def put_image(
        self: Any, repository_name: str, image_manifest: str, image_tag: str,
        image_manifest_mediatype: str | None = None, digest: str | None = None,
    ) -> Any:  # fmt: skip
        computed = "sha256:" + hashlib.sha256(image_manifest.encode()).hexdigest()
        if digest and digest != computed:
            raise ImageDigestDoesNotMatchException(
                f"Invalid parameter at 'imageDigest' failed to satisfy constraint: "
                f"'{digest}' does not match the digest of the manifest, {computed}"
            )
        repository = self.repositories.get(repository_name)
        for image in repository.images if repository else []:
            if image_tag in image.image_tags and image.get_image_digest() != computed:
                image.remove_tag(image_tag)
                if not image.image_tags:
                    image.image_tag = None
        return original(self, repository_name, image_manifest, image_tag,
                        image_manifest_mediatype, computed)  # fmt: skip

    ECRBackend.put_image = put_image


def _patch_bucket_versioning() -> None:
    """A template's bucket keeps its VersioningConfiguration (moto's CloudFormation
    dropped it, so its objects had no version ids)."""
    from moto.s3 import models as s3

    original = s3.FakeBucket.create_from_cloudformation_json.__func__

    def create(
        cls: Any, name: str, cfn: dict[str, Any], account: str, region: str, **kw: Any
    ) -> Any:
        bucket = original(cls, name, cfn, account, region, **kw)
        status = ((cfn.get("Properties") or {}).get("VersioningConfiguration") or {}).get("Status")
        if status:
            bucket.versioning_status = status
        return bucket

    s3.FakeBucket.create_from_cloudformation_json = classmethod(create)


def install() -> None:
    """Apply every fix of this module."""
    _patch_bucket_versioning()
    _patch_image_digests()
    _patch_attributes()
    _patch_zone_ids()
    _patch_namespace_conflict()
    _patch_codebuild_pipeline_source()
