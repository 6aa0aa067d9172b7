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
    PartnerEventFactory(convention=convention, kind=EventKind.MEETING, date=date(year, 1, 10), site=world.site_a)
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
