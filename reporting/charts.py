"""Server-side charts: SVG drawn from Django templates (templates/reporting/charts/), with the geometry computed here
in plain Python. The same markup is inlined in the HTML page and in the PDF: text stays text (searchable, sharp,
read by screen readers), and nothing but presentation attributes is used, so the page's CSP (no inline style) holds.
Every chart comes with a text alternative that states its figures.

Drawing a chart is a template render (well under a millisecond to a few milliseconds), so nothing is cached."""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from reporting.formatting import NNBSP, fr_int

PALETTE = ["#1f4e79", "#e07a1f", "#5b9bd5", "#70ad47", "#a5a5a5", "#7f3f98", "#c00000"]

WIDTH = 560  # viewBox units; the figure scales to its column (and scrolls sideways below 26rem, see reporting.css)
MARGIN = 8
TITLE_SIZE = 16
LABEL_SIZE = 13  # axis ticks, categories, legend
VALUE_SIZE = 12  # figures written on the bars
LEGEND_ROW = 19
TEXT_COLOR = "#333333"

# Advance widths of DejaVu Sans (the PDF's font, and the widest of the usual sans-serif fonts), in em: a label
# measured with them fits in any browser's font too.
_WIDTHS = {
    0.2: NNBSP,
    0.28: "'ijlîï",
    0.3: "IJÎ",
    0.32: " ,.’",
    0.34: "/:;\\|",
    0.36: "f-",
    0.39: "()[]t",
    0.41: "!r",
    0.5: '"*_`',
    0.53: "szç?c",
    0.58: "LFk",
    0.6: "vxyP",
    0.61: "TYaoàâôö«»",
    0.63: "eéèêëESbdghnpquùûüÉÈÊ$0123456789{}",
    0.68: "KAVÀÂ",
    0.7: "BRXZCÇ",
    0.75: "UÙHN",
    0.79: "DGOQÔ&",
    0.84: "w#+<=>^~−",
    0.86: "M",
    0.97: "m%",
    1.0: "W@…œ",
    1.07: "Œ",
}
_CHAR_WIDTH = {char: width for width, chars in _WIDTHS.items() for char in chars}
_BOLD = 1.1


@dataclass
class Chart:
    title: str
    svg: SafeString  # an <svg> element, inlined as is in the page and in the PDF
    description: str  # the text alternative: what the chart shows, with its figures


# --- Measures, scales, labels -----------------------------------------------------------------------------------


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    width = sum(_CHAR_WIDTH.get(char, 0.65) for char in str(text)) * size
    return width * _BOLD if bold else width


def wrap(text: str, width: float, size: float, *, bold: bool = False) -> list[str]:
    """Words of `text` in lines no wider than `width` (a word longer than the line stays whole)."""
    lines: list[str] = []
    for word in str(text).split():
        if lines and text_width(f"{lines[-1]} {word}", size, bold=bold) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def number(value) -> float:
    """A plottable number: None, NaN and infinities are drawn as 0 (the text alternative says "—")."""
    try:
        result = float(value)
    except (TypeError, ValueError):
        return 0.0
    return result if math.isfinite(result) else 0.0


def _fr(value) -> str:
    """A figure in French typography; "—" when there is none (None, NaN)."""
    try:
        missing = not math.isfinite(float(value))
    except (TypeError, ValueError):
        missing = True
    return "—" if missing else fr_int(value)


