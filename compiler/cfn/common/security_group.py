"""Security groups as every stack declares them: named by tinystack, never by CloudFormation.

A generated group name begins with the stack's name, and EC2 refuses names that begin
with `sg-` (compiler/data/naming_rules.json), so a stack named `sg-...` could not deploy.
"""

from __future__ import annotations

from typing import Any

from troposphere import ec2

from compiler.cfn.common.names import group_name


def security_group(title: str, GroupDescription: str, **props: Any) -> ec2.SecurityGroup:
    """An `AWS::EC2::SecurityGroup` with `GroupName` set from its title and description."""
    return ec2.SecurityGroup(
        title,
        GroupName=group_name(title, GroupDescription),
        GroupDescription=GroupDescription,
        **props,
    )
