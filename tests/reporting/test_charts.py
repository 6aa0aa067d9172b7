"""Charts are SVG drawn from templates: what a reader sees (labels, figures, bar lengths) follows the figures."""

import math
import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.utils import timezone, translation

from reporting import charts
from tests.mediation.factories import InterventionFactory

NNBSP = "\u202f"
SVG = "{http://www.w3.org/2000/svg}"
COORDINATES = {"x", "y", "width", "height", "x1", "x2", "y1", "y2", "cx", "cy", "r"}


@pytest.fixture(autouse=True)
def french():
    # French formats would write 12,5 for 12.5 in the coordinates: the templates must not localize them
    with translation.override("fr"):
        yield


def parse(chart: charts.Chart) -> ET.Element:
    svg = str(chart.svg)
    assert not re.search(r"\bnan\b|\binf\b", svg, re.IGNORECASE)
    assert "style=" not in svg  # the CSP forbids inline styles
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == chart.title and root.get("aria-labelledby") == title.get("id")
    assert root.find(f"{SVG}desc").text == chart.description
    for element in root.iter():
        for name in COORDINATES & set(element.attrib):
            assert math.isfinite(float(element.get(name))), (element.tag, name, element.get(name))
    return root


def texts(root: ET.Element) -> list[str]:
    return [element.text for element in root.iter(f"{SVG}text")]


def bars(root: ET.Element, color: str) -> list[ET.Element]:
    """The bars of one series (a bar carries its figure as a tooltip; the legend's swatch does not)."""
    return [
        rect for rect in root.iter(f"{SVG}rect") if rect.get("fill") == color and rect.find(f"{SVG}title") is not None
    ]


def test_grouped_bars_show_every_figure_and_bars_proportional_to_it():
    chart = charts.grouped_bars(
        "Actes par an",
        ["2024", "2025", "2026"],
        [("Rappels à la règle", [1838, 919, 0]), ("Orientations", [12, 40, 7])],
    )
    root = parse(chart)
    shown = texts(root)
    assert {"Actes par an", "Rappels à la règle", "Orientations", "2024", "2025", "2026"} <= set(shown)
    assert {f"1{NNBSP}838", "919", "0", "12", "40", "7"} <= set(shown)
    first = [float(rect.get("height")) for rect in bars(root, charts.PALETTE[0])]
    assert first[0] == pytest.approx(2 * first[1], abs=0.2) and first[2] == 0
    second = [float(rect.get("height")) for rect in bars(root, charts.PALETTE[1])]
    assert second[1] == pytest.approx(first[0] * 40 / 1838, abs=0.2)
    assert chart.description == (
        f"Actes par an. Rappels à la règle : 2024 1{NNBSP}838, 2025 919, 2026 0; Orientations : 2024 12, 2025 40, "
        "2026 7."
    )


def test_the_scale_uses_round_steps_and_french_thousands():
    assert charts.nice_ticks(0, 1838) == [0, 500, 1000, 1500, 2000]
    assert charts.nice_ticks(0, 7) == [0, 2, 4, 6, 8]
    assert charts.nice_ticks(0, 0) == [0, 1]
    assert charts.nice_ticks(-120, 340) == [-200, 0, 200, 400]
    root = parse(charts.grouped_bars("Actes", ["2025"], [("Actes", [1838])]))
    assert {"0", "500", f"1{NNBSP}000", f"1{NNBSP}500", f"2{NNBSP}000"} <= set(texts(root))


def test_negative_and_zero_values_start_from_the_zero_line():
    root = parse(charts.grouped_bars("Écart", ["2024", "2025", "2026"], [("Écart", [-120, 0, 340])]))
    zero_line = next(line for line in root.iter(f"{SVG}line") if line.get("stroke") == "#888888")
    zero = float(zero_line.get("y1"))
    negative, nothing, positive = bars(root, charts.PALETTE[0])
    assert float(negative.get("y")) == pytest.approx(zero, abs=0.1)  # drawn downwards from the line
    assert float(positive.get("y")) + float(positive.get("height")) == pytest.approx(zero, abs=0.1)
    assert float(nothing.get("height")) == 0
    assert float(negative.get("height")) / float(positive.get("height")) == pytest.approx(120 / 340, abs=0.01)
    assert {"−120", "0", "340", "−200"} <= set(texts(root))


def test_missing_figures_are_drawn_as_zero_and_said_as_a_dash():
    chart = charts.line_trend("Actes", ["janv.", "févr."], [("Actes", [None, float("nan")])])
    root = parse(chart)
    assert chart.description == "Actes. Actes : janv. —, févr. —."
    points = list(root.iter(f"{SVG}circle"))
    assert len(points) == 2 and points[0].get("cy") == points[1].get("cy")


