"""CloudFormation's per-template quotas, checked on the compiled templates so that a spec
that would break one fails at compile time, not twenty minutes into a deploy.

Quotas: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
(500 resources, 200 parameters, 200 outputs, 200 mappings, 1 MB for a template in S3,
51,200 bytes for a template body passed inline: the root, so it can be pasted into the
console or given to `create-stack --template-body`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # compile.py imports this module; `tsc validate` never loads troposphere
    from troposphere import Template

ROOT_TEMPLATE_BYTES = 51_200


@dataclass(frozen=True)
class Quota:
    """One per-template quota: what is counted, the most CloudFormation accepts."""

    what: str
    maximum: int
    count: Callable[[Template, str], int]


QUOTAS: tuple[Quota, ...] = (
    Quota("resources", 500, lambda template, _: len(template.resources)),
    Quota("parameters", 200, lambda template, _: len(template.parameters)),
    Quota("outputs", 200, lambda template, _: len(template.outputs)),
    Quota("mappings", 200, lambda template, _: len(template.mappings)),
    Quota("bytes", 1_000_000, lambda _, text: len(text.encode("utf-8"))),
)


@dataclass(frozen=True, order=True)
class OverQuota:
    """A template that breaks a quota: its file, what it counts, how many, the maximum."""

    file: str
    what: str
    count: int
    maximum: int

    def message(self) -> str:
        """The breach as a diagnostic's message."""
        return (f"{self.file} would hold {self.count:,} {self.what}; CloudFormation accepts "
                f"at most {self.maximum:,} per template")  # fmt: skip


def over_quota(
    templates: Mapping[str, Template], texts: Mapping[str, str], root: str
) -> list[OverQuota]:
    """Every quota each template breaks (`root` names the inline-sized root template)."""
    found = []
    for name, template in templates.items():
        for quota in QUOTAS:
            maximum = (
                ROOT_TEMPLATE_BYTES if (name, quota.what) == (root, "bytes") else quota.maximum
            )
            count = quota.count(template, texts[name])
            if count > maximum:
                found.append(OverQuota(name, quota.what, count, maximum))
    return sorted(found)