def nice_ticks(low: float, high: float, count: int = 5) -> list[int]:
    """Integer ticks from below `low` to above `high` (0 always included) with a step of 1, 2, 2.5 or 5 × 10^k."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high - low <= 0:
        high = 1.0
    rough = (high - low) / (count - 1)
    magnitude = 10 ** math.floor(math.log10(rough))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= rough)
    step = max(1, math.ceil(step))
    first = math.floor(low / step) * step
    last = math.ceil(high / step) * step
    return list(range(int(first), int(last) + 1, int(step)))


def _r(value: float) -> float:
    return round(value, 1)


class Linear:
    """Maps values of [ticks[0], ticks[-1]] onto [start, end] pixels (end may be smaller: the y axis goes up)."""

    def __init__(self, ticks: list[int], start: float, end: float):
        self.low, self.high, self.start, self.end = ticks[0], ticks[-1], start, end

    def __call__(self, value: float) -> float:
        return self.start + (value - self.low) * (self.end - self.start) / (self.high - self.low)


def _chart_id(kind: str, title, categories, series) -> str:
    payload = json.dumps([kind, str(title), [str(c) for c in categories], series], default=str)
    return "chart-" + hashlib.sha256(payload.encode()).hexdigest()[:10]


def _title(title: str) -> tuple[list[dict], float]:
    lines = wrap(title, WIDTH - 2 * MARGIN, TITLE_SIZE, bold=True)
    items = [
        {"x": MARGIN, "y": MARGIN + TITLE_SIZE + i * (TITLE_SIZE + 4), "text": line} for i, line in enumerate(lines)
    ]
    return items, MARGIN + len(lines) * (TITLE_SIZE + 4) + 4


def _legend(names: list[str], top: float) -> tuple[list[dict], float]:
    """Swatches and names flowing in rows under the title: the whole width stays for the plot (phones)."""
    items, x, y = [], MARGIN, top + LABEL_SIZE
    for index, name in enumerate(names):
        width = 12 + 5 + text_width(name, LABEL_SIZE) + 16
        if x > MARGIN and x + width > WIDTH - MARGIN:
            x, y = MARGIN, y + LEGEND_ROW
        items.append(
            {
                "x": _r(x),
                "y": _r(y),
                "text_x": _r(x + 17),
                "swatch_y": _r(y - 10),
                "color": PALETTE[index % len(PALETTE)],
                "text": name,
            }
        )
        x += width
    return items, (y + 8 if items else top)


SLANT = 40  # degrees


def _slanted(categories: list[str], slot: float) -> bool:
    """Whether a category name has a word wider than its slot: the names are then written slanted."""
    return any(text_width(line, LABEL_SIZE) > slot - 2 for c in categories for line in wrap(c, slot - 4, LABEL_SIZE))


THIN = 3  # a time axis may name every 2nd or 3rd point rather than slant its labels


def _plot_left(categories: list[str], left: float, *, thin: bool = False) -> float:
    """The plot's left edge, moved right when slanted names would run out of the figure on the left."""
    slot = (WIDTH - MARGIN - left) / len(categories)
    if not _slanted(categories, slot * (THIN if thin else 1)):
        return left
    cos = math.cos(math.radians(SLANT))
    overflow = max(text_width(c, LABEL_SIZE) * cos - 4 - slot * (i + 0.5) for i, c in enumerate(categories))
    return max(left, MARGIN + overflow * 1.1 + 4)


def _x_labels(
    categories: list[str], centers: list[float], slot: float, top: float, *, thin: bool = False
) -> tuple[list[dict], float]:
    """Category names under the x axis, wrapped to their slot. When a word does not fit in it, a time axis (`thin`)
    names every 2nd or 3rd point, counted from the last one (the current period); other names are slanted."""
    for every in range(1, THIN + 1 if thin else 2):
        if _slanted(categories, slot * every):
            continue
        last = len(categories) - 1
        wrapped = {
            i: wrap(c, slot * every - 4, LABEL_SIZE) for i, c in enumerate(categories) if (last - i) % every == 0
        }
        labels = [
            {"x": _r(centers[i]), "y": _r(top + LABEL_SIZE + j * (LABEL_SIZE + 2)), "text": line, "anchor": "middle"}
            for i, lines in wrapped.items()
            for j, line in enumerate(lines)
        ]
        return labels, top + max(len(lines) for lines in wrapped.values()) * (LABEL_SIZE + 2) + 4
    labels = []
    for x, category in zip(centers, categories, strict=True):
        lx, ly = _r(x + 4), _r(top + 8)
        labels.append({"x": lx, "y": ly, "text": category, "anchor": "end", "rotate": f"rotate(-{SLANT} {lx} {ly})"})
    longest = max(text_width(c, LABEL_SIZE) for c in categories)
    return labels, top + 8 + longest * math.sin(math.radians(SLANT)) + LABEL_SIZE


