"""Server-side charts: matplotlib (Agg backend) to SVG with real text, embedded as the same data URI in the
HTML page and in the PDF. Every chart comes with a text alternative that states its figures."""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import json
import textwrap
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from django.core.cache import caches  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from reporting.formatting import fr_int  # noqa: E402

PALETTE = ["#1f4e79", "#e07a1f", "#5b9bd5", "#70ad47", "#a5a5a5", "#7f3f98", "#c00000"]

matplotlib.rcParams.update(
    {
        "svg.fonttype": "none",  # text stays text: searchable, sharp, readable by screen readers
        "svg.hashsalt": "altm",  # stable ids: the same figures give the same file
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": "#888888",
        "axes.titlesize": 10,
        "axes.titleweight": "bold",
        "legend.frameon": False,
        "legend.fontsize": 8,
    }
)


@dataclass
class Chart:
    title: str
    svg: str
    description: str  # the text alternative: what the chart shows, with its figures

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def _to_svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(figure)
    return buffer.getvalue()


CACHE_SECONDS = 7 * 24 * 60 * 60
# The drawing code is part of the key: a new release draws again instead of serving the old style.
DRAWING_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


def cached(function):
    """Drawing is the slow part of a report (50-140 ms): the same title and figures give the same SVG, kept a week
    in the `charts` cache, which every worker of the machine shares (settings.CACHES: files on disk), so the
    HTML page, the PDF made right after it and every other worker's requests draw it once."""

    @functools.wraps(function)
    def wrapper(title, categories, series, **kwargs):
        payload = json.dumps(
            [DRAWING_VERSION, function.__name__, str(title), list(categories), series, kwargs], default=str
        )
        key = "altm-chart-" + hashlib.sha256(payload.encode()).hexdigest()
        store = caches["charts"]
        cached_svg = store.get(key)
        if cached_svg is not None:
            return Chart(**cached_svg)
        chart = function(title, categories, series, **kwargs)
        store.set(key, {"title": str(chart.title), "svg": chart.svg, "description": chart.description}, CACHE_SECONDS)
        return chart

    return wrapper


def _thousands(axis):
    axis.set_major_formatter(FuncFormatter(lambda value, _pos: fr_int(value)))
    axis.set_major_locator(MaxNLocator(nbins=5, integer=True))


@cached
def grouped_bars(title: str, categories: list[str], series: list[tuple[str, list[int]]], *, unit: str = "") -> Chart:
    """Bars grouped by category (e.g. years), one colour per series."""
    figure, axes = plt.subplots(figsize=(7.6, 3.0))
    figure.subplots_adjust(left=0.08, right=0.66 if len(series) > 1 else 0.98, top=0.88, bottom=0.12)
    count = max(len(series), 1)
    width = 0.8 / count
    for index, (name, values) in enumerate(series):
        positions = [i - 0.4 + width * (index + 0.5) for i in range(len(categories))]
        bars = axes.bar(positions, values, width=width * 0.92, label=name, color=PALETTE[index % len(PALETTE)])
        if len(categories) * count <= 24:
            axes.bar_label(bars, labels=[fr_int(v) for v in values], fontsize=7, padding=1.5, color="#333333")
    axes.set_xticks(range(len(categories)), categories)
    _thousands(axes.yaxis)
    axes.set_title(title, loc="left")
    axes.grid(axis="y", color="#e5e5e5", linewidth=0.6)
    axes.set_axisbelow(True)
    if len(series) > 1:
        axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    description = "; ".join(
        f"{name} : " + ", ".join(f"{cat} {fr_int(v)}{unit}" for cat, v in zip(categories, values, strict=True))
        for name, values in series
    )
    return Chart(title=title, svg=_to_svg(figure), description=f"{title}. {description}.")


