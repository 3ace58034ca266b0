"""Values the schema accepts but AWS or CloudFormation refuse, checked where the schema
cannot: Unicode character classes of tag values, and the root Description (bytes, not
characters; never a `${...}`, which cfn-lint reads as an unsubstituted reference, E1029,
and which no Fn::Sub can escape in a Description).
"""

from __future__ import annotations

import re
import unicodedata

from compiler.diagnostics import Diagnostic, error_rule
from compiler.spec.checks.declare import spec_check
from compiler.spec.load import LoadedSpec
from compiler.spec.resolve import ResolvedSpec
from compiler.spec.wording import show

# https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-resource-tags.html
# and the resource schemas (ECS, ELB, IAM): ^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$
_TAG_CATEGORIES = ("L", "Z", "N")
_TAG_PUNCTUATION = frozenset("_.:/=+-@")
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-description-structure.html
MAX_DESCRIPTION_BYTES = 1024
# cfn-lint E1029's shape of a substitution: ${Name}, ${AWS::Region}, ${Res.Attr}
SUBSTITUTION = re.compile(r"\$\{[A-Za-z0-9_:.]+\}")
TAG_CHARACTERS = error_rule("TS261", "a tag value with characters AWS tags do not allow")
DESCRIPTION_BYTES = error_rule("TS262", "a description over CloudFormation's 1,024 bytes")
DESCRIPTION_SUBSTITUTION = error_rule("TS263", "a description holding a '${...}' substitution")


def _tag_character_ok(char: str) -> bool:
    return char in _TAG_PUNCTUATION or unicodedata.category(char)[0] in _TAG_CATEGORIES


@spec_check(TAG_CHARACTERS)
def check_tag_values(spec: ResolvedSpec, loaded: LoadedSpec) -> list[Diagnostic]:
    """Forbid tag values holding characters outside AWS's tag character set."""
    tags = spec.data.get("tags") or {}
    out = []
    for key, value in tags.items():
        bad = next((c for c in str(value) if not _tag_character_ok(c)), None)
        if bad is None:
            continue
        shown = f"U+{ord(bad):04X}" if not bad.isprintable() else f"'{bad}'"
        message = f"tag value {show(value)} holds {shown}, which AWS tags do not allow"
        hint = "Use letters, digits, spaces and _ . : / = + - @ only."
        out.append(loaded.diagnostic(("tags", key), TAG_CHARACTERS, message, hint, at_value=True))
    return out


@spec_check(DESCRIPTION_BYTES, DESCRIPTION_SUBSTITUTION)
def check_description(spec: ResolvedSpec, loaded: LoadedSpec) -> list[Diagnostic]:
    """Forbid a description over CloudFormation's 1,024 bytes, or holding a `${...}`."""
    text = spec.data.get("description")
    if not isinstance(text, str):
        return []
    out = []
    size = len(text.encode("utf-8"))
    if size > MAX_DESCRIPTION_BYTES:
        message = (f"is {size} bytes in UTF-8; a CloudFormation template Description holds at "
                   f"most {MAX_DESCRIPTION_BYTES}")  # fmt: skip
        out.append(loaded.diagnostic(("description",), DESCRIPTION_BYTES, message,
                                     "Shorten it (letters outside ASCII take 2 to 4 bytes).",
                                     at_value=True))  # fmt: skip
    found = SUBSTITUTION.search(text)
    if found is not None:
        message = f"{show(found.group())} reads as a CloudFormation substitution"
        hint = "Write it without '${', e.g. '$NAME': a Description cannot be an Fn::Sub."
        out.append(
            loaded.diagnostic(
                ("description",), DESCRIPTION_SUBSTITUTION, message, hint, at_value=True
            )
        )
    return out
