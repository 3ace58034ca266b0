"""`tsc cost` as a user runs it: the examples print their tables, --json has the documented
shape, flags change the traffic, and every bad input is one error line with exit 1."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from compiler.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["cost", *args])


def run_json(*args: str) -> dict[str, Any]:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def write_spec(tmp_path: Path, text: str) -> str:
    path = tmp_path / "tinystack.yaml"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_prints_its_table(example: Path) -> None:
    result = run(str(example))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "What" in out and "Unit price" in out and "Monthly" in out
    assert "Total: $" in out and "Standard vs hyperscale" in out
    assert "Recommendation: " in out and "Assumptions" in out


def test_json_has_the_documented_shape() -> None:
    data = run_json(str(ROOT / "examples" / "crud-api.yaml"))
    assert set(data) == {
        "stack", "prices", "free_tier", "traffic", "lcu", "stages", "shared",
        "total_monthly_usd", "budget", "nat", "scales", "options", "recommendation",
        "assumptions",
    }  # fmt: skip
    assert data["free_tier"] == "available" and data["budget"] is None
    # crud-api's tasks reach out through a NAT instance
    assert data["nat"]["through"] == ["service logs to CloudWatch", "the app's outbound calls"]
    assert "image layers (S3 gateway endpoint)" in data["nat"]["not_through"]
    stage = data["stages"][0]
    assert {"name", "endpoint", "items", "monthly_usd", "standard_monthly_usd", "traffic",
            "hyperscale_monthly_usd", "crossover_requests_per_month"} <= set(stage)  # fmt: skip
    assert set(stage["items"][0]) == {"what", "quantity", "unit", "unit_usd", "monthly_usd"}
    parts = sum(s["monthly_usd"] for s in data["stages"]) + data["shared"]["monthly_usd"]
    assert data["total_monthly_usd"] == pytest.approx(parts, abs=0.02)
    assert data["scales"]["as_specified"] == data["total_monthly_usd"]
    assert data["traffic"]["derived"] == [
        "peak_new_connections_per_second",
        "peak_active_connections_per_minute",
    ]


def test_output_is_byte_identical_run_to_run() -> None:
    spec = str(ROOT / "examples" / "hyperscale-fargate.yaml")
    assert run(spec).stdout == run(spec).stdout
    assert run(spec, "--json").stdout == run(spec, "--json").stdout


def test_requests_flag_rederives_peaks_and_reopens_scale_auto(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, "version: 1\nname: shop\nscale: auto\n")
    low = run_json(spec)
    assert low["stages"][0]["endpoint"] == "api-gateway"
    high = run_json(spec, "--requests", "450e6")
    assert high["traffic"]["requests_per_month"] == 450_000_000
    assert high["traffic"]["peak_new_connections_per_second"] == pytest.approx(
        450e6 / 730 / 3600, rel=1e-5
    )
    assert high["stages"][0]["endpoint"] == "alb"


def test_an_explicit_scale_is_kept_whatever_the_traffic(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, "version: 1\nname: shop\nscale: standard\n")
    data = run_json(spec, "--requests", "450000000")
    assert data["stages"][0]["endpoint"] == "api-gateway"
    assert data["recommendation"].startswith("At 450,000,000 requests/month, hyperscale costs")


def test_connection_flags_are_given_not_derived(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, "version: 1\nname: shop\nscale: hyperscale\n")
    data = run_json(
        spec, "--new-connections-per-second", "166.6667", "--active-connections-per-minute", "10000"
    )
    assert data["traffic"]["derived"] == []
    assert data["lcu"]["new_connections"] == pytest.approx(6.66667, rel=1e-5)
    assert data["lcu"]["driver"] == "new connections"


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--requests", "-5"], "--requests: '-5' is negative"),
        (["--requests", "lots"], "--requests: 'lots' is not a number"),
        (["--requests", "1.5"], "--requests: '1.5' is not a whole number"),
        (["--avg-response-kb", "0"], "--avg-response-kb: '0' must be greater than 0"),
        (["--new-connections-per-second", "-1"], "is negative"),
        (["--active-connections-per-minute", "nan"], "is not a finite number"),
        (["--plot", "cost.pdf"], "must end in .svg or .png"),
        (["--prices", "absent.json"], "cannot read price table 'absent.json'"),
    ],
)
def test_bad_flags_are_one_error_line_and_exit_1(flags: list[str], message: str) -> None:
    result = run(str(ROOT / "examples" / "minimal.yaml"), *flags)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert result.stderr.startswith("error: ")


def test_unknown_instance_type_in_a_custom_table_is_an_error(tmp_path: Path) -> None:
    table = json.loads((ROOT / "compiler" / "data" / "prices.json").read_text())
    table["ec2_hourly"]["rates"]["z9.mega"] = 1.0
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps(table))
    result = run(str(ROOT / "examples" / "minimal.yaml"), "--prices", str(prices))
    assert result.exit_code == 1
    assert "unknown instance type 'z9.mega'" in result.stderr


def test_a_custom_table_without_the_specs_instance_type_is_an_error(tmp_path: Path) -> None:
    table = json.loads((ROOT / "compiler" / "data" / "prices.json").read_text())
    del table["ec2_hourly"]["rates"]["t3.micro"]
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps(table))
    result = run(str(ROOT / "examples" / "minimal.yaml"), "--prices", str(prices))
    assert result.exit_code == 1
    assert "no hourly rate for instance type 't3.micro'" in result.stderr


def test_a_custom_table_changes_the_bill(tmp_path: Path) -> None:
    table = json.loads((ROOT / "compiler" / "data" / "prices.json").read_text())
    table["prices"]["nat_gateway_hour"]["usd"] = 0.09
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps(table))
    spec = str(ROOT / "examples" / "minimal.yaml")
    base, dearer = run_json(spec), run_json(spec, "--prices", str(prices))
    assert dearer["total_monthly_usd"] - base["total_monthly_usd"] == pytest.approx(32.85, abs=0.01)
    assert dearer["prices"]["origin"] == str(prices)


def test_a_bad_spec_prints_diagnostics_and_exits_1(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, "version: 1\nname: shop\ntraffic: {requests_per_month: -1}\n")
    result = run(spec)
    assert result.exit_code == 1
    assert "traffic.requests_per_month" in result.stderr
    assert "Traceback" not in result.output


def test_plot_draws_an_svg_with_the_crossover(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    spec = str(ROOT / "examples" / "minimal.yaml")
    assert run(spec, "--plot", str(first)).exit_code == 0
    assert run(spec, "--plot", str(second)).exit_code == 0
    svg = first.read_text()
    crossover = run_json(spec)["scales"]["crossover_requests_per_month"]
    assert "<svg" in svg and f"crossover: {crossover:,} requests/month" in svg
    assert first.read_bytes() == second.read_bytes()  # no dates or random ids


def test_plot_without_matplotlib_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import now raises ImportError
    result = run(str(ROOT / "examples" / "minimal.yaml"), "--plot", str(tmp_path / "c.svg"))
    assert result.exit_code == 1
    assert "pip install 'tinystack[plot]'" in result.stderr
    assert not (tmp_path / "c.svg").exists()


def test_help_shows_an_example() -> None:
    result = run("--help")
    assert result.exit_code == 0 and "tsc cost examples/crud-api.yaml" in result.stdout


def readme_cost_section() -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index("\n## Cost\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def test_the_readme_cost_commands_run() -> None:
    commands = [
        line.strip()
        for line in readme_cost_section().splitlines()
        if line.strip().startswith("tsc cost ")
    ]
    assert commands
    for command in commands:
        args = shlex.split(command)[2:]
        result = CliRunner().invoke(main, ["cost", *args], catch_exceptions=False)
        assert result.exit_code == 0, (command, result.stderr)


def test_the_readme_figures_are_the_estimates() -> None:
    section = " ".join(readme_cost_section().split())
    minimal = run_json(str(ROOT / "examples" / "minimal.yaml"))
    assert f"today it costs ${minimal['total_monthly_usd']:.2f}" in section
    (stage,) = minimal["stages"]
    reason = (
        f"auto: api-gateway at ${stage['standard_monthly_usd']:.2f}/month vs alb at "
        f"${stage['hyperscale_monthly_usd']:.2f}/month for 100,000 requests/month"
    )
    assert reason in section


def test_the_readme_crossovers_are_the_solved_ones() -> None:
    from cost_specs import REFERENCE_TRAFFIC, lowered

    from compiler.cost.crossover import solve_crossover
    from compiler.cost.prices import builtin_prices

    section = " ".join(readme_cost_section().split())
    ir = lowered(traffic=REFERENCE_TRAFFIC)
    reference = solve_crossover(ir, ir.stages[0], builtin_prices(), ir.traffic)
    assert reference.requests_per_month is not None
    millions = reference.requests_per_month / 1e6
    assert f"cross at about {millions:.1f} million requests a month" in section
    default = run_json(str(ROOT / "examples" / "minimal.yaml"))["scales"]
    stack = default["crossover_requests_per_month"] / 1e6
    assert f"whole default stack crosses at about {stack:.1f} million" in section