@cached
def stacked_share(title: str, categories: list[str], series: list[tuple[str, list[int]]]) -> Chart:
    """100 % horizontal bars: the share of each series in each category (e.g. activity mix per year)."""
    height = 0.55 * max(len(categories), 1) + 1.4
    figure, axes = plt.subplots(figsize=(7.6, height))
    figure.subplots_adjust(left=0.09, right=0.95, top=1 - 0.4 / height, bottom=0.75 / height)
    totals = [sum(values[i] for _name, values in series) for i in range(len(categories))]
    left = [0.0] * len(categories)
    parts = []
    for index, (name, values) in enumerate(series):
        shares = [(v * 100 / t) if t else 0 for v, t in zip(values, totals, strict=True)]
        axes.barh(categories, shares, left=left, label=name, color=PALETTE[index % len(PALETTE)], height=0.6)
        for i, share in enumerate(shares):
            if share >= 7:
                axes.text(
                    left[i] + share / 2, i, f"{round(share)} %", ha="center", va="center", color="white", fontsize=7
                )
        left = [a + b for a, b in zip(left, shares, strict=True)]
        parts.append((name, shares))
    axes.set_xlim(0, 100)
    axes.invert_yaxis()
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{int(value)} %"))
    axes.set_title(title, loc="left")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.35 / (height - 1.15)), ncol=min(len(series), 4))
    description = "; ".join(
        f"{cat} : "
        + ", ".join(f"{name} {round(shares[i])} %" for name, shares in parts)
        + f" (total {fr_int(totals[i])} actes)"
        for i, cat in enumerate(categories)
    )
    return Chart(title=title, svg=_to_svg(figure), description=f"{title}. {description}.")


@cached
def line_trend(title: str, categories: list[str], series: list[tuple[str, list[int]]]) -> Chart:
    """Lines over time (weeks, months), one per series."""
    figure, axes = plt.subplots(figsize=(7.6, 2.8))
    figure.subplots_adjust(left=0.08, right=0.72 if len(series) > 1 else 0.98, top=0.88, bottom=0.25)
    for index, (name, values) in enumerate(series):
        axes.plot(categories, values, marker="o", markersize=3, label=name, color=PALETTE[index % len(PALETTE)])
    _thousands(axes.yaxis)
    axes.set_ylim(bottom=0)
    axes.set_title(title, loc="left")
    axes.grid(axis="y", color="#e5e5e5", linewidth=0.6)
    if len(categories) > 8:
        for label in axes.get_xticklabels():
            label.set_rotation(45)
            label.set_horizontalalignment("right")
    if len(series) > 1:
        axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    description = "; ".join(
        f"{name} : " + ", ".join(f"{cat} {fr_int(v)}" for cat, v in zip(categories, values, strict=True))
        for name, values in series
    )
    return Chart(title=title, svg=_to_svg(figure), description=f"{title}. {description}.")


@cached
def paired_bars(title: str, categories: list[str], series: list[tuple[str, list[int]]]) -> Chart:
    """Horizontal bars, one group per (long-labelled) category: e.g. planned vs held per commitment."""
    height = 0.5 * max(len(categories), 1) + 1.3
    figure, axes = plt.subplots(figsize=(7.6, height))
    figure.subplots_adjust(left=0.45, right=0.97, top=1 - 0.35 / height, bottom=0.85 / height)
    count = max(len(series), 1)
    width = 0.8 / count
    for index, (name, values) in enumerate(series):
        positions = [i - 0.4 + width * (index + 0.5) for i in range(len(categories))]
        bars = axes.barh(positions, values, height=width * 0.9, label=name, color=PALETTE[index % len(PALETTE)])
        axes.bar_label(bars, labels=[fr_int(v) for v in values], fontsize=7, padding=2, color="#333333")
    axes.set_yticks(range(len(categories)), [textwrap.fill(c, 38) for c in categories], fontsize=8)
    axes.invert_yaxis()
    _thousands(axes.xaxis)
    axes.set_title(title, loc="left")
    # Below the axis, in the figure's corner: inside the plot, the legend would hide the longest bar.
    figure.legend(loc="lower right", bbox_to_anchor=(0.97, 0.0), ncol=count)
    description = "; ".join(
        f"{cat} : " + ", ".join(f"{name} {fr_int(values[i])}" for name, values in series)
        for i, cat in enumerate(categories)
    )
    return Chart(title=title, svg=_to_svg(figure), description=f"{title}. {description}.")
