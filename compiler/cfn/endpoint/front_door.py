"""What every front door builds the same way, whichever `endpoint.type` it is.

The Route 53 alias of the custom domain (`AliasRecord`, made only when the spec names a
hosted zone), and the one network hop between the front door and the tasks: TCP on the
app's port, which the front door's group lets out and the tasks' group lets in.
"""

from __future__ import annotations

from troposphere import GetAtt, Template, ec2, route53

from compiler.ir.model import DomainIR, StageIR


def app_port_rule(stage: StageIR, description: str, **peer: object) -> ec2.SecurityGroupRule:
    """TCP on the app's port, to or from `peer` (CidrIp=... or SourceSecurityGroupId=...)."""
    port = stage.app.port
    return ec2.SecurityGroupRule(
        IpProtocol="tcp", FromPort=port, ToPort=port, Description=description, **peer
    )


def add_alias_record(
    template: Template, domain: DomainIR | None, target: str, dns_name: str, zone_id: str
) -> None:
    """Alias the custom domain to `target`'s `dns_name` and `zone_id` attributes, if zoned."""
    if domain is None or domain.hosted_zone_id is None:
        return
    template.add_resource(
        route53.RecordSetType(
            "AliasRecord",
            HostedZoneId=domain.hosted_zone_id,
            Name=domain.name,
            Type="A",
            AliasTarget=route53.AliasTarget(
                DNSName=GetAtt(target, dns_name), HostedZoneId=GetAtt(target, zone_id)
            ),
        )
    )
