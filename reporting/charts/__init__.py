"""Server-side charts: SVG drawn from Django templates (templates/reporting/charts/), with the geometry computed in
plain Python (layout.py). The same markup is inlined in the HTML page and in the PDF: text stays text (searchable,
sharp, read by screen readers), and nothing but presentation attributes is used, so the page's CSP (no inline style)
holds.
Every chart comes with a text alternative that states its figures.

Drawing a chart is one template render (2-4 ms, against 50-150 ms with matplotlib), so nothing is cached."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from reporting.charts import layout
from reporting.charts.layout import (
    LABEL_SIZE,
    MARGIN,
    NNBSP,
    PALETTE,
    TITLE_SIZE,
    VALUE_SIZE,
    WIDTH,
    Linear,
    nice_ticks,
    number,
    text_width,
    wrap,
)

__all__ = [
    "PALETTE",
    "Chart",
    "grouped_bars",
    "line_trend",
    "nice_ticks",
    "paired_bars",
    "stacked_share",
    "text_width",
]


@dataclass
class Chart:
    title: str
    svg: SafeString  # an <svg> element, inlined as is in the page and in the PDF
    description: str  # the text alternative: what the chart shows, with its figures


def _chart_id(kind: str, title, categories, series) -> str:
    payload = json.dumps([kind, str(title), [str(c) for c in categories], series], default=str)
    return "chart-" + hashlib.sha256(payload.encode()).hexdigest()[:10]


def _render(template: str, kind: str, title, categories, series, description: str, **geometry) -> Chart:
    title = str(title)
    chart_id = _chart_id(kind, title, categories, series)
    sizes = {"title": TITLE_SIZE, "label": LABEL_SIZE, "value": VALUE_SIZE}
    context = {"id": chart_id, "width": WIDTH, "sizes": sizes, "title": title, "description": description, **geometry}
    return Chart(title=title, svg=render_to_string(f"reporting/charts/{template}", context), description=description)


def _empty(kind: str, title, categories, series, description: str) -> Chart:
    title_lines, top = layout.title_block(str(title))
    return _render(
        "empty.svg",
        kind,
        title,
        categories,
        series,
        description,
        height=layout.px(top + 50),
        title_lines=title_lines,
        message={"x": WIDTH / 2, "y": layout.px(top + 26), "text": _("Aucune donnée à représenter.")},
    )


# --- The four charts ----------------------------------------------------------------------------------------------


def grouped_bars(title: str, categories: list[str], series: list[tuple[str, list[int]]], *, unit: str = "") -> Chart:
    """Bars grouped by category (e.g. years), one colour per series, figures written on the bars."""
    categories = [str(c) for c in categories]
    series = [(str(name), list(values)) for name, values in series]
    description = "; ".join(
        f"{name} : " + ", ".join(f"{cat} {layout.figure(v)}{unit}" for cat, v in zip(categories, values, strict=True))
        for name, values in series
    )
    description = f"{title}. {description}."
    if not categories or not series:
        return _empty("bars", title, categories, series, description)
    title_lines, top = layout.title_block(str(title))
    legend, top = layout.legend([name for name, _v in series], top) if len(series) > 1 else ([], top)
    count = len(series)
    all_values = [number(v) for _name, values in series for v in values]
    # A first pass with a guessed left edge gives the slot width, which decides how the figures are written.
    slot = (WIDTH - MARGIN - 60) / len(categories)
    bar = slot * 0.8 / count
    labelled = len(categories) * count <= 24
    label_width = max(text_width(layout.figure(v), VALUE_SIZE) for v in all_values)
    upright = labelled and label_width > bar - 1  # too wide to sit across the bar: written upwards
    headroom = (label_width + 6 if upright else VALUE_SIZE + 6) if labelled else 6
    plot_top = top + headroom
    plot_bottom = plot_top + 200
    negative = min(all_values) < 0
    if negative and labelled:
        plot_bottom -= headroom / 2
    scale, grid, left = layout.y_axis(all_values, plot_top, plot_bottom)
    if negative and labelled:
        # room under the lowest bar for its figure: the scale ends a little above the x labels
        plot_bottom += headroom / 2
    left = layout.plot_left(categories, left)
    slot = (WIDTH - MARGIN - left) / len(categories)
    bar = slot * 0.8 / count
    zero = scale(0)
    bars = []
    for index, (name, values) in enumerate(series):
        for i, (category, value) in enumerate(zip(categories, values, strict=True)):
            v = number(value)
            x = left + slot * i + slot * 0.1 + bar * index
            y_end = scale(v)
            item = {
                "x": layout.px(x + bar * 0.05),
                "y": layout.px(min(zero, y_end)),
                "width": layout.px(bar * 0.9),
                "height": layout.px(abs(zero - y_end)),
                "color": PALETTE[index % len(PALETTE)],
                "tip": f"{category} · {name} : {layout.figure(value)}{unit}",
            }
            if labelled:
                cx = x + bar / 2
                if upright:
                    ly = y_end - 4 if v >= 0 else y_end + 4
                    item["label"] = {
                        "x": layout.px(cx + VALUE_SIZE * 0.35),
                        "y": layout.px(ly),
                        "text": layout.figure(value),
                        "anchor": "start" if v >= 0 else "end",
                        "rotate": f"rotate(-90 {layout.px(cx + VALUE_SIZE * 0.35)} {layout.px(ly)})",
                    }
                else:
                    ly = y_end - 4 if v >= 0 else y_end + VALUE_SIZE + 2
                    item["label"] = {
                        "x": layout.px(cx),
                        "y": layout.px(ly),
                        "text": layout.figure(value),
                        "anchor": "middle",
                    }
            bars.append(item)
    centers = [left + slot * (i + 0.5) for i in range(len(categories))]
    x_labels, height = layout.category_labels(categories, centers, slot, plot_bottom)
    return _render(
        "bars.svg",
        "bars",
        title,
        categories,
        series,
        description,
        height=layout.px(height + MARGIN),
        title_lines=title_lines,
        legend=legend,
        left=layout.px(left),
        tick_x=layout.px(left - 6),
        right=WIDTH - MARGIN,
        grid=grid,
        zero=layout.px(zero),
        bars=bars,
        x_labels=x_labels,
    )


def stacked_share(title: str, categories: list[str], series: list[tuple[str, list[int]]]) -> Chart:
    """100 % horizontal bars: the share of each series in each category (e.g. activity mix per year)."""
    categories = [str(c) for c in categories]
    series = [(str(name), list(values)) for name, values in series]
    totals = [sum(number(values[i]) for _name, values in series) for i in range(len(categories))]
    parts = [
        (name, [(number(v) * 100 / t) if t > 0 else 0 for v, t in zip(values, totals, strict=True)])
        for name, values in series
    ]
    description = "; ".join(
        f"{cat} : "
        + ", ".join(f"{name} {round(shares[i])} %" for name, shares in parts)
        + f" (total {layout.figure(totals[i])} actes)"
        for i, cat in enumerate(categories)
    )
    description = f"{title}. {description}."
    if not categories or not series:
        return _empty("share", title, categories, series, description)
    title_lines, top = layout.title_block(str(title))
    legend, top = layout.legend([name for name, _v in series], top)
    label_lines = [wrap(c, 150, LABEL_SIZE) for c in categories]
    left = MARGIN + max(text_width(line, LABEL_SIZE) for lines in label_lines for line in lines) + 10
    right = WIDTH - MARGIN - 12  # room for the "100 %" under the axis end
    row, bar_height = 40, 26
    plot_top = top + 6
    scale = Linear([0, 100], left, right)
    rows = []
    for i, (category, lines) in enumerate(zip(categories, label_lines, strict=True)):
        y = plot_top + row * i + (row - bar_height) / 2
        start, segments = 0.0, []
        for index, (name, shares) in enumerate(parts):
            share = shares[i]
            if share <= 0:
                continue
            x, width = scale(start), scale(start + share) - scale(start)
            color = PALETTE[index % len(PALETTE)]
            segment = {
                "x": layout.px(x),
                "width": layout.px(width),
                "color": color,
                "tip": f"{category} · {name} : {round(share)} %",
            }
            text = f"{round(share)}{NNBSP}%"
            if share >= 7 and text_width(text, VALUE_SIZE) <= width - 4:
                segment["label"] = {"x": layout.px(x + width / 2), "text": text, "color": layout.ink(color)}
            segments.append(segment)
            start += share
        first_line_y = y + bar_height / 2 + LABEL_SIZE * 0.35 - (len(lines) - 1) * (LABEL_SIZE + 2) / 2
        rows.append(
            {
                "y": layout.px(y),
                "height": bar_height,
                "label_y": layout.px(y + bar_height / 2 + VALUE_SIZE * 0.35),
                "segments": segments,
                "labels": [
                    {"x": layout.px(left - 8), "y": layout.px(first_line_y + j * (LABEL_SIZE + 2)), "text": line}
                    for j, line in enumerate(lines)
                ],
            }
        )
    plot_bottom = plot_top + row * len(categories)
    ticks = [{"x": layout.px(scale(t)), "text": f"{t}{NNBSP}%"} for t in range(0, 101, 20)]
    return _render(
        "share.svg",
        "share",
        title,
        categories,
        series,
        description,
        height=layout.px(plot_bottom + LABEL_SIZE + 8 + MARGIN),
        title_lines=title_lines,
        legend=legend,
        plot_top=layout.px(plot_top),
        plot_bottom=layout.px(plot_bottom),
        tick_y=layout.px(plot_bottom + LABEL_SIZE + 4),
        ticks=ticks,
        rows=rows,
    )


def line_trend(title: str, categories: list[str], series: list[tuple[str, list[int]]]) -> Chart:
    """Lines over time (weeks, months), one per series."""
    categories = [str(c) for c in categories]
    series = [(str(name), list(values)) for name, values in series]
    description = "; ".join(
        f"{name} : " + ", ".join(f"{cat} {layout.figure(v)}" for cat, v in zip(categories, values, strict=True))
        for name, values in series
    )
    description = f"{title}. {description}."
    if not categories or not series:
        return _empty("line", title, categories, series, description)
    title_lines, top = layout.title_block(str(title))
    legend, top = layout.legend([name for name, _v in series], top) if len(series) > 1 else ([], top)
    all_values = [number(v) for _name, values in series for v in values]
    plot_top, plot_bottom = top + 8, top + 8 + 180
    scale, grid, left = layout.y_axis(all_values, plot_top, plot_bottom)
    left = layout.plot_left(categories, left, thin=True)
    slot = (WIDTH - MARGIN - left) / len(categories)
    centers = [left + slot * (i + 0.5) for i in range(len(categories))]
    lines = []
    for index, (name, values) in enumerate(series):
        points = [
            {"x": layout.px(x), "y": layout.px(scale(number(v))), "tip": f"{category} · {name} : {layout.figure(v)}"}
            for x, category, v in zip(centers, categories, values, strict=True)
        ]
        lines.append(
            {
                "color": PALETTE[index % len(PALETTE)],
                "points": points,
                "path": " ".join(f"{p['x']},{p['y']}" for p in points),
            }
        )
    x_labels, height = layout.category_labels(categories, centers, slot, plot_bottom, thin=True)
    return _render(
        "line.svg",
        "line",
        title,
        categories,
        series,
        description,
        height=layout.px(height + MARGIN),
        title_lines=title_lines,
        legend=legend,
        left=layout.px(left),
        tick_x=layout.px(left - 6),
        right=WIDTH - MARGIN,
        grid=grid,
        zero=layout.px(scale(0)),
        lines=lines,
        x_labels=x_labels,
    )


def paired_bars(title: str, categories: list[str], series: list[tuple[str, list[int]]]) -> Chart:
    """Horizontal bars, one group per (long-labelled) category: e.g. planned vs held per commitment."""
    categories = [str(c) for c in categories]
    series = [(str(name), list(values)) for name, values in series]
    description = "; ".join(
        f"{cat} : " + ", ".join(f"{name} {layout.figure(values[i])}" for name, values in series)
        for i, cat in enumerate(categories)
    )
    description = f"{title}. {description}."
    if not categories or not series:
        return _empty("paired", title, categories, series, description)
    title_lines, top = layout.title_block(str(title))
    legend, top = layout.legend([name for name, _v in series], top)
    count = len(series)
    all_values = [number(v) for _name, values in series for v in values]
    label_lines = [wrap(c, 240, LABEL_SIZE) for c in categories]
    left = MARGIN + max(text_width(line, LABEL_SIZE) for lines in label_lines for line in lines) + 10
    value_room = max(text_width(layout.figure(v), VALUE_SIZE) for v in all_values) + 6
    ticks = nice_ticks(min(all_values), max(all_values))
    negative_room = value_room if min(all_values) < 0 else 0
    scale = Linear(ticks, left + negative_room, WIDTH - MARGIN - value_room)
    zero = scale(0)
    bar_height = 14
    plot_top = top + 6
    y, groups = plot_top, []
    for i, (category, lines) in enumerate(zip(categories, label_lines, strict=True)):
        height = max(count * bar_height, len(lines) * (LABEL_SIZE + 2)) + 14
        bars_top = y + (height - count * bar_height) / 2
        bars = []
        for index, (name, values) in enumerate(series):
            v = number(values[i])
            end = scale(v)
            by = bars_top + bar_height * index
            bars.append(
                {
                    "x": layout.px(min(zero, end)),
                    "y": layout.px(by + 1),
                    "width": layout.px(abs(end - zero)),
                    "height": bar_height - 2,
                    "color": PALETTE[index % len(PALETTE)],
                    "tip": f"{category} · {name} : {layout.figure(values[i])}",
                    "label": {
                        "x": layout.px(end + 4 if v >= 0 else end - 4),
                        "y": layout.px(by + bar_height / 2 + VALUE_SIZE * 0.35),
                        "text": layout.figure(values[i]),
                        "anchor": "start" if v >= 0 else "end",
                    },
                }
            )
        first_line_y = y + height / 2 + LABEL_SIZE * 0.35 - (len(lines) - 1) * (LABEL_SIZE + 2) / 2
        groups.append(
            {
                "bars": bars,
                "labels": [
                    {"x": layout.px(left - 8), "y": layout.px(first_line_y + j * (LABEL_SIZE + 2)), "text": line}
                    for j, line in enumerate(lines)
                ],
            }
        )
        y += height
    plot_bottom = y
    grid = [{"x": layout.px(scale(t)), "text": layout.figure(t), "zero": t == 0} for t in ticks]
    return _render(
        "paired.svg",
        "paired",
        title,
        categories,
        series,
        description,
        height=layout.px(plot_bottom + LABEL_SIZE + 8 + MARGIN),
        title_lines=title_lines,
        legend=legend,
        plot_top=layout.px(plot_top),
        plot_bottom=layout.px(plot_bottom),
        tick_y=layout.px(plot_bottom + LABEL_SIZE + 4),
        grid=grid,
        zero=layout.px(zero),
        groups=groups,
    )
