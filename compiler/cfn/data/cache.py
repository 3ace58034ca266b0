"""The ElastiCache (Valkey) cache of data-<stage>.yaml.

A subnet group over the private subnets, a security group without rules here (the service
stack adds the one rule: the cache port from the stage's task security group), and a
one-node replication group: TLS in transit, encrypted at rest. A cache holds nothing that
cannot be rebuilt, so it goes with its stack. The replication group is named
(`tinystack-cache-<12 hex of the stack UUID>`, within ElastiCache's 40 characters): a
generated name begins with the stack's, and two hyphens in a row are refused.
"""

from __future__ import annotations

from troposphere import GetAtt, Output, Ref, Split, Template, elasticache

from compiler.cfn.common.names import short_unique_name
from compiler.cfn.common.outputs import NetworkOut
from compiler.cfn.common.security_group import security_group
from compiler.cfn.common.tagging import tag_list
from compiler.cfn.data.outputs import DataOut
from compiler.ir.model import CacheIR, StackIR, StageIR

CACHE = "Cache"
REPLICATION_GROUP_ID_LIMIT = 40


def add_cache(template: Template, ir: StackIR, stage: StageIR, cache: CacheIR) -> None:
    """The cache, its network and its outputs (host, port, security group)."""
    template.add_resource(
        elasticache.SubnetGroup(
            "CacheSubnetGroup",
            Description=f"{stage.names.prefix} cache: the private subnets",
            SubnetIds=Split(",", Ref(NetworkOut.PRIVATE_SUBNET_IDS.value)),
            **tag_list(ir),
        )
    )
    template.add_resource(
        security_group(
            "CacheSecurityGroup",
            GroupDescription=f"{stage.names.prefix} cache: its port from the stage tasks only",
            VpcId=Ref(NetworkOut.VPC_ID.value),
            **tag_list(ir),
        )
    )
    template.add_resource(
        elasticache.ReplicationGroup(
            CACHE,
            ReplicationGroupId=short_unique_name("tinystack-cache", REPLICATION_GROUP_ID_LIMIT),
            ReplicationGroupDescription=f"{stage.names.prefix} cache",
            Engine=cache.engine,
            EngineVersion=cache.engine_version,
            CacheNodeType=cache.node_type,
            NumCacheClusters=1,
            AutomaticFailoverEnabled=False,
            TransitEncryptionEnabled=True,
            AtRestEncryptionEnabled=True,
            Port=cache.port,
            CacheSubnetGroupName=Ref("CacheSubnetGroup"),
            SecurityGroupIds=[GetAtt("CacheSecurityGroup", "GroupId")],
            **tag_list(ir),
        )
    )
    outputs = {
        DataOut.CACHE_HOST: GetAtt(CACHE, "PrimaryEndPoint.Address"),
        DataOut.CACHE_PORT: GetAtt(CACHE, "PrimaryEndPoint.Port"),
        DataOut.CACHE_SECURITY_GROUP_ID: GetAtt("CacheSecurityGroup", "GroupId"),
    }
    for out, value in outputs.items():
        template.add_output(Output(out.value, Value=value))
