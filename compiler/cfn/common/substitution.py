"""Fn::Sub built from parts: the string an Fn::Join on '' would build, written as one line.

Literal text stays as it is (a `${` in it escaped as `${!`), a Ref becomes `${Name}` and a
GetAtt `${Resource.Attribute}`: `sub_join("arn:", Ref("AWS::Partition"), ":s3:::",
Ref(bucket))` is `!Sub arn:${AWS::Partition}:s3:::${SourceBucket}`, the form people write
and cfn-lint's informational rule I1022 asks for instead of the join.
"""

from __future__ import annotations

from troposphere import GetAtt, Ref, Sub


def sub_join(*parts: str | Ref | GetAtt) -> Sub:
    """The concatenation of `parts` as one Fn::Sub string."""
    return Sub("".join(_piece(part) for part in parts))


def _piece(part: str | Ref | GetAtt) -> str:
    if isinstance(part, str):
        return part.replace("${", "${!")
    data = part.to_dict()
    if isinstance(part, Ref):
        return f"${{{data['Ref']}}}"
    resource, attribute = data["Fn::GetAtt"]
    return f"${{{resource}.{attribute}}}"
