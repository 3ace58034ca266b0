"""pipeline.yaml: stages follow `stages`, projects set what the buildspecs read, least privilege."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cfn_templates import lint_problems, of_type, template_dict
from delivery_irs import CODEBUILD_ENV, required_env, source_spec, stack_ir

from compiler.buildspecs import BUILD_FILE, RELEASE_FILE, render_buildspecs
from compiler.cfn.pipeline.stack import build_pipeline, pipeline_parameters
from compiler.ir.model import StackIR

GIVEN_CONNECTION = "arn:aws:codeconnections:us-east-1:123456789012:connection/abc"

SOURCES = {
    "github": source_spec("github"),
    "gitlab": source_spec("gitlab"),
    "bitbucket-given": source_spec("bitbucket", connection_arn=GIVEN_CONNECTION),
    "s3": source_spec("s3"),
    "s3-given": source_spec("s3", bucket="my-source-bucket"),
    "s3-webhook": source_spec("s3", webhook=True),
}


def _pipeline(ir: StackIR) -> dict[str, Any]:
    (body,) = of_type(build_pipeline(ir), "AWS::CodePipeline::Pipeline").values()
    props: dict[str, Any] = body["Properties"]
    return props


def _stage_actions(ir: StackIR) -> dict[str, list[dict[str, Any]]]:
    return {stage["Name"]: stage["Actions"] for stage in _pipeline(ir)["Stages"]}


def _release_env(action: dict[str, Any]) -> dict[str, str]:
    text = action["Configuration"]["EnvironmentVariables"]["Fn::Sub"]
    return {item["name"]: item["value"] for item in json.loads(text)}


def _projects(ir: StackIR) -> dict[str, dict[str, Any]]:
    return {
        name: body["Properties"]
        for name, body in of_type(build_pipeline(ir), "AWS::CodeBuild::Project").items()
    }


def _statements(ir: StackIR, role: str) -> list[dict[str, Any]]:
    props = template_dict(build_pipeline(ir))["Resources"][role]["Properties"]
    return [s for policy in props["Policies"] for s in policy["PolicyDocument"]["Statement"]]


@pytest.mark.parametrize("source", sorted(SOURCES))
@pytest.mark.parametrize("mode", ["repository", "inline"])
def test_pipeline_lints_clean(source: str, mode: str) -> None:
    ir = stack_ir(stages=("dev", "prod"), approvals=("prod",), source=SOURCES[source],
                  buildspecs=mode, emails=("ops@example.com",))  # fmt: skip
    assert lint_problems(build_pipeline(ir)) == ()


def test_v2_pipeline_runs_source_build_then_each_stage_in_order() -> None:
    ir = stack_ir(stages=("dev", "qa", "prod"), approvals=("qa", "prod"))
    props = _pipeline(ir)
    assert props["PipelineType"] == "V2"
    stages = _stage_actions(ir)
    assert list(stages) == ["Source", "Build", "Release-dev", "Release-qa", "Release-prod"]
    for name, actions in list(stages.items())[2:]:
        kinds = [(a["ActionTypeId"]["Category"], a["RunOrder"]) for a in actions]
        if name == "Release-dev":
            assert kinds == [("Build", 1)]
        else:  # the approval runs before the release of that stage
            assert kinds == [("Approval", 1), ("Build", 2)]


def test_release_actions_promote_this_executions_digest_to_their_stage() -> None:
    ir = stack_ir(stages=("dev", "prod"))
    stages = _stage_actions(ir)
    (build,) = stages["Build"]
    assert build["Namespace"] == "BuildVariables"
    dev, prod = (_release_env(stages[f"Release-{s}"][-1]) for s in ("dev", "prod"))
    assert dev["STAGE_NAME"] == "dev" and prod["STAGE_NAME"] == "prod"
    assert "PREVIOUS_STAGE_NAME" not in dev and prod["PREVIOUS_STAGE_NAME"] == "dev"
    assert dev["CLUSTER_ARN"] == "${DevClusterArn}" and prod["SERVICE_NAME"] == "${ProdServiceName}"
    assert dev["IMAGE_DIGEST"] == prod["IMAGE_DIGEST"] == "#{BuildVariables.IMAGE_DIGEST}"
    assert dev["DESIRED_COUNT"] == str(ir.stages[0].scaling.desired)
    assert dev["MIN_COUNT"] == str(ir.stages[0].scaling.min)
    # one Release project serves every stage
    releases = [a for n, acts in stages.items() if n.startswith("Release-") for a in acts]
    projects = {
        a["Configuration"]["ProjectName"]["Ref"] for a in releases if a["Name"] == "Release"
    }
    assert projects == {"ReleaseProject"}


def test_every_stage_sub_variable_is_a_parameter() -> None:
    ir = stack_ir(stages=("dev", "prod"))
    params = set(template_dict(build_pipeline(ir))["Parameters"])
    assert params == set(pipeline_parameters(ir))
    for stage in ("Dev", "Prod"):
        assert {f"{stage}ClusterName", f"{stage}ClusterArn", f"{stage}ServiceName"} <= params


@pytest.mark.parametrize("mode", ["repository", "inline"])
def test_projects_provide_every_variable_their_buildspec_reads(mode: str) -> None:
    ir = stack_ir(stages=("dev", "prod"), buildspecs=mode)
    projects = _projects(ir)
    specs = render_buildspecs(ir)
    release_action = _release_env(_stage_actions(ir)["Release-prod"][-1])
    for title, file_name, extra in [
        ("BuildProject", BUILD_FILE, set()),
        ("ReleaseProject", RELEASE_FILE, set(release_action)),
    ]:
        env = {v["Name"] for v in projects[title]["Environment"]["EnvironmentVariables"]}
        missing = required_env(specs[file_name]) - env - extra - CODEBUILD_ENV
        assert missing == set(), f"{file_name} reads {missing} that nothing sets"


def test_buildspec_mode_chooses_file_names_or_embedded_text() -> None:
    repo = _projects(stack_ir(buildspecs="repository"))
    assert repo["BuildProject"]["Source"]["BuildSpec"] == "build.yml"
    assert repo["ReleaseProject"]["Source"]["BuildSpec"] == "release.yml"
    inline_ir = stack_ir(buildspecs="inline")
    inline = _projects(inline_ir)
    assert inline["BuildProject"]["Source"]["BuildSpec"] == render_buildspecs(inline_ir)[BUILD_FILE]


def test_only_the_build_project_is_privileged_and_both_log_to_retained_groups() -> None:
    ir = stack_ir()
    projects = _projects(ir)
    assert projects["BuildProject"]["Environment"]["PrivilegedMode"] is True
    assert projects["ReleaseProject"]["Environment"]["PrivilegedMode"] is False
    groups = of_type(build_pipeline(ir), "AWS::Logs::LogGroup")
    for props in projects.values():
        group = props["LogsConfig"]["CloudWatchLogs"]["GroupName"]["Ref"]
        assert groups[group]["DeletionPolicy"] == "RetainExceptOnCreate"


def test_no_wildcard_actions_and_a_wildcard_resource_only_for_the_ecr_login() -> None:
    ir = stack_ir(stages=("dev", "prod"), source=SOURCES["s3-webhook"])
    roles = of_type(build_pipeline(ir), "AWS::IAM::Role")
    assert {"BuildRole", "ReleaseRole", "PipelineRole", "WebhookRole"} <= set(roles)
    for role in roles:
        for statement in _statements(ir, role):
            actions = statement["Action"]
            assert all("*" not in action for action in actions)
            if statement["Resource"] == ["*"]:  # actions without resource-level permissions
                assert actions in (
                    ["ecr:GetAuthorizationToken"],
                    ["application-autoscaling:RegisterScalableTarget"],
                )


def test_release_may_roll_only_the_stage_services_and_build_may_not_at_all() -> None:
    ir = stack_ir(stages=("dev", "prod"))
    release = [s for s in _statements(ir, "ReleaseRole") if "ecs:UpdateService" in s["Action"]]
    (ecs,) = release
    subs = sorted(r["Fn::Sub"] for r in ecs["Resource"])
    assert [s.rsplit("service/", 1)[1] for s in subs] == [
        "${DevClusterName}/${DevServiceName}",
        "${ProdClusterName}/${ProdServiceName}",
    ]
    build_actions = {a for s in _statements(ir, "BuildRole") for a in s["Action"]}
    assert not any(a.startswith("ecs:") for a in build_actions)
    assert "ecr:PutImage" in build_actions


def test_connection_source_creates_the_connection_and_clones_in_full() -> None:
    ir = stack_ir(source=SOURCES["gitlab"])
    template = build_pipeline(ir)
    (conn,) = of_type(template, "AWS::CodeStarConnections::Connection").values()
    assert conn["Properties"]["ProviderType"] == "GitLab"
    (source,) = _stage_actions(ir)["Source"]
    config = source["Configuration"]
    assert config["OutputArtifactFormat"] == "CODEBUILD_CLONE_REF"
    assert config["FullRepositoryId"] == "acme/crud-api" and config["BranchName"] == "main"
    # a full clone in CodeBuild uses the connection too
    build_actions = {a for s in _statements(ir, "BuildRole") for a in s["Action"]}
    assert "codestar-connections:UseConnection" in build_actions
    assert "ConnectionArn" in template_dict(template)["Outputs"]


def test_connection_name_is_unique_per_stack_and_fits() -> None:
    # Connection names are unique per account: a second stack of the same spec must not
    # collide, so the name ends in the first group of this stack's UUID (8 hex digits).
    ir = stack_ir(source=SOURCES["gitlab"])
    (conn,) = of_type(build_pipeline(ir), "AWS::CodeStarConnections::Connection").values()
    head, tail = conn["Properties"]["ConnectionName"]["Fn::Join"][1]
    assert head.startswith(f"{ir.name}-gitlab") and len(head) + 1 + 8 <= 32
    stack_uuid = {"Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "AWS::StackId"}]}]}
    assert tail == {"Fn::Select": [0, {"Fn::Split": ["-", stack_uuid]}]}


def test_a_given_connection_is_used_not_created() -> None:
    ir = stack_ir(source=SOURCES["bitbucket-given"])
    assert of_type(build_pipeline(ir), "AWS::CodeStarConnections::Connection") == {}
    (source,) = _stage_actions(ir)["Source"]
    assert source["Configuration"]["ConnectionArn"] == GIVEN_CONNECTION


def test_s3_source_creates_a_versioned_bucket_and_starts_on_upload() -> None:
    ir = stack_ir(source=SOURCES["s3"])
    template = build_pipeline(ir)
    bucket = of_type(template, "AWS::S3::Bucket")["SourceBucket"]["Properties"]
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert bucket["NotificationConfiguration"]["EventBridgeConfiguration"]["EventBridgeEnabled"]
    (source,) = _stage_actions(ir)["Source"]
    assert source["Configuration"]["PollForSourceChanges"] is False
    rule = of_type(template, "AWS::Events::Rule")["SourceTriggerRule"]["Properties"]
    assert rule["EventPattern"]["detail"]["object"]["key"] == ["crud-api/source.zip"]
    assert rule["Targets"][0]["Arn"]["Fn::Sub"][1]["Name"] == {"Ref": "Pipeline"}


def test_a_given_s3_bucket_is_used_not_created() -> None:
    ir = stack_ir(source=SOURCES["s3-given"])
    template = build_pipeline(ir)
    assert "SourceBucket" not in of_type(template, "AWS::S3::Bucket")
    (source,) = _stage_actions(ir)["Source"]
    assert source["Configuration"]["S3Bucket"] == "my-source-bucket"


def test_webhook_source_has_a_public_url_a_generated_secret_and_narrow_rights() -> None:
    ir = stack_ir(source=SOURCES["s3-webhook"])
    template = build_pipeline(ir)
    (url,) = of_type(template, "AWS::Lambda::Url").values()
    assert url["Properties"]["AuthType"] == "NONE"  # the function checks signatures itself
    actions = {
        p["Properties"]["Action"] for p in of_type(template, "AWS::Lambda::Permission").values()
    }
    assert actions == {"lambda:InvokeFunctionUrl", "lambda:InvokeFunction"}
    (secret,) = of_type(template, "AWS::SecretsManager::Secret").values()
    assert "GenerateSecretString" in secret["Properties"]
    writes = [s for s in _statements(ir, "WebhookRole") if s["Action"] == ["s3:PutObject"]]
    only_the_key = "arn:${AWS::Partition}:s3:::${SourceBucket}/crud-api/source.zip"
    assert writes[0]["Resource"] == [{"Fn::Sub": only_the_key}]
    outputs = template_dict(template)["Outputs"]
    assert {"WebhookUrl", "WebhookSecretArn", "SourceBucketName"} <= set(outputs)


def test_artifact_bucket_is_private_encrypted_tls_only_and_expiring() -> None:
    template = build_pipeline(stack_ir())
    bucket = of_type(template, "AWS::S3::Bucket")["ArtifactBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    rule = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert bucket["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"] > 0
    (policy,) = [
        p["Properties"] for p in of_type(template, "AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": "ArtifactBucket"}
    ]  # fmt: skip
    (deny,) = policy["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_failures_reach_the_topic_and_its_email_subscribers() -> None:
    ir = stack_ir(emails=("ops@example.com", "dev.team@example.com"))
    template = build_pipeline(ir)
    rule = of_type(template, "AWS::Events::Rule")["PipelineFailedRule"]["Properties"]
    assert rule["EventPattern"]["detail"]["state"] == ["FAILED"]
    assert rule["Targets"][0]["Arn"] == {"Ref": "NotificationTopic"}
    (policy,) = of_type(template, "AWS::SNS::TopicPolicy").values()
    (allow,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert allow["Principal"] == {"Service": "events.amazonaws.com"}
    subs = of_type(template, "AWS::SNS::Subscription").values()
    assert sorted(s["Properties"]["Endpoint"] for s in subs) == sorted(ir.alarms.emails)
