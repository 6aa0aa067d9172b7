import io
import subprocess
from datetime import date, timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mediation.models import ReferralMode
from partners.models import EventKind, ImmersionDirection, ReferralStatus
from reporting.partnership import build_convention_review
from tests.clock import frozen
from tests.partners.factories import PartnerEventFactory, make_convention, make_person, make_referral, make_share

pytestmark = frozen()


def test_review_counts_commitments_referrals_immersions_and_shares(world):
    year = timezone.localdate().year
    convention = make_convention(world, signed_on=date(year - 1, 5, 15))
    PartnerEventFactory(convention=convention, kind=EventKind.MEETING, date=date(year, 1, 10), site=world.site_a)
    PartnerEventFactory(convention=convention, kind=EventKind.MEETING, date=date(year, 1, 12), site=world.site_a)
    PartnerEventFactory(convention=convention, kind=EventKind.MEETING, date=date(year - 1, 6, 1), site=world.site_b)
    PartnerEventFactory(
        convention=convention,
        kind=EventKind.IMMERSION,
        immersion_direction=ImmersionDirection.AT_PARTNER,
        date=date(year, 1, 15),
        days=2,
        title="Immersion à l'antenne Mermoz",
    )
    make_referral(world, mode=ReferralMode.SIMPLE, date=timezone.localdate())
    make_referral(world, date=timezone.localdate())
    person = make_person(world, alias="Lina")
    from tests.partners.factories import make_consent

    make_consent(world, person)
    make_share(world, person)

    review = build_convention_review(convention, year, calendar=True)
    meetings = next(item for item in review.commitments if item.commitment.kind == "meeting")
    assert (meetings.realised, meetings.planned) == (2, 6)  # 3 a year on each of the 2 common sites
    assert review.sites == [("La Duchère", 0, 3), ("Santy", 2, 3)]
    assert [event.title for event in review.immersions] == ["Immersion à l'antenne Mermoz"]
    to_partner = review.referrals[0]
    assert to_partner["direction"] == "to_partner" and to_partner["total"] == 2
    assert dict(to_partner["by_status"])[ReferralStatus.PROPOSED.label] == 2
    # the telephone referral shared its information too: two shares, both on the person's consent
    assert review.shares_total == 2
    assert review.shares[0][1] == 2
    assert review.schedule.notice_deadline is not None

    # last year's meeting counts for last year's review, not this one
    last_year = build_convention_review(convention, year - 1, calendar=True)
    assert last_year.sites == [("La Duchère", 1, 3), ("Santy", 0, 3)]


def test_review_html_and_pdf(world, tmp_path):
    year = timezone.localdate().year
    convention = make_convention(world, signed_on=date(year - 1, 5, 15), partner_signatory="Mme la directrice")
    # In the convention year begun on 15 May (a year without any activity is one short page: test_pdf_words).
    PartnerEventFactory(convention=convention, kind=EventKind.MEETING, date=date(year, 6, 10), site=world.site_a)
    client = Client()
    client.force_login(world.manager)
    page = client.get(f"/bilans/conventions/{convention.pk}/bilan/{year}/")
    assert page.status_code == 200
    content = page.content.decode()
    assert "Rencontres sur chaque site commun" in content and "Santy" in content
    pdf = client.get(f"/bilans/conventions/{convention.pk}/bilan/{year}.pdf")
    path = tmp_path / "review.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert f"Bilan annuel {year} de la convention" in text
    assert "Rencontres sur chaque site commun" in text and "Mme la directrice" in text
    assert "Sommaire" in text


def test_review_query_count_does_not_grow(world):
    year = timezone.localdate().year
    convention = make_convention(world, signed_on=date(year - 1, 5, 15))
    client = Client()
    client.force_login(world.director)
    url = f"/bilans/conventions/{convention.pk}/bilan/{year}/"
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for index in range(6):
        PartnerEventFactory(
            convention=convention,
            kind=EventKind.MEETING,
            date=date(year, 1, 1) + timedelta(days=index),
            site=world.site_b,
        )
        make_referral(world, mode=ReferralMode.SIMPLE, date=timezone.localdate())
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)


def test_overview_shows_convention_alerts_and_reviews(world):
    from partners.dates import add_months

    today = timezone.localdate()
    convention = make_convention(world, signed_on=add_months(today, -10) + timedelta(days=10), title="Convention ML")
    client = Client()
    client.force_login(world.director)
    page = client.get("/bilans/vue-d-ensemble/").content.decode()
    assert "Alertes sur les conventions" in page
    assert "décider avant le" in page  # the notice deadline is within the alert window
    assert f"/bilans/conventions/{convention.pk}/bilan/{today.year}/" in page


# --- The convention year, qualitative parts, XLSX (issue 12, point 9) --------------------------------------------


