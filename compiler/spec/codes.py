"""Every diagnostic code of the front end and what it reports, for docs/spec.md and users.

TS0xx: the file itself (compiler.spec.load); TS1xx: the schema (compiler.spec.schema_check);
TS2xx: the semantic checks of SPEC.md (compiler.spec.checks). A test keeps this table and
the code in step.
"""

from __future__ import annotations

CODES: dict[str, str] = {
    "TS001": "the file is missing or cannot be read",
    "TS002": "the file is larger than 256 KiB",
    "TS003": "the bytes are not UTF-8 text, or hold control characters",
    "TS004": "YAML syntax error",
    "TS005": "the file is empty, or its document is not a mapping",
    "TS006": "unsupported YAML: tags, non-name keys, unknown aliases, huge numbers",
    "TS007": "more than 10,000 values once aliases are expanded",
    "TS008": "nesting deeper than 20 levels",
    "TS009": "more than one YAML document",
    "TS010": "a key written twice in one mapping",
    "TS101": "unknown key (with the closest allowed key)",
    "TS102": "a value of the wrong type",
    "TS103": "a value outside the allowed set",
    "TS104": "a number out of range, or a string, list or mapping of the wrong size",
    "TS105": "a required key is missing",
    "TS106": "a value or key name that does not match its pattern",
    "TS107": "a list that repeats an item",
    "TS199": "any other schema violation",
    "TS201": "a cpu/memory pair Fargate does not offer",
    "TS202": "a task larger than one EC2 instance offers after the OS and agent reserve",
    "TS203": "the starting tasks do not fit on compute.instances.min instances",
    "TS204": "scaling.max tasks do not fit on compute.instances.max instances (warning)",
    "TS205": "an instance type tinystack does not know",
    "TS206": "a previous-generation instance type (warning)",
    "TS211": "egress public-ip with EC2 tasks",
    "TS212": "network.cidr that is not IPv4, not /16 to /24, or too small for its subnets",
    "TS213": "network.cidr with host bits set (warning)",
    "TS221": "scaling out of order: min <= desired <= max",
    "TS222": "compute.instances.min above compute.instances.max",
    "TS223": "a health-check timeout not shorter than its interval",
    "TS231": "api-gateway-only endpoint keys with an ALB (a warning under scale: auto)",
    "TS232": "alb-only endpoint keys with API Gateway (a warning under scale: auto)",
    "TS233": "one custom domain shared by two stages",
    "TS241": "a secret that is not an SSM parameter or Secrets Manager ARN",
    "TS242": "a source key that does not fit the provider",
    "TS243": "a git source without repository",
    "TS251": "a stage named latest",
    "TS252": "two stages with the same name",
}
