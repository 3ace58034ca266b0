"""A small extension of moto's server that closes its CloudFormation gaps for tinystack.

Run it with `python -m tests.moto_ext --port N` (tests/deploy/conftest.py does). It is moto
in server mode plus these changes, each made inside the server process (boto3 and the
deploy code are untouched; they talk HTTP to it exactly as to AWS):

Stacks and change sets (events.py, parsing_fixes.py, nested.py, changesets.py)
- `Fn::GetAtt Child.Outputs.X` on a nested stack returns the child's output X.
- `!GetAtt Child.Outputs.X` (short form) splits at the first dot, as in CloudFormation
  (moto split at every dot).
- Executing a CREATE change set builds the stack from its template, so Outputs exist.
- A changed nested stack is updated in place (moto deleted and recreated it).
- Change sets with IncludeNestedStacks get a nested change set per nested stack
  (ResourceChange.ChangeSetId), and changes count parameter changes, with property
  Details; an UPDATE with nothing to change fails as AWS does ("didn't contain changes").
- Every resource gets CREATE/UPDATE _IN_PROGRESS/_COMPLETE/_FAILED events (moto recorded
  only stack-level events); a failing resource rolls its stack back (ROLLBACK_COMPLETE or
  UPDATE_ROLLBACK_COMPLETE) and fails its parent's nested stack resource with the reason,
  instead of failing the API call. Update rollbacks restore no resource (a limitation).
- A resource type moto does not support fails the resource ("no moto support for X")
  instead of being skipped silently.
- Property values moto reads more strictly than CloudFormation are normalised first
  (`_PROPERTY_FIXES`: a string DesiredCount, security group rules without ports).
- Generated names follow the service's rules (an ECR repository's is lowercase).
- Listing a stack's resources lists those that exist (moto's lazy map created missing
  ones while listing, e.g. after a rollback).
- A nested stack's physical ID is its stack ID (moto: its name).
- DeletionPolicy RetainExceptOnCreate retains on delete, like Retain; Snapshot deletes a
  DB instance with a final snapshot (stores.py) and retains anything else.
- A change's Replacement and each property's RequiresRecreation follow the type's
  create-only properties (cfn-lint's copy of the registry schemas) and the documented
  replacements the schemas miss, such as a DynamoDB KeySchema (replacement.py); moto
  marked no change as a replacement.
- An inline role policy reads back as JSON through GetRolePolicy (moto kept the
  template's mapping and answered its Python repr).

Stack deletes (deletion.py)
- Resources are deleted in reverse dependency order (Ref, GetAtt, Sub, DependsOn), each
  with DELETE events, so a custom resource runs while its function exists (moto: set order);
  one already gone counts as deleted.
- Deleting a bucket that holds any object version fails with BucketNotEmpty, as in S3
  (moto's CloudFormation dropped the resource and kept the bucket).
- A resource that fails to delete leaves its stack in DELETE_FAILED, still listed, and
  fails its parent's nested stack resource (moto raised from the API and lost the stack).
- Route tables are deleted with their stack (moto kept them and then refused the VPC).

Custom resources (custom.py)
- A `Custom::*` resource runs its Lambda function's inline Python in-process (moto needs
  Docker for that) and uses the response the handler PUTs to its ResponseURL.

Resource types moto's CloudFormation does not create (handlers.py; resources.py registers
them, cfn_api.py maps template properties onto the API by the botocore model): each
creates its object through that service's API into moto's own backend, so the API shows
it; updates and deletes go the same way (a stack delete removes pipeline, API, alarms...).
- AWS::ApiGatewayV2::Api, Integration, Route, Stage, VpcLink, Authorizer, DomainName,
  ApiMapping
- AWS::ServiceDiscovery::PrivateDnsNamespace, Service
- AWS::CodePipeline::Pipeline, AWS::CodeBuild::Project
- AWS::CloudWatch::Alarm
- AWS::ApplicationAutoScaling::ScalableTarget, ScalingPolicy
- AWS::ECS::CapacityProvider, ClusterCapacityProviderAssociations
- AWS::SNS::Subscription, AWS::EC2::EIPAssociation
- AWS::Budgets::Budget (budgets.py; replaced on any change)
- types with no moto backend are recorded only (`RECORDED_TYPES` in handlers.py): the
  CodeStar/CodeConnections connection, Lambda function URL, topic policies, security
  group egress rules.

Data stores (stores.py), created through each service's API:
- AWS::DynamoDB::Table with point-in-time recovery and time to live (moto's model ignored
  both and could not update a table); a new key schema makes a new table and keeps the old
  one (UpdateReplacePolicy Retain, which is always honoured here).
- AWS::RDS::DBSubnetGroup, DBParameterGroup (with its Parameters), DBInstance with
  ManageMasterUserPassword and the MasterUserSecret.SecretArn attribute (moto's models
  skipped both and read every engine's port as 3306).
- AWS::ElastiCache::SubnetGroup, ReplicationGroup (no model in moto), with the
  PrimaryEndPoint.Address/Port attributes.
- AWS::S3::Bucket gets its VersioningConfiguration and PublicAccessBlockConfiguration
  (moto's model ignored them); AWS::S3::BucketPolicy is applied (moto only recorded it),
  and moto's check of a bucket policy leaves out statements with a Condition, which it
  ignored (so a TLS-only Deny refused every request).

moto's service models where they differ from AWS (backend_fixes.py)
- ECR: an image's digest is the sha256 of its manifest (moto hashed its layer digests);
  PutImage with a mismatched imageDigest fails (ImageDigestDoesNotMatchException); a tag
  moved to another image leaves the image it was on, untagged (moto deleted it).
- Cloud Map: two private namespaces of different names may share a VPC (moto refused).
- CodeBuild: a CODEPIPELINE source or artifact needs no location (moto demanded one).
- Route 53 hosted zone IDs start with Z, as AWS's do (tinystack validates that).
- Fn::GetAtt attributes moto's ALB and target group lack (full names, hosted zone).
- S3: a template's bucket keeps its VersioningConfiguration (moto dropped it).

ECS deployments (ecs_deployments.py)
- A rolling update's deployments: a forced or new-task-definition UpdateService starts an
  IN_PROGRESS PRIMARY deployment that completes, fails through the circuit breaker
  (rolloutState FAILED, a rollback deployment to the previous revision) or never settles,
  as a test arms it (moto: one deployment, always COMPLETED).
- The service deployments API moto lacks (ListServiceDeployments,
  DescribeServiceDeployments, DescribeServiceRevisions, currentServiceDeployment), with
  each revision's image digests resolved from ECR when its deployment started.

CodePipeline executions (pipelines.py)
- StartPipelineExecution, and an upload to a pipeline's S3 source bucket/key (the
  EventBridge rule, in AWS), start an execution; Source succeeds at once with the
  revision. Actions run in order: a CodeBuild action starts a build of its project (log
  group and stream named) and waits until a test finishes it with its output variables
  (`POST /moto-ext/pipeline-action`); a manual approval waits for PutApprovalResult.
  A newer execution supersedes running ones at once (AWS: when it reaches their stage).
- GetPipelineState, ListPipelineExecutions, GetPipelineExecution, ListActionExecutions
  (with resolvedConfiguration) and PutApprovalResult answer from those executions.

ECS tasks and ECS Exec (ecs_tasks.py)
- A service runs `desiredCount` tasks once its image tag exists in ECR, replaced on each
  new deployment, each container with a runtime id; ListTasks filters by serviceName.
- EnableExecuteCommand is kept from the template and carried by the service's tasks;
  ExecuteCommand answers a session (AWS's InvalidParameterException when exec is off).

Test control and the connections API (control.py)
- GetConnection (CodeConnections, absent from moto) answers PENDING for the connections
  stacks created here, and ResourceNotFoundException for any other ARN.
- `POST /moto-ext/fail {"logical_id": ..., "reason": ...}` makes that resource fail,
  for fault tests; `POST /moto-ext/pace {"seconds": s}` makes each resource take s
  seconds and ExecuteChangeSet return at once (the work goes on in a thread, as in AWS),
  so a client really waits; `POST /moto-ext/ecs-rollouts` arms how deployments end;
  `POST /moto-ext/pipeline-action` finishes a pipeline's running action (pipelines.py);
  `POST /moto-ext/hold {"action": A}` holds the answer to the next A request until
  `POST /moto-ext/release` (a test kills its client there);
  `POST /moto-ext/hold-resource {"logical_id": ...}` keeps that stack resource waiting
  before it is created until `POST /moto-ext/release-resource {"logical_id": ...}` (a
  test acts while a deploy is surely under way); `POST /moto-api/reset` clears all of
  these with moto's state.

Only the end-to-end tests (tests/deploy, the inline functions' and the buildspec runner's
tests) use it; the deploy package's own decisions are tested on botocore's Stubber or
plain data. Every patch reaches into moto's internals, so it is written for one moto
version, WRITTEN_FOR, pinned in pyproject.toml; another version is refused.
"""

from __future__ import annotations

WRITTEN_FOR = "5.2.1"


def version_problem(installed: str) -> str | None:
    """Why the extension must not run on moto `installed`, or None when it may."""
    if installed == WRITTEN_FOR:
        return None
    return (
        f"tests/moto_ext patches the internals of moto {WRITTEN_FOR}, and moto {installed} is "
        f"installed: check every patch in tests/moto_ext against moto {installed}, then move "
        f"WRITTEN_FOR (tests/moto_ext/__init__.py) and the pin in pyproject.toml together"
    )


def install() -> None:
    """Apply every patch of the extension to moto (call before the server starts)."""
    import moto

    problem = version_problem(moto.__version__)
    if problem is not None:
        raise RuntimeError(problem)
    from tests.moto_ext import (
        changesets,
        custom,
        deletion,
        ecs_deployments,
        ecs_tasks,
        events,
        nested,
        parsing_fixes,
        pipelines,
        resources,
        stores,
    )

    # deletion before nested: nested.py wraps the ordered ResourceMap.delete it installs
    modules = (events, parsing_fixes, deletion, nested, changesets, custom, resources)
    for module in (*modules, ecs_deployments, pipelines, ecs_tasks, stores):
        module.install()
