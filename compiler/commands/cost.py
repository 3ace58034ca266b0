"""`tsc cost`: the monthly bill of a spec before deploying it.

Reads the spec through the front end (diagnostics as `tsc validate` prints them), puts
traffic flags over the spec's `traffic`, makes open `scale: auto` choices again for that
traffic and price table, and prints the report (compiler/cost/report.py documents the
`--json` shape). Every bad input is one `error:` line on stderr and exit status 1.
"""

from __future__ import annotations

import math
import os
import shutil
import sys
from pathlib import Path

import click

from compiler.commands.conventions import fail, read_ir, spec_argument
from compiler.cost.analysis import CostReport, analyze, retarget
from compiler.cost.plot import PlotError, write_plot
from compiler.cost.prices import PriceTableError, load_prices
from compiler.cost.report import WIDTH
from compiler.cost.report import render_text as render_report
from compiler.cost.report_json import render_json
from compiler.cost.traffic import TrafficError, override_traffic
from compiler.diagnostics import printable


@click.command("cost")
@spec_argument("spec_file")
@click.option(
    "--prices",
    "prices_file",
    metavar="FILE",
    type=click.Path(path_type=Path),
    help="Price table to use instead of the built-in us-east-1 one.",
)
@click.option("--requests", metavar="N", help="Requests per month (overrides traffic).")
@click.option("--avg-response-kb", metavar="KB", help="Average response size in KB.")
@click.option("--new-connections-per-second", metavar="N", help="Peak new connections/s.")
@click.option("--active-connections-per-minute", metavar="N", help="Peak active connections/min.")
@click.option(
    "--free-tier",
    type=click.Choice(["available", "used"]),
    default="available",
    show_default=True,
    help="used: price as if other stacks of the account already take its free tiers "
    "(alarms, build and pipeline minutes, data out).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--plot",
    "plot_file",
    metavar="FILE",
    type=click.Path(path_type=Path),
    help="Draw cost against requests for both scales (.svg or .png).",
)
def cost(
    spec_file: Path,
    prices_file: Path | None,
    requests: str | None,
    avg_response_kb: str | None,
    new_connections_per_second: str | None,
    active_connections_per_minute: str | None,
    free_tier: str,
    as_json: bool,
    plot_file: Path | None,
) -> None:
    """Estimate the monthly AWS cost of SPEC, standard vs hyperscale, with the crossover.

    SPEC defaults to tinystack.yaml in the current folder.

    \b
    Example:
      tsc cost examples/crud-api.yaml
      tsc cost tinystack.yaml --requests 450000000 --json
      tsc cost tinystack.yaml --prices my-prices.json --plot cost.svg
      tsc cost tinystack.yaml --free-tier used
    """
    ir = read_ir(spec_file)
    try:
        prices = load_prices(prices_file)
        if free_tier == "used":
            prices = prices.with_free_tiers_used()
        traffic = override_traffic(
            ir.traffic,
            prices.hours_per_month,
            requests=_whole("--requests", requests),
            avg_response_kb=_number("--avg-response-kb", avg_response_kb),
            new_per_second=_number("--new-connections-per-second", new_connections_per_second),
            active_per_minute=_number(
                "--active-connections-per-minute", active_connections_per_minute
            ),
        )
        report = analyze(retarget(ir, traffic, prices), prices)
        if plot_file is not None:
            _plot(plot_file, report)
    except (PriceTableError, TrafficError, PlotError) as error:
        raise fail(str(error)) from None
    if as_json:
        click.echo(render_json(report), nl=False)
    else:
        click.echo(render_report(report, _columns()), nl=False)
    if plot_file is not None:  # stdout may be JSON: the note goes beside the diagnostics
        click.echo(f"wrote {printable(str(plot_file))}: monthly cost against requests", err=True)


def _columns() -> int:
    """COLUMNS when set, else the terminal's width; piped, 100 (the report caps it there)."""
    if os.environ.get("COLUMNS", "").isdigit():
        return int(os.environ["COLUMNS"])
    return shutil.get_terminal_size((WIDTH, 24)).columns if sys.stdout.isatty() else WIDTH


def _whole(flag: str, text: str | None) -> int | None:
    """A flag's value as a whole number (`450e6` is fine); a TrafficError otherwise."""
    value = _number(flag, text)
    if value is None:
        return None
    if not value.is_integer():
        raise TrafficError(f"{flag}: '{text}' is not a whole number")
    return int(value)


def _number(flag: str, text: str | None) -> float | None:
    """A flag's value as a number; a clear TrafficError when it is not one."""
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        raise TrafficError(f"{flag}: '{text}' is not a number") from None
    if not math.isfinite(value):
        raise TrafficError(f"{flag}: '{text}' is not a finite number")
    return value


def _plot(path: Path, report: CostReport) -> None:
    write_plot(path, report.ir, report.prices, report.stack_crossover.requests_per_month,
               report.estimate.traffic.requests_per_month)  # fmt: skip
