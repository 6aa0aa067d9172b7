"""What a funder reads in the PDFs: no internal code (`conflict.interventions`, `active_listening`), French plurals,
and a period without data on one short page that says so."""

import re
import subprocess
from datetime import date

import pytest
from django.urls import reverse

from mediation.models import ActivityType
from partners.models import EventKind
from reporting.indicators import REGISTRY
from tests.clock import TODAY, frozen
from tests.mediation.factories import TechnicalReportFactory
from tests.partners.factories import PartnerEventFactory, make_convention
from tests.reporting import dataset

pytestmark = frozen()

# Activity codes that are also French words ("communication", "presence"…) are not internal codes on a page.
ENGLISH_CODES = {"referral", "shuttle", "awareness", "workshop", "training"}


def pdf_text(tmp_path, content: bytes, name: str) -> tuple[str, int]:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    return text, pages


def internal_codes() -> set[str]:
    codes = set(REGISTRY)
    codes |= {code for code in ActivityType.objects.values_list("code", flat=True) if "_" in code}
    codes |= ENGLISH_CODES
    codes |= {kind.value for kind in EventKind if "_" in kind.value}
    return codes


def words(text: str) -> set[str]:
    # pdftotext may break a long code at a line end: join hyphen/underscore breaks before splitting.
    text = re.sub(r"([._])\n", r"\1", text)
    return set(re.findall(r"[a-z][a-z_.]*[a-z]", text))


def every_pdf(client, world) -> dict[str, bytes]:
    dataset.build(world)
    convention = make_convention(world, signed_on=date(TODAY.year - 1, 5, 15))
    PartnerEventFactory(convention=convention, kind=EventKind.SHARED_ACTION, date=date(TODAY.year, 2, 3))
    TechnicalReportFactory(
        landlord=world.landlord, territory=world.territory_a, place="Allée 3", problem="Porte", reported_on=TODAY
    )
    from reporting.models import ServiceProject

    project = ServiceProject.objects.get(start_year=2017)
    client.force_login(world.director)
    return {
        "evaluation": client.get(reverse("reporting:evaluation_export", args=["pdf"]), {"years": "2014-2016"}).content,
        "project": client.get(reverse("reporting:project_pdf", args=[project.pk])).content,
        "review": client.get(reverse("reporting:convention_review_pdf", args=[convention.pk, TODAY.year])).content,
        "technical": client.get(
            reverse("mediation:technical_synthesis"), {"landlord": world.landlord.pk, "format": "pdf"}
        ).content,
    }


def test_no_pdf_shows_an_internal_code(client, world, tmp_path):
    codes = internal_codes()
    for name, content in every_pdf(client, world).items():
        assert content.startswith(b"%PDF"), name
        text, _pages = pdf_text(tmp_path, content, name)
        assert not words(text) & codes, (name, sorted(words(text) & codes))


def test_the_annex_of_definitions_is_in_french_words(client, world, tmp_path):
    dataset.build(world)
    client.force_login(world.director)
    content = client.get(reverse("reporting:evaluation_export", args=["pdf"]), {"years": "2015-2016"}).content
    text, _pages = pdf_text(tmp_path, content, "evaluation")
    annex = text[text.rindex("Annexe : définition des indicateurs") :]
    assert "Gestion de conflit en temps réel" in annex and "Écoute active" in annex


@pytest.mark.parametrize("years", ["2012", "2012-2013"])
def test_a_period_without_data_gives_a_short_pdf_that_says_so(client, world, tmp_path, years):
    client.force_login(world.director)
    content = client.get(reverse("reporting:evaluation_export", args=["pdf"]), {"years": years}).content
    text, pages = pdf_text(tmp_path, content, "empty")
    text = " ".join(text.split())
    assert pages <= 2
    assert "Aucune activité enregistrée" in text and "pas de chiffres à présenter" in text
    page = client.get(reverse("reporting:evaluation"), {"years": years}).content.decode()
    assert "data-empty-period" in page and "evaluation-table" not in page


def test_a_partial_year_on_the_cover_says_so(client, world, tmp_path):
    dataset.build(world)
    client.force_login(world.director)
    content = client.get(reverse("reporting:evaluation_export", args=["pdf"]), {"years": "2017-2026"}).content
    text, _pages = pdf_text(tmp_path, content, "partial")
    cover = " ".join(text[: text.index("Sommaire")].split())
    assert "du 01/01/2017 au 26/11/2026" in cover and "année 2026 en cours, chiffres partiels" in cover