def test_review_covers_the_convention_year_by_default(world):
    convention = make_convention(world, signed_on=date(2025, 5, 15))
    for day in (date(2025, 5, 14), date(2025, 5, 15), date(2026, 5, 14), date(2026, 5, 15)):
        PartnerEventFactory(convention=convention, kind=EventKind.MEETING, date=day, site=world.site_a)

    review = build_convention_review(convention, 2025)
    assert (review.start, review.end, review.is_convention_year) == (date(2025, 5, 15), date(2026, 5, 14), True)
    assert [event.date for event in review.events] == [date(2025, 5, 15), date(2026, 5, 14)]
    assert review.until is None
    current = build_convention_review(convention, 2026)
    assert (current.start, current.until) == (date(2026, 5, 15), date(2026, 11, 26))
    calendar = build_convention_review(convention, 2025, calendar=True)
    assert (calendar.start, calendar.end, calendar.is_convention_year) == (date(2025, 1, 1), date(2025, 12, 31), False)
    assert [event.date for event in calendar.events] == [date(2025, 5, 14), date(2025, 5, 15)]
    # a year before the signature has no convention year: the calendar year
    assert build_convention_review(convention, 2024).is_convention_year is False


def test_convention_year_of_a_convention_signed_on_29_february():
    from partners.dates import Terms, convention_year

    terms = Terms(signed_on=date(2024, 2, 29))
    assert convention_year(terms, 2024) == (date(2024, 2, 29), date(2025, 2, 27))
    assert convention_year(terms, 2025) == (date(2025, 2, 28), date(2026, 2, 27))
    assert convention_year(terms, 2028) == (date(2028, 2, 29), date(2029, 2, 27))
    assert convention_year(terms, 2023) is None
    assert convention_year(Terms(signed_on=None), 2025) is None


def test_review_shows_no_empty_column(world):
    convention = make_convention(world, signed_on=date(2025, 5, 15))
    PartnerEventFactory(convention=convention, kind=EventKind.MEETING, date=date(2025, 6, 1), site=None, title="")
    make_referral(world, mode=ReferralMode.SIMPLE, date=date(2025, 6, 2))
    client = Client()
    client.force_login(world.director)
    page = client.get(f"/bilans/conventions/{convention.pk}/bilan/2025/").content.decode()
    referrals = page[page.index('id="referrals"') : page.index("</table>", page.index('id="referrals"'))]
    assert str(ReferralStatus.PROPOSED.label) in referrals
    assert str(ReferralStatus.TAKEN_IN_CHARGE.label) not in referrals  # no referral confirmed: no column
    actions = page[page.index('id="actions"') :]
    actions = actions[: actions.index("</table>")]
    assert "Intitulé" not in actions and '<th scope="col">Site</th>' not in actions


def test_director_comments_are_editable_until_frozen_and_in_every_format(world, tmp_path):
    from openpyxl import load_workbook

    from altm.models import AuditEntry
    from reporting.models import ConventionReviewNote

    convention = make_convention(world, signed_on=date(2025, 5, 15))
    PartnerEventFactory(
        convention=convention,
        kind=EventKind.MEETING,
        date=date(2025, 9, 1),
        site=world.site_a,
        climate_diagnosis="Regroupements de jeunes en soirée près du city-stade.",
    )
    client = Client()
    client.force_login(world.director)
    base = f"/bilans/conventions/{convention.pk}/bilan/2025"
    response = client.post(base + "/commentaires/", {"comments": "Année tenue.", "perspectives": "Plus d'immersions."})
    assert response.status_code == 302
    note = ConventionReviewNote.objects.get()
    assert note.period_start == date(2025, 5, 15)
    assert AuditEntry.objects.filter(content_type__model="conventionreviewnote").count() == 1

    page = client.get(base + "/").content.decode()
    assert "Année tenue." in page and "Regroupements de jeunes" in page
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=client.get(base + ".pdf").content, capture_output=True, check=True
    ).stdout.decode()
    assert "Année tenue." in text and "Plus d'immersions." in text and "Regroupements de jeunes" in text
    assert "du 15/05/2025 au 14/05/2026" in text
    workbook = load_workbook(io.BytesIO(client.get(base + ".xlsx").content))
    cells = [cell for row in workbook["Bilan"].iter_rows(values_only=True) for cell in row if cell]
    assert "Année tenue." in cells and "Regroupements de jeunes en soirée près du city-stade." in cells

    assert client.post(base + "/figer/").status_code == 302
    refused = client.post(base + "/commentaires/", {"comments": "Réécrit.", "perspectives": ""})
    assert refused.status_code == 400
    assert "Ce bilan est figé" in refused.content.decode()
    note.refresh_from_db()
    assert note.comments == "Année tenue." and note.is_frozen
    assert 'id="rediger"' not in client.get(base + "/").content.decode()

    # a manager reads the comments but cannot write them
    client.force_login(world.manager)
    assert client.post(base + "/commentaires/", {"comments": "x", "perspectives": ""}).status_code == 403


def test_partner_version_shows_the_directors_comments_only_once_frozen(world):
    from reporting.models import ConventionReviewNote

    convention = make_convention(world, signed_on=date(2025, 5, 15))
    note = ConventionReviewNote.objects.create(
        convention=convention, period_start=date(2025, 5, 15), comments="Brouillon interne de la direction."
    )
    client = Client()
    client.force_login(world.counsellor)
    url = f"/bilans/conventions/{convention.pk}/bilan/2025/partenaire/"
    assert "Brouillon interne" not in client.get(url).content.decode()
    note.frozen_at = timezone.now()
    note.save()
    assert "Brouillon interne" in client.get(url).content.decode()
