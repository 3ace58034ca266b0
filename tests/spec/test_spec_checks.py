"""Every semantic check (TS2xx of docs/spec.md): message, dotted path, line and column, and hint."""

from __future__ import annotations

import textwrap

import pytest
from spec_diagnose import diagnose, only, read_text, run_alone, summary

from compiler.spec.checks import SPEC_CHECKS, STAGE_CHECKS
from compiler.spec.codes import CODES

HEAD = "version: 1\nname: demo\n"  # lines 1-2; test bodies start on line 3

E, W = "error", "warning"

CASES = [
    # Fargate sizes
    ("fargate-pair", "compute: {type: fargate}\napp:\n  cpu: 256\n  memory: 4096\n", "TS201",
     (E, "app.memory", 6, 11,
      "'256' cpu with '4096' MiB memory is not a Fargate size; allowed: 512, 1024, 2048"),
     "4096 MiB pairs with cpu 512 or 1024 or 2048."),
    ("fargate-cpu", "compute: {type: fargate}\napp: {cpu: 300, memory: 1024}\n", "TS201",
     (E, "app.cpu", 4, 12, "'300' cpu is not a Fargate size; allowed: '256', '512', '1024', "
      "'2048', '4096', '8192', '16384'"), ""),
    ("fargate-range", "compute: {type: fargate}\napp: {cpu: 4096, memory: 4096}\n", "TS201",
     (E, "app.memory", 4, 26, "'4096' cpu with '4096' MiB memory is not a Fargate size; "
      "allowed: 8192 to 30720 in steps of 1024"), "4096 MiB pairs with cpu 512 or 1024 or 2048."),
    # EC2 packing
    ("ec2-memory", "app: {memory: 1024}\n", "TS202",
     (E, "app.memory", 3, 15, "a '1024' MiB task does not fit on a 't3.micro': 870 MiB is left "
      "after the OS and ECS agent keep 154"),
     "Use a larger instance_type such as 't3.small', or a smaller task."),
    ("ec2-cpu", "compute: {instance_type: t3.small}\napp: {cpu: 4096}\n", "TS202",
     (E, "app.cpu", 4, 12, "a '4096' cpu task does not fit on a 't3.small': it has 2048 CPU "
      "units"), "Use a larger instance_type such as 't3.xlarge', or a smaller task."),
    ("ec2-desired", "scaling: {desired: 2}\n", "TS203",
     (E, "scaling.desired", 3, 20, "2 starting tasks need 2 instances ('t3.micro' holds 1 task); "
      "compute.instances.min is 1"),
     "Raise compute.instances.min to 2, or use a larger instance type."),
    ("ec2-min-as-desired", "compute: {instance_type: t3.small}\nscaling:\n  min: 3\n", "TS203",
     (E, "scaling.min", 5, 8, "3 starting tasks need 2 instances ('t3.small' holds 2 tasks); "
      "compute.instances.min is 1"),
     "Raise compute.instances.min to 2, or use a larger instance type."),
    ("ec2-max", "compute: {instances: {max: 5}}\nscaling: {max: 8}\n", "TS204",
     (W, "scaling.max", 4, 16, "8 tasks need 8 instances ('t3.micro' holds 1 task); "
      "compute.instances.max is 5, so at most 5 can run"),
     "Raise compute.instances.max to 9 (scaling.max + 1 tasks, room for a release), or lower "
     "scaling.max."),
    # a rolling release starts a task before it stops one: max tasks + 1 must fit
    ("ec2-release-room", "compute:\n  instance_type: t3.micro\n  instances: {max: 1}\n"
     "scaling: {max: 1}\n", "TS207",
     (W, "compute.instances.max", 5, 20, "room for 1 task on 1 instance ('t3.micro' holds 1 "
      "task) and none beyond scaling.max '1': a release at the maximum starts a new task "
      "before it stops an old one, finds no room, waits and fails"),
     "Raise compute.instances.max to 2, or leave it out (its default holds scaling.max + 1 "
     "tasks)."),
    ("ec2-release-bound", "scaling: {max: 100}\n", "TS207",
     (W, "scaling.max", 3, 16, "room for 100 tasks on 100 instances ('t3.micro' holds 1 task) "
      "and none beyond scaling.max '100': a release at the maximum starts a new task before "
      "it stops an old one, finds no room, waits and fails"),
     "Use a larger instance type, or lower scaling.max."),
    ("unknown-type", "compute:\n  instance_type: t3.mcro\n", "TS205",
     (E, "compute.instance_type", 4, 18, "unknown instance type 't3.mcro'"),
     "Did you mean 't3.micro'?"),
    ("unknown-family", "compute:\n  instance_type: x9.huge\n", "TS205",
     (E, "compute.instance_type", 4, 18, "unknown instance type 'x9.huge'"),
     "Known families: c5, c6i, c7i, m3, m5, m6i, m7i, r5, r6i, t2, t3, t3a."),
    ("previous-generation", "compute:\n  instance_type: m3.medium\n", "TS206",
     (W, "compute.instance_type", 4, 18, "'m3.medium' is a previous-generation instance type"),
     "Use 't3.medium', its current-generation equivalent."),
    # Network
    ("public-ip-ec2", "network:\n  egress: public-ip\n", "TS211",
     (E, "network.egress", 4, 11,
      "'public-ip' egress needs compute type 'fargate': tasks on EC2 cannot get a public IP"),
     "Use 'egress: nat-instance' (the cheap choice) or 'compute.type: fargate'."),
    ("cidr-too-small", "network: {cidr: 10.0.0.0/27, availability_zones: 3}\n", "TS212",
     (E, "network.cidr", 3, 17, "'10.0.0.0/27' is too small for 6 subnets (a public and a "
      "private one in each of 3 availability zones): they would be /30, and AWS subnets are "
      "/28 at the smallest"), "The subnets need /28 or larger: use /24 or larger."),
    ("cidr-too-large", "network: {cidr: 10.0.0.0/8}\n", "TS212",
     (E, "network.cidr", 3, 17, "'10.0.0.0/8' is a /8; allowed: /16 to /24"),
     "AWS VPCs are /16 at the largest."),
    ("cidr-not-ipv4", "network: {cidr: 10.0.300.0/16}\n", "TS212",
     (E, "network.cidr", 3, 17, "'10.0.300.0/16' is not an IPv4 range"),
     "Write it as ADDRESS/PREFIX, e.g. '10.0.0.0/16'."),
    ("cidr-host-bits", "network: {cidr: 10.0.0.1/16}\n", "TS213",
     (W, "network.cidr", 3, 17, "'10.0.0.1/16' has host bits set; the VPC will be "
      "'10.0.0.0/16'"), "Write '10.0.0.0/16'."),
    # Ordering
    ("scaling-min-max", "scaling:\n  min: 4\n  max: 2\n", "TS221",
     (E, "scaling.min", 4, 8, "'4' is more than scaling.max '2'"), ""),
    ("desired-below-min", "scaling: {min: 2, desired: 1}\n", "TS221",
     (E, "scaling.desired", 3, 28, "'1' is less than scaling.min '2'"), ""),
    ("desired-above-max", "compute: {instances: {max: 9}}\nscaling: {max: 3, desired: 4}\n",
     "TS221", (E, "scaling.desired", 4, 28, "'4' is more than scaling.max '3'"), ""),
    ("instances-order", "compute:\n  instances: {min: 3, max: 2}\n", "TS222",
     (E, "compute.instances.min", 4, 20, "'3' is more than compute.instances.max '2'"), ""),
    ("health-timing", "app:\n  health_check:\n    interval_seconds: 10\n    timeout_seconds: 10\n",
     "TS223", (E, "app.health_check.timeout_seconds", 6, 22,
               "'10' is not less than interval_seconds '10'"),
     "A check must time out before the next one starts."),
    # Endpoint keys
    ("throttling-alb",
     "scale: hyperscale\nendpoint:\n  throttling: {rate_limit: 5, burst_limit: 5}\n", "TS231",
     (E, "endpoint.throttling", 5, 3,
      "'throttling' applies only to api-gateway endpoints; this endpoint is 'alb'"),
     "Remove it, or set endpoint.type: api-gateway."),
    ("cors-alb", "endpoint:\n  type: alb\n  cors: {allow_origins: ['*']}\n", "TS231",
     (E, "endpoint.cors", 5, 3,
      "'cors' applies only to api-gateway endpoints; this endpoint is 'alb'"),
     "Remove it, or set endpoint.type: api-gateway."),
    ("authorizer-auto", "scale: auto\nendpoint:\n  authorizer:\n    issuer: https://x.example.com\n"
     "    audience: [a]\n", "TS231",
     (W, "endpoint.authorizer", 5, 3,
      "'authorizer' applies only to api-gateway endpoints, and 'scale: auto' may pick "
      "another"),
     "Set endpoint.type to make the choice."),
    ("idle-timeout-apigw", "endpoint: {idle_timeout_seconds: 30}\n", "TS232",
     (E, "endpoint.idle_timeout_seconds", 3, 12,
      "'idle_timeout_seconds' applies only to alb endpoints; this endpoint is 'api-gateway'"),
     "Remove it, or set endpoint.type: alb."),
    ("shared-domain", "endpoint:\n  domain:\n    name: api.example.com\n"
     "    certificate_arn: arn:aws:acm:us-east-1:123456789012:certificate/abc\n"
     "stages: [{name: dev}, {name: prod}]\n", "TS233",
     (E, "endpoint.domain.name", 5, 11,
      "custom domain 'api.example.com' would be shared by stages 'dev', 'prod'"),
     "Set endpoint.domain in each stage, each with its own name."),
    # References
    ("secret-not-arn", "app:\n  secrets:\n    DB_PASSWORD: /crud/db-password\n", "TS241",
     (E, "app.secrets.DB_PASSWORD", 5, 18, "'/crud/db-password' is not the ARN of an SSM "
      "parameter or a Secrets Manager secret"),
     "Expected arn:aws:ssm:REGION:ACCOUNT:parameter/NAME or "
     "arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME."),
    ("secret-wrong-service", "app:\n  secrets: {KEY: 'arn:aws:s3:::bucket/key'}\n", "TS241",
     (E, "app.secrets.KEY", 4, 18, "'arn:aws:s3:::bucket/key' is not the ARN of an SSM "
      "parameter or a Secrets Manager secret"),
     "Expected arn:aws:ssm:REGION:ACCOUNT:parameter/NAME or "
     "arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME."),
    ("repository-with-s3", "source:\n  provider: s3\n  repository: acme/app\n", "TS242",
     (E, "source.repository", 5, 3,
      "'repository' applies to git providers only; this source is 's3'"),
     "Remove it: an s3 source reads bucket/key (a webhook names its own repository)."),
    ("webhook-without-s3", "source:\n  repository: acme/app\n  webhook:\n    provider: github\n"
     "    repository: acme/app\n    token_secret_arn: arn:aws:secretsmanager:us-east-1:"
     "123456789012:secret:t-AbC\n", "TS242",
     (E, "source.webhook", 5, 3,
      "'webhook' applies only to provider 's3'; this source is 'github'"),
     "Set provider: s3: the webhook uploads each pushed commit to bucket/key."),
    ("git-without-repository", "source:\n  provider: gitlab\n  branch: main\n", "TS243",
     (E, "source.repository", 3, 1, "provider 'gitlab' needs 'repository' (owner/name)"),
     "Add repository: OWNER/NAME, or use provider: s3."),
    # Stages
    ("stage-latest", "stages:\n  - name: dev\n  - name: latest\n", "TS251",
     (E, "stages[1].name", 5, 11, "'latest' is reserved: every build tags its image ':latest'"),
     "Choose another stage name."),
    ("stage-twice", "stages:\n  - name: dev\n  - name: prod\n  - name: dev\n", "TS252",
     (E, "stages[2].name", 6, 11, "stage name 'dev' is used twice (first at line 4)"),
     "Each stage needs its own name: it names its stacks and image tag."),
    # Values AWS refuses
    ("tag-character", "tags:\n  team: 'a$b'\n", "TS261",
     (E, "tags.team", 4, 9, "tag value 'a$b' holds '$', which AWS tags do not allow"),
     "Use letters, digits, spaces and _ . : / = + - @ only."),
    ("description-bytes", "description: " + "\u00e9" * 600 + "\n", "TS262",
     (E, "description", 3, 14, "is 1200 bytes in UTF-8; a CloudFormation template Description "
      "holds at most 1024"), "Shorten it (letters outside ASCII take 2 to 4 bytes)."),
    ("description-substitution", "description: 'a ${AWS::Region}'\n", "TS263",
     (E, "description", 3, 14, "'${AWS::Region}' reads as a CloudFormation substitution"),
     "Write it without '${', e.g. '$NAME': a Description cannot be an Fn::Sub."),
    # Secrets
    ("credential-in-environment", "app:\n  environment:\n    DB_URL: postgres://u:pw@db/x\n",
     "TS271", (W, "app.environment.DB_URL", 5, 13, "the value of 'DB_URL' looks like a password "
     "in a URL; environment values are written into the templates in plain text"),
     "Store it in Secrets Manager or SSM Parameter Store and name its ARN under 'secrets' as "
     "DB_URL."),
    # Budget
    ("budget-alerts-nobody", "alarms: {monthly_budget: auto}\n", "TS281",
     (W, "alarms.monthly_budget", 3, 10, "the monthly budget alerts nobody: alarms.emails is "
      "empty"), "Add alarms.emails; the budget still shows in the AWS Budgets console."),
    ("budget-emails", "alarms:\n  monthly_budget: 50\n  emails: ["
     + ", ".join(f"a{i}@example.com" for i in range(11)) + "]\n", "TS282",
     (E, "alarms.emails", 5, 3, "has 11 addresses; a budget alerts at most 10 email addresses"),
     "Keep 10, or send the alerts to a mailing list."),
    # Data
    ("table-variable-clash",
     "app:\n  environment: {ITEMS_TABLE: mine}\ndata:\n  tables: {items: {}}\n", "TS291",
     (E, "app.environment.ITEMS_TABLE", 4, 17,
      "'ITEMS_TABLE' is set by data.tables.items; a variable has one source"),
     "Remove it from environment: the stage sets it from the store."),
    ("password-secret-clash", "app:\n  secrets:\n    DB_PASSWORD: arn:aws:secretsmanager:"
     "us-east-1:123456789012:secret:db-AbCdEf\ndata:\n  database: {engine: postgres}\n", "TS291",
     (E, "app.secrets.DB_PASSWORD", 5, 5,
      "'DB_PASSWORD' is set by data.database; a variable has one source"),
     "Remove the secret or rename it: the stage sets this variable from the store."),
    ("unknown-db-class", "data:\n  database:\n    instance_class: db.t4g.mirco\n", "TS292",
     (E, "data.database.instance_class", 5, 21, "unknown database instance class 'db.t4g.mirco'"),
     "Did you mean 'db.t4g.micro'?"),
    ("db-version", "data:\n  database: {engine: mysql, version: '16'}\n", "TS293",
     (E, "data.database.version", 4, 38,
      "'16' is not a mysql major version tinystack offers; allowed: '8.0', '8.4'"),
     "Omit it for 8.0."),
    ("unknown-node-type", "data:\n  cache: {node_type: cache.t4g.nano}\n", "TS294",
     (E, "data.cache.node_type", 4, 22, "unknown cache node type 'cache.t4g.nano'"),
     "Did you mean 'cache.t4g.small'?"),
    ("sort-is-partition", "data:\n  tables:\n    events: {partition_key: pk, sort_key: pk}\n",
     "TS295", (E, "data.tables.events.sort_key", 5, 43,
               "the sort key 'pk' is also the partition key"),
     "Name another attribute, or omit sort_key."),
    ("ttl-is-key", "data:\n  tables:\n    events: {sort_key: at, ttl_attribute: at}\n", "TS295",
     (E, "data.tables.events.ttl_attribute", 5, 43, "the TTL attribute 'at' is the table's sort "
      "key; key attributes are strings and a TTL attribute holds a number"),
     "Name an attribute of its own, e.g. 'expires'."),
    ("keys-one-stem", "data:\n  buckets:\n    a1_b: {}\n    a_1_b: {}\n", "TS296",
     (E, "data.buckets.a_1_b", 6, 5, "'a_1_b' and 'a1_b' would both be 'A1B' in the template"),
     "Keys that differ only in underscores name one store; rename one."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "code", "expected", "hint"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_check_reports_located_message(
    body: str, code: str, expected: tuple[str, str, int, int, str], hint: str
) -> None:
    found = only(HEAD + body, code)
    assert summary(found) == expected
    assert found.hint == hint


CHECKS = (*STAGE_CHECKS, *SPEC_CHECKS)
DECLARED_BY = {rule.code: check for check in CHECKS for rule in check.rules}


def test_every_declared_rule_has_a_case_and_every_case_a_declared_rule() -> None:
    assert set(DECLARED_BY) == {case[2] for case in CASES}
    assert len(DECLARED_BY) == sum(len(check.rules) for check in CHECKS)  # each code once


@pytest.mark.parametrize(("body", "code"), [case[1:3] for case in CASES], ids=[c[0] for c in CASES])
def test_the_check_declaring_a_code_reports_it_with_the_declared_severity(
    body: str, code: str
) -> None:
    found = [d for d in run_alone(DECLARED_BY[code], HEAD + body) if d.code == code]
    assert found
    softened = code in ("TS231", "TS232") and "scale: auto" in body  # declared in its summary
    severity = "warning" if softened else CODES[code].severity.value
    assert {d.severity.value for d in found} == {severity}


@pytest.mark.parametrize("body", [case[1] for case in CASES], ids=[c[0] for c in CASES])
def test_no_check_reports_a_code_it_does_not_declare(body: str) -> None:
    for check in CHECKS:
        declared = {rule.code for rule in check.rules}
        reported = {d.code for d in run_alone(check, HEAD + body)}
        assert reported <= declared, check.name


def test_defaults_validate_without_any_diagnostic() -> None:
    spec, found = read_text(HEAD)
    assert found == [] and spec is not None


def test_stage_override_is_located_in_the_stage() -> None:
    body = """\
        scaling: {min: 1, max: 5}
        stages:
          - name: dev
          - name: prod
            scaling:
              min: 7
        """
    found = only(HEAD + textwrap.dedent(body), "TS221")
    assert summary(found) == (E, "stages[1].scaling.min", 8, 12, "'7' is more than scaling.max '5'")


def test_top_level_value_breaking_some_stages_names_them() -> None:
    body = (
        "app: {cpu: 256, memory: 4096}\ncompute: {instance_type: t3.medium}\n"
        "stages:\n  - name: dev\n  - name: prod\n    compute: {type: fargate}\n"
    )
    found = only(HEAD + body, "TS201")
    assert summary(found) == (
        E, "app.memory", 3, 25, "'256' cpu with '4096' MiB memory is not a Fargate size; "
        "allowed: 512, 1024, 2048 (in stage 'prod')",
    )  # fmt: skip


def test_problem_in_every_stage_is_reported_once() -> None:
    body = "app:\n  secrets: {A: nope}\nstages: [{name: dev}, {name: qa}, {name: prod}]\n"
    found = [d for d in diagnose(HEAD + body) if d.code == "TS241"]
    assert len(found) == 1 and "(in " not in found[0].message


def test_stage_environment_and_secrets_merge_over_app() -> None:
    body = (
        "app:\n  secrets: {A: 'arn:aws:ssm:us-east-1:123456789012:parameter/a'}\n"
        "stages:\n  - name: prod\n    secrets: {A: plain-text}\n"
    )
    found = only(HEAD + body, "TS241")
    assert (found.path, found.line, found.col) == ("stages[0].secrets.A", 7, 18)


def test_warnings_do_not_fail_the_spec() -> None:
    spec, found = read_text(HEAD + "compute: {instance_type: m3.large}\n")
    assert spec is not None
    assert [(d.code, d.severity.value) for d in found] == [("TS206", "warning")]
    assert found[0].hint == "Use 'm6i.large', its current-generation equivalent."


def test_endpoint_type_overrides_scale_for_key_checks() -> None:
    body = "scale: hyperscale\nendpoint:\n  type: api-gateway\n  cors: {allow_origins: ['*']}\n"
    assert diagnose(HEAD + body) == []


def test_scale_choice_matches_lowering() -> None:
    from compiler.ir.lower_stage import SCALE_ENDPOINT as LOWERED
    from compiler.spec.checks.endpoint import SCALE_ENDPOINT

    assert SCALE_ENDPOINT == LOWERED


def test_stage_data_merges_over_the_top_level_and_is_checked_per_stage() -> None:
    body = (
        "data:\n  database: {engine: postgres, version: '16'}\n"
        "stages:\n  - name: dev\n  - name: prod\n    data: {database: {engine: mysql}}\n"
    )
    found = only(HEAD + body, "TS293")
    assert summary(found)[1:] == (
        "data.database.version", 4, 41,
        "'16' is not a mysql major version tinystack offers; allowed: '8.0', '8.4' "
        "(in stage 'prod')",
    )  # fmt: skip


def test_a_store_variable_set_in_a_stage_environment_is_located_there() -> None:
    body = (
        "data:\n  buckets: {uploads: {}}\n"
        "stages:\n  - name: dev\n  - name: prod\n    environment: {UPLOADS_BUCKET: mine}\n"
    )
    found = only(HEAD + body, "TS291")
    assert (found.path, found.line) == ("stages[1].environment.UPLOADS_BUCKET", 8)
    assert (
        found.message
        == "'UPLOADS_BUCKET' is set by data.buckets.uploads; a variable has one source"
    )