def _y_axis(values: list[float], top: float, bottom: float) -> tuple[Linear, list[dict], float]:
    """The vertical scale, its gridlines and labels, and the plot's left edge (after the widest label)."""
    ticks = nice_ticks(min(values, default=0), max(values, default=0))
    left = MARGIN + max(text_width(_fr(t), LABEL_SIZE) for t in ticks) + 6
    scale = Linear(ticks, bottom, top)
    grid = [{"y": _r(scale(t)), "text_y": _r(scale(t) + 4), "text": _fr(t), "zero": t == 0} for t in ticks]
    return scale, grid, left


def _render(template: str, kind: str, title, categories, series, description: str, **geometry) -> Chart:
    title = str(title)
    chart_id = _chart_id(kind, title, categories, series)
    sizes = {"title": TITLE_SIZE, "label": LABEL_SIZE, "value": VALUE_SIZE}
    context = {"id": chart_id, "width": WIDTH, "sizes": sizes, "title": title, "description": description, **geometry}
    return Chart(title=title, svg=render_to_string(f"reporting/charts/{template}", context), description=description)


def _empty(kind: str, title, categories, series, description: str) -> Chart:
    title_lines, top = _title(str(title))
    return _render(
        "empty.svg",
        kind,
        title,
        categories,
        series,
        description,
        height=_r(top + 50),
        title_lines=title_lines,
        message={"x": WIDTH / 2, "y": _r(top + 26), "text": _("Aucune donnée à représenter.")},
    )


# --- The four charts ----------------------------------------------------------------------------------------------


