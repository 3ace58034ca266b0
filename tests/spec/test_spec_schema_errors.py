"""Schema errors read well: located, dotted path, what was found versus what is allowed."""

from __future__ import annotations

import pytest
from spec_diagnose import diagnose, summary

HEAD = "version: 1\nname: demo\n"


@pytest.mark.parametrize(
    ("body", "code", "expected", "hint"),
    [
        ("app:\n  helth_check: {}\n", "TS101",
         ("error", "app.helth_check", 4, 3, "unknown key 'helth_check'"),
         "Did you mean 'health_check'?"),
        ("app:\n  instance_type: t3.micro\n", "TS101",
         ("error", "app.instance_type", 4, 3, "unknown key 'instance_type'"),
         "'instance_type' belongs under 'compute'. Allowed here: build_context, command, cpu, "
         "dockerfile, environment, exec, health_check, memory, port, secrets."),
        ("Scale: auto\n", "TS101", ("error", "Scale", 3, 1, "unknown key 'Scale'"),
         "Did you mean 'scale'?"),
        ("stages:\n  - name: dev\n    app: {}\n", "TS101",
         ("error", "stages[0].app", 5, 5, "unknown key 'app'"),
         "'app' is a top-level key. Allowed here: approval, compute, data, endpoint, environment, "
         "exec, name, scale, scaling, secrets, traffic."),
        ("app: {port: '80'}\n", "TS102",
         ("error", "app.port", 3, 13, "expected a whole number, found '80'"),
         "It is quoted, so YAML reads it as text: write 80 without quotes."),
        ("scaling: {max: '2.5'}\n", "TS102",
         ("error", "scaling.max", 3, 16, "expected a whole number, found '2.5'"), ""),
        ("app: {environment: {PORT: 8080}}\n", "TS102",
         ("error", "app.environment.PORT", 3, 27, "expected a string, found '8080'"),
         'Quote it: "8080".'),
        ("stages:\n  - name: prod\n    approval: yes\n", "TS102",
         ("error", "stages[0].approval", 5, 15, "expected true or false, found 'yes'"),
         "YAML 1.2 reads 'yes' as text: write true or false."),
        ("description:\n", "TS102",
         ("error", "description", 3, 13, "expected a string, found an empty value"),
         "Give it a value or remove the key."),
        ("scale: huge\n", "TS103",
         ("error", "scale", 3, 8,
          "'huge' is not allowed; allowed: 'standard', 'hyperscale', 'auto'"), ""),
        ("compute: {type: fargat}\n", "TS103",
         ("error", "compute.type", 3, 17, "'fargat' is not allowed; allowed: 'ec2', 'fargate'"),
         "Did you mean 'fargate'?"),
        ("network:\n  egress: nat\n", "TS103",
         ("error", "network.egress", 4, 11,
          "'nat' is not allowed; allowed: 'nat-gateway', 'nat-instance', 'public-ip'"), ""),
        ("app:\n  port: 70000\n", "TS104",
         ("error", "app.port", 4, 9, "'70000' is more than the maximum, 65535"), ""),
        ("pipeline: {timeout_minutes: 1}\n", "TS104",
         ("error", "pipeline.timeout_minutes", 3, 29, "'1' is less than the minimum, 5"), ""),
        ("traffic: {avg_response_kb: 0}\n", "TS104",
         ("error", "traffic.avg_response_kb", 3, 28, "'0' must be more than 0"), ""),
        ("pipeline: {image: ''}\n", "TS104",
         ("error", "pipeline.image", 3, 19, "is empty; at least 1 character needed"), ""),
        ("stages: []\n", "TS104", ("error", "stages", 3, 9, "is empty; at least 1 item needed"),
         ""),
        ("endpoint:\n  cors: {allow_methods: [GET]}\n", "TS105",
         ("error", "endpoint.cors.allow_origins", 4, 3, "missing required key 'allow_origins'"),
         "Origins allowed to call the API, e.g. https://example.com, or * for any."),
        ("app:\n  health_check: {path: ping}\n", "TS106",
         ("error", "app.health_check.path", 4, 24, "'ping' does not match the pattern "
          "'^/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]{0,1023}$'"),
         "HTTP path (and query) that answers 200 when the app is healthy: URL characters "
         "only (RFC 3986), at most 1,024 (the load balancer's limit)."),
        ("app:\n  environment:\n    my-var: x\n", "TS106",
         ("error", "app.environment.my-var", 5, 5,
          "key 'my-var' does not match the pattern '^[A-Za-z_][A-Za-z0-9_]*$'"),
         "Variable names are letters, digits and '_', not starting with a digit."),
        ("alarms: {monthly_budget: lots}\n", "TS106",
         ("error", "alarms.monthly_budget", 3, 26, "'lots' does not match the pattern '^auto$'"),
         "Give a number of USD, or auto (the estimate x 1.25)."),
        ("alarms: {monthly_budget: 0}\n", "TS104",
         ("error", "alarms.monthly_budget", 3, 26, "'0' must be more than 0"),
         "Give a number of USD, or auto (the estimate x 1.25)."),
        ("stages:\n  - name: dev\n    traffic: {requests: 5}\n", "TS101",
         ("error", "stages[0].traffic.requests", 5, 15, "unknown key 'requests'"),
         "Did you mean 'requests_per_month'?"),
        ("alarms: {emails: [a@example.com, a@example.com]}\n", "TS107",
         ("error", "alarms.emails[1]", 3, 34, "'a@example.com' appears more than once"),
         "Remove the repeat."),
    ],
)  # fmt: skip
def test_schema_error_is_located_and_readable(
    body: str, code: str, expected: tuple[str, str, int, int, str], hint: str
) -> None:
    found = [d for d in diagnose(HEAD + body) if d.code == code]
    assert [summary(d) for d in found] == [expected]
    assert found[0].hint == hint


