"""The worked example of each docs/spec.md section (a test validates every one).

Each snippet is a complete tinystack.yaml once `version: 1` and `name: demo` precede it,
except the top-level one, which carries them itself.
"""

from __future__ import annotations

EXAMPLES: dict[str, str] = {
    "": """\
version: 1
name: crud-api
description: CRUD demo API
scale: standard
""",
    "traffic": """\
scale: auto            # let `tsc cost` pick API Gateway or an ALB for this load
traffic:
  requests_per_month: 800000
  avg_response_kb: 8
  peak_new_connections_per_second: 5
""",
    "app": """\
app:
  port: 8000
  cpu: 256
  memory: 512
  health_check:
    path: /ping
    interval_seconds: 30
    timeout_seconds: 5
  command: [gunicorn, app:app, --bind, "0.0.0.0:8000"]
  environment:
    LOG_LEVEL: info
    WORKERS: "2"       # values are strings: quote numbers
  secrets:
    DB_PASSWORD: arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf
""",
    "compute": """\
compute:
  type: ec2
  instance_type: t3.small   # holds two 256 CPU / 512 MiB tasks (ENI limit 3, minus one)
  instances: {min: 1, max: 3}
  target_capacity_percent: 70  # keep spare instances: faster releases, more instances
""",
    "scaling": """\
scaling:
  min: 2                # desired defaults to min: two tasks from the start
  max: 6
  cpu_percent: 60
  policy: target-tracking
compute:
  instance_type: t3.small
  instances: {min: 1, max: 4}  # 7 tasks: a release at 6 starts one more
""",
    "endpoint": """\
endpoint:
  type: api-gateway
  throttling: {rate_limit: 1000, burst_limit: 500}
  cors:
    allow_origins: ["https://example.com"]
    allow_methods: [GET, POST]
  domain:
    name: api.example.com
    certificate_arn: arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a
    hosted_zone_id: Z123EXAMPLE
""",
    "network": """\
network:
  cidr: 10.20.0.0/16
  availability_zones: 3
  egress: nat-instance  # one small NAT instance instead of NAT gateways
""",
    "source": """\
source:
  provider: github
  repository: acme/crud-api
  branch: main
  connection_arn: arn:aws:codestar-connections:us-east-1:123456789012:connection/8a7b6c5d
""",
    "pipeline": """\
pipeline:
  buildspecs: inline
  compute_type: medium
  image: aws/codebuild/standard:7.0
  timeout_minutes: 45
""",
    "alarms": """\
alarms:
  emails: [ops@example.com, oncall@example.com]
  monthly_budget: auto          # the estimate x 1.25; or a number of USD
""",
    "data": """\
data:
  tables:
    items: {}                 # ITEMS_TABLE; partition key `id`
    sessions: {partition_key: token, ttl_attribute: expires}
  database: {engine: postgres}  # DB_HOST, DB_PORT, DB_NAME, DB_USER; secret DB_PASSWORD
  cache: {}                   # REDIS_URL
  buckets:
    uploads: {}               # UPLOADS_BUCKET
stages:
  - name: dev
  - name: prod
    data: {database: {instance_class: db.t4g.small, multi_az: true}}
""",
    "stages": """\
stages:
  - name: dev
    environment: {STAGE: dev}
    traffic: {requests_per_month: 10000}  # priced at its own load, not prod's
  - name: prod
    approval: true
    scale: hyperscale           # an ALB in front of prod only
    compute: {type: fargate}
    scaling: {min: 2, max: 10}
    environment: {STAGE: prod}
""",
    "tags": """\
tags:
  team: platform
  cost-center: "4711"
""",
}