def grouped_bars(title: str, categories: list[str], series: list[tuple[str, list[int]]], *, unit: str = "") -> Chart:
    """Bars grouped by category (e.g. years), one colour per series, figures written on the bars."""
    categories = [str(c) for c in categories]
    series = [(str(name), list(values)) for name, values in series]
    description = "; ".join(
        f"{name} : " + ", ".join(f"{cat} {_fr(v)}{unit}" for cat, v in zip(categories, values, strict=True))
        for name, values in series
    )
    description = f"{title}. {description}."
    if not categories or not series:
        return _empty("bars", title, categories, series, description)
    title_lines, top = _title(str(title))
    legend, top = _legend([name for name, _v in series], top) if len(series) > 1 else ([], top)
    count = len(series)
    all_values = [number(v) for _name, values in series for v in values]
    # A first pass with a guessed left edge gives the slot width, which decides how the figures are written.
    slot = (WIDTH - MARGIN - 60) / len(categories)
    bar = slot * 0.8 / count
    labelled = len(categories) * count <= 24
    label_width = max(text_width(_fr(v), VALUE_SIZE) for v in all_values)
    upright = labelled and label_width > bar - 1  # too wide to sit across the bar: written upwards
    headroom = (label_width + 6 if upright else VALUE_SIZE + 6) if labelled else 6
    plot_top = top + headroom
    plot_bottom = plot_top + 200
    negative = min(all_values) < 0
    if negative and labelled:
        plot_bottom -= headroom / 2
    scale, grid, left = _y_axis(all_values, plot_top, plot_bottom)
    if negative and labelled:
        # room under the lowest bar for its figure: the scale ends a little above the x labels
        plot_bottom += headroom / 2
    left = _plot_left(categories, left)
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
                "x": _r(x + bar * 0.05),
                "y": _r(min(zero, y_end)),
                "width": _r(bar * 0.9),
                "height": _r(abs(zero - y_end)),
                "color": PALETTE[index % len(PALETTE)],
                "tip": f"{category} · {name} : {_fr(value)}{unit}",
            }
            if labelled:
                cx = x + bar / 2
                if upright:
                    ly = y_end - 4 if v >= 0 else y_end + 4
                    item["label"] = {
                        "x": _r(cx + VALUE_SIZE * 0.35),
                        "y": _r(ly),
                        "text": _fr(value),
                        "anchor": "start" if v >= 0 else "end",
                        "rotate": f"rotate(-90 {_r(cx + VALUE_SIZE * 0.35)} {_r(ly)})",
                    }
                else:
                    ly = y_end - 4 if v >= 0 else y_end + VALUE_SIZE + 2
                    item["label"] = {"x": _r(cx), "y": _r(ly), "text": _fr(value), "anchor": "middle"}
            bars.append(item)
    centers = [left + slot * (i + 0.5) for i in range(len(categories))]
    x_labels, height = _x_labels(categories, centers, slot, plot_bottom)
    return _render(
        "bars.svg",
        "bars",
        title,
        categories,
        series,
        description,
        height=_r(height + MARGIN),
        title_lines=title_lines,
        legend=legend,
        left=_r(left),
        tick_x=_r(left - 6),
        right=WIDTH - MARGIN,
        grid=grid,
        zero=_r(zero),
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
        + f" (total {_fr(totals[i])} actes)"
        for i, cat in enumerate(categories)
    )
    description = f"{title}. {description}."
    if not categories or not series:
        return _empty("share", title, categories, series, description)
    title_lines, top = _title(str(title))
    legend, top = _legend([name for name, _v in series], top)
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
                "x": _r(x),
                "width": _r(width),
                "color": color,
                "tip": f"{category} · {name} : {round(share)} %",
            }
            text = f"{round(share)}{NNBSP}%"
            if share >= 7 and text_width(text, VALUE_SIZE) <= width - 4:
                segment["label"] = {"x": _r(x + width / 2), "text": text, "color": _ink(color)}
            segments.append(segment)
            start += share
        first_line_y = y + bar_height / 2 + LABEL_SIZE * 0.35 - (len(lines) - 1) * (LABEL_SIZE + 2) / 2
        rows.append(
            {
                "y": _r(y),
                "height": bar_height,
                "label_y": _r(y + bar_height / 2 + VALUE_SIZE * 0.35),
                "segments": segments,
                "labels": [
                    {"x": _r(left - 8), "y": _r(first_line_y + j * (LABEL_SIZE + 2)), "text": line}
                    for j, line in enumerate(lines)
                ],
            }
        )
    plot_bottom = plot_top + row * len(categories)
    ticks = [{"x": _r(scale(t)), "text": f"{t}{NNBSP}%"} for t in range(0, 101, 20)]
    return _render(
        "share.svg",
        "share",
        title,
        categories,
        series,
        description,
        height=_r(plot_bottom + LABEL_SIZE + 8 + MARGIN),
        title_lines=title_lines,
        legend=legend,
        plot_top=_r(plot_top),
        plot_bottom=_r(plot_bottom),
        tick_y=_r(plot_bottom + LABEL_SIZE + 4),
        ticks=ticks,
        rows=rows,
    )


def _ink(color: str) -> str:
    """Dark or white text, whichever reads better on `color` (WCAG relative luminance)."""
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#ffffff" if (1.05 / (luminance + 0.05)) >= ((luminance + 0.05) / 0.05) else "#1b1b1b"