@pytest.mark.parametrize("draw", [charts.grouped_bars, charts.stacked_share, charts.line_trend, charts.paired_bars])
def test_no_figures_give_a_short_message_instead_of_an_empty_frame(draw):
    for categories, series in [([], []), (["2025"], []), ([], [("Actes", [])])]:
        root = parse(draw("Actes par an", categories, series))
        assert "Aucune donnée à représenter." in texts(root)
        assert len(list(root.iter(f"{SVG}rect"))) == 1  # the background only


def test_stacked_shares_fill_the_row_in_proportion():
    chart = charts.stacked_share(
        "Répartition", ["2024", "2025"], [("Conflits", [550, 0]), ("Partenariat", [250, 0]), ("Veille", [200, 0])]
    )
    root = parse(chart)
    widths = [float(rect.get("width")) for rect in root.iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]
    assert len(widths) == 3  # the year without acts has no segment
    assert [w / sum(widths) for w in widths] == pytest.approx([0.55, 0.25, 0.20], abs=0.002)
    assert {f"55{NNBSP}%", f"25{NNBSP}%", f"20{NNBSP}%", f"0{NNBSP}%", f"100{NNBSP}%"} <= set(texts(root))
    assert "2025 : Conflits 0 %, Partenariat 0 %, Veille 0 % (total 0 actes)" in chart.description


def test_long_french_labels_are_wrapped_and_stay_whole():
    label = "Présence aux sorties d'école du quartier des Aubiers, les soirs de semaine"
    root = parse(
        charts.paired_bars(
            "Engagements : prévu et réalisé", [label, "Ateliers"], [("Prévu", [40, 6]), ("Réalisé", [35, 9])]
        )
    )
    lines = [text for text in texts(root) if text in label]
    assert len(lines) >= 3 and " ".join(lines) == label
    assert all(charts.text_width(line, charts.LABEL_SIZE) <= 240 for line in lines)
    prevu = [float(rect.get("width")) for rect in bars(root, charts.PALETTE[0])]
    assert prevu[0] / prevu[1] == pytest.approx(40 / 6, rel=0.02)
    assert {"40", "6", "35", "9", "Prévu", "Réalisé"} <= set(texts(root))


def test_crowded_category_names_are_slanted_inside_the_figure():
    categories = [f"Quartier Bordeaux-{index}" for index in range(12)]
    root = parse(charts.grouped_bars("Secteurs", categories, [("2025", list(range(12)))]))
    slanted = [text for text in root.iter(f"{SVG}text") if text.text in categories]
    assert len(slanted) == 12 and all("rotate(-40" in text.get("transform") for text in slanted)
    first = slanted[0]
    # the end of the first name is at its bar; its start, up and left, stays inside the figure
    reach = charts.text_width(first.text, charts.LABEL_SIZE) * math.cos(math.radians(40))
    assert float(first.get("x")) - reach >= 0


def test_the_same_figures_give_the_same_svg():
    draw = [("Actes", ["2024", "2025"], [("Actes", [1200, 1350])])]
    assert charts.grouped_bars(*draw[0]).svg == charts.grouped_bars(*draw[0]).svg


def test_the_dashboard_inlines_its_trend_chart_with_its_text_alternative(world):
    InterventionFactory(territory=world.territory_a, activity_type__code="rule_reminder", date=timezone.localdate())
    client = Client()
    client.force_login(world.manager)
    page = client.get("/bilans/tableau-de-bord/?period=month").content.decode()
    svg = re.search(r"<svg[^>]*class=\"chart-svg\".*?</svg>", page, re.DOTALL).group(0)
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == "Actes par mois, par mission"
    assert "Description textuelle" in page and "Actes par mois, par mission. Gestion de conflits :" in page


def test_a_crowded_time_axis_names_every_other_week_up_to_the_current_one():
    weeks = [f"{day:02d}/10" for day in range(1, 20)] + ["au 02/12"]
    root = parse(charts.line_trend("Actes par semaine", weeks, [("Actes", list(range(20)))]))
    named = [text.text for text in root.iter(f"{SVG}text") if text.text in weeks or text.text in ("au", "02/12")]
    assert named[-2:] == ["au", "02/12"]  # the current week, wrapped under its point
    assert named[:-2] == weeks[1:-1:2]
    assert not any(text.get("transform") for text in root.iter(f"{SVG}text"))
    assert len(list(root.iter(f"{SVG}circle"))) == 20  # every week keeps its point