def test_french_plurals_come_from_the_compiled_catalogue():
    from django.template import Context, Template
    from django.utils.translation import ngettext

    assert ngettext("%(counter)s résolu dans la semaine", "%(counter)s résolus dans la semaine", 0) == (
        "%(counter)s résolu dans la semaine"
    )
    template = Template(
        "{% load i18n %}{% blocktranslate count met=met with total=6 %}{{ met }} engagement tenu sur {{ total }}."
        "{% plural %}{{ met }} engagements tenus sur {{ total }}.{% endblocktranslate %}"
    )
    assert [template.render(Context({"met": met})) for met in (0, 1, 2)] == [
        "0 engagement tenu sur 6.",
        "1 engagement tenu sur 6.",
        "2 engagements tenus sur 6.",
    ]


def test_a_convention_year_without_data_gives_one_page_that_says_so(client, world, tmp_path):
    convention = make_convention(world, signed_on=date(2020, 5, 15))
    client.force_login(world.director)
    content = client.get(reverse("reporting:convention_review_pdf", args=[convention.pk, 2021])).content
    text, pages = pdf_text(tmp_path, content, "review-empty")
    text = " ".join(text.split())
    assert pages == 1
    assert "Bilan annuel 2021 de la convention" in text
    assert "du 15/05/2021 au 14/05/2022" in text
    assert "Aucune activité enregistrée sur cette période." in text
    assert f"Document établi le {TODAY:%d/%m/%Y} par {world.director}." in text
    assert "Sommaire" not in text and "Engagements" not in text


def test_a_convention_year_with_activity_is_not_cut_short_and_a_current_year_says_until_when(client, world, tmp_path):
    convention = make_convention(world, signed_on=date(2025, 5, 15))
    PartnerEventFactory(convention=convention, kind=EventKind.SHARED_ACTION, date=date(2026, 2, 3))
    client.force_login(world.director)
    content = client.get(reverse("reporting:convention_review_pdf", args=[convention.pk, 2025])).content
    text, pages = pdf_text(tmp_path, content, "review-partial")
    cover = " ".join(text[: text.index("Sommaire")].split())
    assert pages > 1 and "Aucune activité enregistrée" not in text
    assert "du 15/05/2025 au 14/05/2026" in cover

    content = client.get(reverse("reporting:convention_review_pdf", args=[convention.pk, 2026])).content
    text, pages = pdf_text(tmp_path, content, "review-current")
    text = " ".join(text.split())
    # Nothing yet in the convention year begun on 15 May 2026: one page, which says the year is not over.
    assert pages == 1 and "Aucune activité enregistrée sur cette période." in text
    assert f"année en cours, chiffres au {TODAY:%d/%m/%Y}" in text


def test_a_service_project_without_values_gives_one_page_that_says_so(client, world, tmp_path):
    from reporting.models import ServiceProject

    project = ServiceProject.objects.get(start_year=2017)
    client.force_login(world.director)
    content = client.get(reverse("reporting:project_pdf", args=[project.pk])).content
    text, pages = pdf_text(tmp_path, content, "project-empty")
    text = " ".join(text.split())
    assert pages == 1
    assert project.name in text and "2017–2019" in text
    assert "Aucune activité enregistrée sur cette période." in text
    assert f"par {world.director}" in text


def test_a_service_project_over_the_current_year_says_until_when_on_its_cover(client, world, tmp_path):
    from reporting import services
    from reporting.models import ServiceProject
    from tests.mediation.factories import InterventionFactory

    source = ServiceProject.objects.get(start_year=2017)
    services.copy_project_structure(
        actor=world.director, source=source, name="Projet 2025-2027", start_year=2025, end_year=2027
    )
    project = ServiceProject.objects.get(start_year=2025)
    InterventionFactory(activity_type__code="awareness", territory=world.territory_a, date=date(2026, 3, 2), count=3)
    client.force_login(world.director)
    content = client.get(reverse("reporting:project_pdf", args=[project.pk])).content
    text, pages = pdf_text(tmp_path, content, "project-partial")
    cover = " ".join(text[: text.index("Sommaire")].split())
    assert pages > 1
    assert f"2025–2027 — année 2026 en cours, chiffres au {TODAY:%d/%m/%Y}" in cover
