"""`tsc cost --plot FILE.svg|png`: monthly cost against requests per month for both
scales, the crossover marked. matplotlib is the optional extra `tinystack[plot]`; it
is imported only here, and its absence is a one-line `PlotError`."""

from __future__ import annotations

from pathlib import Path

from compiler.cost.estimate import estimate_cost, with_endpoint_everywhere
from compiler.cost.prices import PriceTable
from compiler.cost.traffic import scaled_shape
from compiler.ir.model import StackIR

FORMATS = (".svg", ".png")
POINTS = 61  # 10^4 to 10^10 requests, ten points a decade


class PlotError(Exception):
    """The plot cannot be drawn; the message is one line for the user."""


def cost_curve(ir: StackIR, prices: PriceTable) -> list[tuple[int, float, float]]:
    """(requests, standard total, hyperscale total) along the traffic's shape."""
    standard_ir = with_endpoint_everywhere(ir, "api-gateway")
    hyper_ir = with_endpoint_everywhere(ir, "alb")
    curve = []
    for i in range(POINTS):
        requests = round(10 ** (4 + i / 10))
        load = scaled_shape(ir.traffic, requests, prices.hours_per_month)
        curve.append(
            (
                requests,
                estimate_cost(standard_ir, prices, load).monthly_usd,
                estimate_cost(hyper_ir, prices, load).monthly_usd,
            )
        )
    return curve


def write_plot(
    path: Path, ir: StackIR, prices: PriceTable, crossover: int | None, requests: int
) -> None:
    """Draw the two scales' monthly totals, the crossover and the spec's own `requests` a
    month into `path`; the axes read in dollars and requests."""
    if path.suffix.lower() not in FORMATS:
        raise PlotError(f"--plot: '{path.name}' must end in .svg or .png")
    try:
        import matplotlib

        matplotlib.use("Agg")  # no display needed
        import matplotlib.pyplot as plt
        from matplotlib.ticker import FuncFormatter
    except ImportError:
        raise PlotError("--plot needs matplotlib: pip install 'tinystack[plot]'") from None
    curve = cost_curve(ir, prices)
    matplotlib.rcParams["svg.hashsalt"] = "tinystack"  # stable ids: same input, same bytes
    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: searchable, smaller
    figure, axes = plt.subplots(figsize=(8, 5))
    axes.plot([c[0] for c in curve], [c[1] for c in curve], label="standard (HTTP API)")
    axes.plot([c[0] for c in curve], [c[2] for c in curve], label="hyperscale (ALB)")
    if crossover is not None:
        label = f"crossover: {crossover:,} requests/month"
        axes.axvline(crossover, linestyle="--", color="grey", label=label)
    axes.axvline(
        requests, linestyle=":", color="black", label=f"this spec: {requests:,} requests/month"
    )
    axes.set_xscale("log")
    axes.set_yscale("log")  # fixed costs and per-request costs span decades
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: _requests(value)))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: _dollars(value)))
    axes.set_xlabel("requests per month")
    axes.set_ylabel(f"monthly cost ({prices.currency}, $)")
    axes.set_title(f"{ir.name}: monthly cost by scale")
    axes.legend()
    axes.grid(True, which="both", alpha=0.3)
    try:
        figure.savefig(path, metadata=_metadata(path))
    except OSError as exc:
        raise PlotError(f"--plot: cannot write '{path}': {exc.strerror or exc}") from exc
    finally:
        plt.close(figure)


def _requests(value: float) -> str:
    """An axis label in requests: 10k, 1M, 1B."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if value >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"


def _dollars(value: float) -> str:
    """An axis label in dollars: $10, $1,000, $0.5."""
    return f"${value:,.0f}" if value >= 1 else f"${value:g}"


def _metadata(path: Path) -> dict[str, str | None]:
    # Without a date (and software version) the file is byte-identical run to run.
    if path.suffix.lower() == ".svg":
        return {"Date": None, "Creator": None}
    return {"Software": None}
