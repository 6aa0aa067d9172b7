"""Every PDF the app produces keeps its words inside the A4 margins (no table runs off the page).

`pdftotext -bbox` gives each word's box in points; pdf.css sets 18 mm on the left and right of every page (the
cover's text sits further in), and the running header and page numbers live in the top and bottom margins.
"""

import re
import subprocess
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from partners.models import EventKind
from reporting.models import ServiceProject
from tests.clock import TODAY, frozen
from tests.mediation.factories import FollowUpFactory, InterventionFactory, QpvFactory, TechnicalReportFactory
from tests.partners.factories import (
    AdultRelayPostFactory,
    AttributionFactory,
    FunderFactory,
    PartnerEventFactory,
    make_consent,
    make_convention,
    make_person,
    make_referral,
)
from tests.reporting.dataset import build as build_dataset

pytestmark = frozen()

MM = 72 / 25.4
SIDE = 18 * MM  # left and right margins of pdf.css
TOP_BOTTOM = 5 * MM  # nothing closer to the paper's edge than this, headers and page numbers included
TOLERANCE = 0.5

PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def words_outside_margins(content: bytes, tmp_path) -> list[str]:
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    outside = []
    for number, page in enumerate(html.split("<page ")[1:], start=1):
        width, height = map(float, PAGE.match("<page " + page).groups())
        for x_min, y_min, x_max, y_max, word in WORD.findall(page):
            x_min, y_min, x_max, y_max = map(float, (x_min, y_min, x_max, y_max))
            if (
                x_min < SIDE - TOLERANCE
                or x_max > width - SIDE + TOLERANCE
                or y_min < TOP_BOTTOM
                or y_max > height - TOP_BOTTOM
            ):
                outside.append(f"page {number}: « {word} » ({x_min:.0f}, {y_min:.0f}, {x_max:.0f}, {y_max:.0f})")
    return outside


@pytest.fixture
def documents(world):
    """Every PDF of the app, on data that fills their tables: (name, URL, reader)."""
    build_dataset(world)
    qpv = QpvFactory(code="QP069901", name="États-Unis – Langlet-Santy (quartier prioritaire de démonstration)")
    world.site_a.qpv = qpv
    world.site_a.save()
    year = TODAY.year
    for index in range(12):
        InterventionFactory(
            activity_type=world.activity("rule_reminder"),
            territory=world.territory_a,
            site=world.site_a,
            date=date(year - 1, 1 + index, 3),
            count=1234 + index,
            women=12,
            men=9,
            author=world.mediator,
        )
    FollowUpFactory(person__territory=world.territory_a, started_on=date(year - 1, 2, 1))
    funder = FunderFactory(code="anct", name="État – Agence nationale de la cohésion des territoires (ANCT)")
    AttributionFactory(dispositif__funder=funder, territory=world.territory_a)
    AttributionFactory(dispositif__funder=funder, territory=world.territory_b)
    post = AdultRelayPostFactory(holder=world.mediator, contract_starts_on=date(year - 2, 3, 1), qpv=qpv)
    convention = make_convention(
        world,
        signed_on=date(year - 1, 5, 15),
        title="Convention de partenariat Mission Locale de Lyon – Agence Lyon Tranquillité Médiation",
        partner_signatory="Christine Vaisse, directrice de la Mission Locale de Lyon",
    )
    for index in range(8):
        PartnerEventFactory(
            convention=convention,
            kind=EventKind.MEETING,
            date=date(year - 1, 6, 1) + timedelta(days=30 * index),
            site=world.site_a,
            title="Rencontre trimestrielle sur le site commun avec revue des situations des jeunes connus",
            climate_diagnosis="Ambiance calme en journée ; regroupements de jeunes en soirée près du city-stade. " * 3,
        )
    make_referral(world, date=date(year - 1, 7, 1))
    person = make_person(world)
    consent = make_consent(world, person)
    for index in range(14):
        TechnicalReportFactory(
            landlord=world.landlord,
            territory=world.territory_a,
            site=world.site_a,
            place=f"Résidence Santy, allée {index + 1}, hall B, 3e étage, local poubelles côté parking souterrain",
            equipment="Porte d'accès au parking souterrain et interphone",
            problem="Porte de hall forcée, la serrure ne ferme plus ; ampoules grillées dans la cage d'escalier. " * 3,
            is_danger=index % 3 == 0,
            reported_on=TODAY - timedelta(days=index % 3),
        )
    project = ServiceProject.objects.get(start_year=2017)
    director = world.director
    evaluation = reverse("reporting:evaluation_export", args=["pdf"])
    review = reverse("reporting:convention_review_pdf", args=[convention.pk, year - 1])
    return [
        ("évaluation", evaluation + "?years=2014-2017", director),
        ("évaluation d'un secteur", evaluation + "?years=2016&territory=L8", director),
        ("projet de service", reverse("reporting:project_pdf", args=[project.pk]), director),
        ("bilan de convention", review, director),
        ("bilan de convention, année civile", review + "?periode=civile", director),
        (
            "bilan de convention, version partenaire",
            reverse("reporting:partner_review_pdf", args=[convention.pk, year - 1]),
            world.counsellor,
        ),
        ("rapport financeur", reverse("reporting:funder_report_export", args=["anct", year - 1, "pdf"]), director),
        ("rapport financeur vide", reverse("reporting:funder_report_export", args=["anct", 2001, "pdf"]), director),
        ("poste adulte-relais", reverse("reporting:post_summary_pdf", args=[post.pk, year - 1]), director),
        ("mandat", reverse("partners:consent_mandate_pdf", args=[consent.pk]), world.mediator),
        ("droit d'accès", reverse("partners:person_access_pdf", args=[person.pk]), director),
        (
            "synthèse de veille technique",
            reverse("mediation:technical_synthesis") + f"?landlord={world.landlord.pk}&format=pdf",
            director,
        ),
    ]


def test_every_pdf_keeps_its_words_inside_the_margins(documents, tmp_path):
    client = Client()
    problems = {}
    for name, url, reader in documents:
        client.force_login(reader)
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        assert response["Content-Type"] == "application/pdf", name
        outside = words_outside_margins(response.content, tmp_path)
        if outside:
            problems[name] = outside[:5]
    assert not problems, problems
