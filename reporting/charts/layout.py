"""Geometry of the charts in plain Python: text measures, round scales, wrapped or slanted labels, legends. The
functions return plain dicts of coordinates that templates/reporting/charts/*.svg write out."""

from __future__ import annotations

import math

from reporting.formatting import NNBSP, fr_int

PALETTE = ["#1f4e79", "#e07a1f", "#5b9bd5", "#70ad47", "#a5a5a5", "#7f3f98", "#c00000"]

WIDTH = 560  # viewBox units; the figure scales to its column (and scrolls sideways below 26rem, see reporting.css)
MARGIN = 8
TITLE_SIZE = 16
LABEL_SIZE = 13  # axis ticks, categories, legend
VALUE_SIZE = 12  # figures written on the bars
LEGEND_ROW = 19

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


def figure(value) -> str:
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


def px(value: float) -> float:
    return round(value, 1)


class Linear:
    """Maps values of [ticks[0], ticks[-1]] onto [start, end] pixels (end may be smaller: the y axis goes up)."""

    def __init__(self, ticks: list[int], start: float, end: float):
        self.low, self.high, self.start, self.end = ticks[0], ticks[-1], start, end

    def __call__(self, value: float) -> float:
        return self.start + (value - self.low) * (self.end - self.start) / (self.high - self.low)


def title_block(title: str) -> tuple[list[dict], float]:
    lines = wrap(title, WIDTH - 2 * MARGIN, TITLE_SIZE, bold=True)
    items = [
        {"x": MARGIN, "y": MARGIN + TITLE_SIZE + i * (TITLE_SIZE + 4), "text": line} for i, line in enumerate(lines)
    ]
    return items, MARGIN + len(lines) * (TITLE_SIZE + 4) + 4


def legend(names: list[str], top: float) -> tuple[list[dict], float]:
    """Swatches and names flowing in rows under the title: the whole width stays for the plot (phones)."""
    items, x, y = [], MARGIN, top + LABEL_SIZE
    for index, name in enumerate(names):
        width = 12 + 5 + text_width(name, LABEL_SIZE) + 16
        if x > MARGIN and x + width > WIDTH - MARGIN:
            x, y = MARGIN, y + LEGEND_ROW
        items.append(
            {
                "x": px(x),
                "y": px(y),
                "text_x": px(x + 17),
                "swatch_y": px(y - 10),
                "color": PALETTE[index % len(PALETTE)],
                "text": name,
            }
        )
        x += width
    return items, (y + 8 if items else top)


SLANT = 40  # degrees


def slanted(categories: list[str], slot: float) -> bool:
    """Whether a category name has a word wider than its slot: the names are then written slanted."""
    return any(text_width(line, LABEL_SIZE) > slot - 2 for c in categories for line in wrap(c, slot - 4, LABEL_SIZE))


THIN = 3  # a time axis may name every 2nd or 3rd point rather than slant its labels


def plot_left(categories: list[str], left: float, *, thin: bool = False) -> float:
    """The plot's left edge, moved right when slanted names would run out of the figure on the left."""
    slot = (WIDTH - MARGIN - left) / len(categories)
    if not slanted(categories, slot * (THIN if thin else 1)):
        return left
    cos = math.cos(math.radians(SLANT))
    overflow = max(text_width(c, LABEL_SIZE) * cos - 4 - slot * (i + 0.5) for i, c in enumerate(categories))
    return max(left, MARGIN + overflow * 1.1 + 4)


def category_labels(
    categories: list[str], centers: list[float], slot: float, top: float, *, thin: bool = False
) -> tuple[list[dict], float]:
    """Category names under the x axis, wrapped to their slot. When a word does not fit in it, a time axis (`thin`)
    names every 2nd or 3rd point, counted from the last one (the current period); other names are slanted."""
    for every in range(1, THIN + 1 if thin else 2):
        if slanted(categories, slot * every):
            continue
        last = len(categories) - 1
        wrapped = {
            i: wrap(c, slot * every - 4, LABEL_SIZE) for i, c in enumerate(categories) if (last - i) % every == 0
        }
        labels = [
            {"x": px(centers[i]), "y": px(top + LABEL_SIZE + j * (LABEL_SIZE + 2)), "text": line, "anchor": "middle"}
            for i, lines in wrapped.items()
            for j, line in enumerate(lines)
        ]
        return labels, top + max(len(lines) for lines in wrapped.values()) * (LABEL_SIZE + 2) + 4
    labels = []
    for x, category in zip(centers, categories, strict=True):
        lx, ly = px(x + 4), px(top + 8)
        labels.append({"x": lx, "y": ly, "text": category, "anchor": "end", "rotate": f"rotate(-{SLANT} {lx} {ly})"})
    longest = max(text_width(c, LABEL_SIZE) for c in categories)
    return labels, top + 8 + longest * math.sin(math.radians(SLANT)) + LABEL_SIZE


def y_axis(values: list[float], top: float, bottom: float) -> tuple[Linear, list[dict], float]:
    """The vertical scale, its gridlines and labels, and the plot's left edge (after the widest label)."""
    ticks = nice_ticks(min(values, default=0), max(values, default=0))
    left = MARGIN + max(text_width(figure(t), LABEL_SIZE) for t in ticks) + 6
    scale = Linear(ticks, bottom, top)
    grid = [{"y": px(scale(t)), "text_y": px(scale(t) + 4), "text": figure(t), "zero": t == 0} for t in ticks]
    return scale, grid, left


def ink(color: str) -> str:
    """Dark or white text, whichever reads better on `color` (WCAG relative luminance)."""
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#ffffff" if (1.05 / (luminance + 0.05)) >= ((luminance + 0.05) / 0.05) else "#1b1b1b"