def line_trend(title: str, categories: list[str], series: list[tuple[str, list[int]]]) -> Chart:
    """Lines over time (weeks, months), one per series."""
    categories = [str(c) for c in categories]
    series = [(str(name), list(values)) for name, values in series]
    description = "; ".join(
        f"{name} : " + ", ".join(f"{cat} {_fr(v)}" for cat, v in zip(categories, values, strict=True))
        for name, values in series
    )
    description = f"{title}. {description}."
    if not categories or not series:
        return _empty("line", title, categories, series, description)
    title_lines, top = _title(str(title))
    legend, top = _legend([name for name, _v in series], top) if len(series) > 1 else ([], top)
    all_values = [number(v) for _name, values in series for v in values]
    plot_top, plot_bottom = top + 8, top + 8 + 180
    scale, grid, left = _y_axis(all_values, plot_top, plot_bottom)
    left = _plot_left(categories, left, thin=True)
    slot = (WIDTH - MARGIN - left) / len(categories)
    centers = [left + slot * (i + 0.5) for i in range(len(categories))]
    lines = []
    for index, (name, values) in enumerate(series):
        points = [
            {"x": _r(x), "y": _r(scale(number(v))), "tip": f"{category} · {name} : {_fr(v)}"}
            for x, category, v in zip(centers, categories, values, strict=True)
        ]
        lines.append(
            {
                "color": PALETTE[index % len(PALETTE)],
                "points": points,
                "path": " ".join(f"{p['x']},{p['y']}" for p in points),
            }
        )
    x_labels, height = _x_labels(categories, centers, slot, plot_bottom, thin=True)
    return _render(
        "line.svg",
        "line",
        title,
        categories,
        series,
        description,
        height=_r(height + MARGIN),
        title_lines=title_lines,
        legend=legend,
        left=_r(left),
        tick_x=_r(left - 6),
        right=WIDTH - MARGIN,
        grid=grid,
        zero=_r(scale(0)),
        lines=lines,
        x_labels=x_labels,
    )


def paired_bars(title: str, categories: list[str], series: list[tuple[str, list[int]]]) -> Chart:
    """Horizontal bars, one group per (long-labelled) category: e.g. planned vs held per commitment."""
    categories = [str(c) for c in categories]
    series = [(str(name), list(values)) for name, values in series]
    description = "; ".join(
        f"{cat} : " + ", ".join(f"{name} {_fr(values[i])}" for name, values in series)
        for i, cat in enumerate(categories)
    )
    description = f"{title}. {description}."
    if not categories or not series:
        return _empty("paired", title, categories, series, description)
    title_lines, top = _title(str(title))
    legend, top = _legend([name for name, _v in series], top)
    count = len(series)
    all_values = [number(v) for _name, values in series for v in values]
    label_lines = [wrap(c, 240, LABEL_SIZE) for c in categories]
    left = MARGIN + max(text_width(line, LABEL_SIZE) for lines in label_lines for line in lines) + 10
    value_room = max(text_width(_fr(v), VALUE_SIZE) for v in all_values) + 6
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
                    "x": _r(min(zero, end)),
                    "y": _r(by + 1),
                    "width": _r(abs(end - zero)),
                    "height": bar_height - 2,
                    "color": PALETTE[index % len(PALETTE)],
                    "tip": f"{category} · {name} : {_fr(values[i])}",
                    "label": {
                        "x": _r(end + 4 if v >= 0 else end - 4),
                        "y": _r(by + bar_height / 2 + VALUE_SIZE * 0.35),
                        "text": _fr(values[i]),
                        "anchor": "start" if v >= 0 else "end",
                    },
                }
            )
        first_line_y = y + height / 2 + LABEL_SIZE * 0.35 - (len(lines) - 1) * (LABEL_SIZE + 2) / 2
        groups.append(
            {
                "bars": bars,
                "labels": [
                    {"x": _r(left - 8), "y": _r(first_line_y + j * (LABEL_SIZE + 2)), "text": line}
                    for j, line in enumerate(lines)
                ],
            }
        )
        y += height
    plot_bottom = y
    grid = [{"x": _r(scale(t)), "text": _fr(t), "zero": t == 0} for t in ticks]
    return _render(
        "paired.svg",
        "paired",
        title,
        categories,
        series,
        description,
        height=_r(plot_bottom + LABEL_SIZE + 8 + MARGIN),
        title_lines=title_lines,
        legend=legend,
        plot_top=_r(plot_top),
        plot_bottom=_r(plot_bottom),
        tick_y=_r(plot_bottom + LABEL_SIZE + 4),
        grid=grid,
        zero=_r(zero),
        groups=groups,
    )
