"""The RDS database of data-<stage>.yaml.

A subnet group over the private subnets, a security group without rules here (the service
stack adds the one rule: the engine port from the stage's task security group), a
parameter group that makes the server refuse connections without TLS, and the instance:
storage encrypted, gp3, daily backups, multi-AZ when asked, not publicly accessible, its
master password created and kept by RDS in Secrets Manager (`ManageMasterUserPassword`),
so no password is in any template or output. `DeletionPolicy`/`UpdateReplacePolicy:
Snapshot`: deleting the stack by hand completes and leaves a final snapshot; there is no
deletion protection, which would make that delete fail.

The instance and parameter group are named (`tinystack-...-<stack UUID>`): a generated
name begins with the stack's, and RDS refuses two hyphens in a row (a stack `a--b`). The
parameter group's name carries its family, so a new major version (a new family, which
replaces the group) gets a new name and the replacement can proceed.
"""

from __future__ import annotations

from troposphere import GetAtt, Output, Ref, Split, Template, rds

from compiler.cfn.common.names import unique_name
from compiler.cfn.common.outputs import NetworkOut
from compiler.cfn.common.security_group import security_group
from compiler.cfn.common.tagging import tag_list
from compiler.cfn.data.outputs import DataOut
from compiler.ir.model import DatabaseIR, StackIR, StageIR

DATABASE = "Database"
STORAGE_TYPE = "gp3"


def _network(template: Template, ir: StackIR, stage: StageIR) -> None:
    template.add_resource(
        rds.DBSubnetGroup(
            "DatabaseSubnetGroup",
            DBSubnetGroupDescription=f"{stage.names.prefix} database: the private subnets",
            SubnetIds=Split(",", Ref(NetworkOut.PRIVATE_SUBNET_IDS.value)),
            **tag_list(ir),
        )
    )
    template.add_resource(
        security_group(
            "DatabaseSecurityGroup",
            GroupDescription=f"{stage.names.prefix} database: its port from the stage tasks only",
            VpcId=Ref(NetworkOut.VPC_ID.value),
            **tag_list(ir),
        )
    )


def _parameter_group(template: Template, ir: StackIR, db: DatabaseIR) -> None:
    template.add_resource(
        rds.DBParameterGroup(
            "DatabaseParameterGroup",
            # RDS names take letters, digits and single hyphens: mysql8.0 -> mysql8-0
            DBParameterGroupName=unique_name(
                f"tinystack-{db.parameter_group_family}".replace(".", "-")
            ),
            Description=f"{db.engine} {db.version}: connections without TLS are refused",
            Family=db.parameter_group_family,
            Parameters=dict(db.tls_parameters),
            **tag_list(ir),
        )
    )


def _instance(ir: StackIR, db: DatabaseIR) -> rds.DBInstance:
    return rds.DBInstance(
        DATABASE,
        # a new engine replaces the instance, and CloudFormation replaces only what it can
        # name anew: the engine is in the name (sizes and versions change in place)
        DBInstanceIdentifier=unique_name(f"tinystack-db-{db.engine}"),
        DeletionPolicy="Snapshot",
        UpdateReplacePolicy="Snapshot",
        Engine=db.engine,
        EngineVersion=db.engine_version,
        # a spec's new major version is an upgrade in place, not a replacement
        AllowMajorVersionUpgrade=True,
        AutoMinorVersionUpgrade=True,
        DBInstanceClass=db.instance_class,
        AllocatedStorage=str(db.storage_gb),
        StorageType=STORAGE_TYPE,
        StorageEncrypted=True,
        MultiAZ=db.multi_az,
        BackupRetentionPeriod=db.backup_retention_days,
        CopyTagsToSnapshot=True,
        DeletionProtection=False,
        DBName=db.db_name,
        MasterUsername=db.master_username,
        ManageMasterUserPassword=True,
        PubliclyAccessible=False,
        Port=str(db.port),
        DBSubnetGroupName=Ref("DatabaseSubnetGroup"),
        VPCSecurityGroups=[Ref("DatabaseSecurityGroup")],
        DBParameterGroupName=Ref("DatabaseParameterGroup"),
        **tag_list(ir),
    )


def add_database(template: Template, ir: StackIR, stage: StageIR, db: DatabaseIR) -> None:
    """The database, its network, parameter group and outputs (host, port, secret, group)."""
    _network(template, ir, stage)
    _parameter_group(template, ir, db)
    template.add_resource(_instance(ir, db))
    outputs = {
        DataOut.DATABASE_HOST: GetAtt(DATABASE, "Endpoint.Address"),
        DataOut.DATABASE_PORT: GetAtt(DATABASE, "Endpoint.Port"),
        DataOut.DATABASE_SECRET_ARN: GetAtt(DATABASE, "MasterUserSecret.SecretArn"),
        DataOut.DATABASE_SECURITY_GROUP_ID: GetAtt("DatabaseSecurityGroup", "GroupId"),
    }
    for out, value in outputs.items():
        template.add_output(Output(out.value, Value=value))