def test_missing_required_top_level_keys_point_at_document_start() -> None:
    found = diagnose("# a comment\n\nscale: standard\n")
    assert [summary(d) for d in found] == [
        ("error", "name", 3, 1, "missing required key 'name'"),
        ("error", "version", 3, 1, "missing required key 'version'"),
    ]


def test_wrong_version_says_which_version_is_read() -> None:
    [d] = diagnose("version: 2\nname: demo\n")
    assert summary(d) == ("error", "version", 1, 10, "'2' is not allowed; allowed: '1'")
    assert d.hint == "This compiler reads version 1 of the tinystack language."


def test_all_problems_are_reported_in_file_order() -> None:
    text = HEAD + "app:\n  port: 0\n  cpuu: 1\nscale: big\nnetwork: {nat: both}\n"
    found = diagnose(text)
    assert [(d.line, d.path) for d in found] == [
        (4, "app.port"), (5, "app.cpuu"), (6, "scale"), (7, "network.nat"),
    ]  # fmt: skip


def test_unknown_keys_alone_let_the_semantic_checks_run() -> None:
    # a typo is the commonest mistake: it must not hide the file's other problems
    text = HEAD + "app:\n  health_check: {interval_seconds: 10, timeout_seconds: 20}\n  prot: 8\n"
    codes = [d.code for d in diagnose(text)]
    assert "TS101" in codes and any(code.startswith("TS2") for code in codes), codes


FIVE_MISTAKES = """\
version: 1
name: demo
app:
  port: 70000
  health_check: {interval_seconds: 10, timeout_seconds: 20}
  secrets: {DB_PASSWORD: my-password}
scale: huge
compute: {type: fargate}
scaling: {min: 5, max: 2}
"""


def test_five_mistakes_are_reported_in_one_run() -> None:
    # two schema errors (a port out of range, an unknown scale) and three semantic ones
    # (timeout >= interval, a secret that is no ARN, min > max), each where it was written
    found = {(d.code, d.path, d.line, d.col) for d in diagnose(FIVE_MISTAKES)}
    assert found == {
        ("TS104", "app.port", 4, 9),
        ("TS223", "app.health_check.timeout_seconds", 5, 57),
        ("TS241", "app.secrets.DB_PASSWORD", 6, 26),
        ("TS103", "scale", 7, 8),
        ("TS221", "scaling.min", 9, 16),
    }


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # scaling.max refused: the order of min and max is not checked, the health check is
        ("scaling: {min: 5, max: -1}\napp:\n  health_check: {timeout_seconds: 40}\n",
         ["TS104", "TS223"]),
        # a refused instance type: nothing is said about what fits on it
        ("compute: {instance_type: 5}\nscaling: {min: 9, max: 9}\n", ["TS102"]),
        # a stage whose name is refused: the others are still compared
        ("stages:\n  - name: Dev\n  - name: prod\n  - name: prod\n", ["TS106", "TS252"]),
        # a stage refused whole, a required key missing: no check trips on them
        ("stages:\n  - dev\n  - {approval: true}\n", ["TS102", "TS105"]),
        ("app:\n  secrets: {A: 5, B: nope}\n", ["TS102", "TS241"]),
        ("network: {cidr: 10.0.0.0/28, availability_zones: 9}\n", ["TS103"]),
        ("- a list\n", []),
    ],
)  # fmt: skip
def test_a_check_is_skipped_only_where_it_needs_a_refused_value(
    body: str, expected: list[str]
) -> None:
    diagnostics = diagnose(HEAD + body) if not body.startswith("-") else diagnose(body)
    assert sorted(d.code for d in diagnostics) == (expected or ["TS005"])
