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


def test_plot_draws_an_svg_with_the_crossover_and_the_specs_traffic(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    spec = str(ROOT / "examples" / "minimal.yaml")
    drawn = run(spec, "--plot", str(first))
    assert (
        drawn.exit_code == 0 and drawn.stderr == f"wrote {first}: monthly cost against requests\n"
    )
    assert run(spec, "--plot", str(second), "--json").stderr.startswith(f"wrote {second}")
    svg = first.read_text()
    crossover = run_json(spec)["scales"]["crossover_requests_per_month"]
    assert "<svg" in svg and f"crossover: {crossover:,} requests/month" in svg
    assert "this spec: 100,000 requests/month" in svg  # minimal.yaml's own traffic
    # the axes read in dollars and in requests, not in powers of ten
    assert ">$100<" in svg and ">$1,000<" in svg and ">1M<" in svg and ">10k<" in svg
    assert first.read_bytes() == second.read_bytes()  # no dates or random ids


@pytest.mark.parametrize("columns", [100, 80])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_the_report_fits_the_terminal(example: Path, columns: int) -> None:
    result = CliRunner().invoke(main, ["cost", str(example)], env={"COLUMNS": str(columns)})
    lines = result.stdout.splitlines()
    assert result.exit_code == 0 and max(len(line) for line in lines) <= columns
    # nothing is lost to the fit: every word of every line item is still there
    items = [item["what"] for stage in run_json(str(example))["stages"] for item in stage["items"]]
    words = set(result.stdout.split())
    assert all(set(what.split()) <= words for what in items)


def test_a_piped_report_is_100_columns_and_a_wide_terminal_changes_nothing() -> None:
    spec = str(ROOT / "examples" / "crud-api.yaml")
    piped = CliRunner().invoke(main, ["cost", spec], env={"COLUMNS": None}).stdout
    assert max(len(line) for line in piped.splitlines()) == 100
    assert CliRunner().invoke(main, ["cost", spec], env={"COLUMNS": "180"}).stdout == piped


def test_quantities_read_as_people_write_them() -> None:
    spec = str(ROOT / "examples" / "crud-api.yaml")
    text = CliRunner().invoke(main, ["cost", spec], env={"COLUMNS": "100"}).stdout
    # 800,000 requests priced per million; GB to three significant digits; hours whole
    assert " 0.8 million requests " in text and " 0.191 GB ingested " in text
    assert " 730 instance-hour " in text and "0.190735" not in text
    assert "22.2 million (api-gateway below, alb above)" in text


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0.190735, "0.191"), (730, "730"), (12_345, "12,300"), (4.5e6, "4.5 million"),
     (300e6, "300 million"), (2.2129194e7, "22.1 million"), (1.5e9, "1.5 billion"), (0, "0"),
     (0.00001, "0.00001"), (2.5, "2.5"), (-1.1, "-1.1"), (100, "100")],
)  # fmt: skip
def test_quantity_has_three_significant_digits_and_a_scale(value: float, shown: str) -> None:
    from compiler.cost.report import quantity

    assert quantity(value) == shown


def test_a_stack_without_a_load_balancer_has_no_lcu_line() -> None:
    for example, has_alb in (("crud-api", False), ("minimal", False), ("hyperscale-fargate", True)):
        text = run(str(ROOT / "examples" / f"{example}.yaml")).stdout
        assert ("ALB LCUs per hour" in text) is has_alb, example


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
