"""The agency is configuration: set once in /admin/ (one row at most), printed by every page and document."""

import html
import io
import subprocess

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from PIL import Image

from altm.models import Agency
from reporting.models import ProjectIndicator
from reporting.service_projects import PROJECT_2017_2019, load_definition
from tests.partners.factories import make_consent, make_person
from tests.reporting.factories import IndicatorTargetFactory

AGENCY_FORM = {
    "name": "Agence Grenoble Médiation",
    "short_name": "AGM",
    "address": "4 place Victor Hugo\r\n38000 Grenoble",
    "city": "Grenoble",
    "website": "www.agm.example",
    "signatory_name": "Louise Roux",
    "signatory_title": "Directrice",
}
ADMIN_URL = "/admin/altm/agency/"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_text(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def brand(short_name: str) -> str:
    return f'<a class="navbar-brand fw-semibold" href="/">{short_name}</a>'


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_without_a_row_the_agency_is_named_after_the_settings(world, settings):
    settings.AGENCY_NAME = "Médiation Sud"
    Agency.forget()
    agency = Agency.current()
    assert agency.pk is None
    assert (agency.name, agency.short_name, agency.footer, agency.logo_data_uri) == (
        "Médiation Sud",
        "Médiation Sud",
        "Médiation Sud",
        "",
    )
    page = page_text(client_for(world.mediator), reverse("mediation:entry"))
    assert brand("Médiation Sud") in page and "· Médiation Sud</title>" in page


def test_the_agency_is_read_once_then_served_from_the_cache(world, django_assert_num_queries):
    Agency.objects.create(**AGENCY_FORM)
    with django_assert_num_queries(1):
        assert Agency.current().short_name == "AGM"
    with django_assert_num_queries(0):
        assert Agency.current().short_name == "AGM"


def test_the_admin_page_sets_the_agency_of_the_header_and_of_the_pdf_covers(world, tmp_path):
    admin = client_for(world.admin)
    assert 'name="short_name"' in page_text(admin, ADMIN_URL)  # no row yet: the empty form, at the list's address
    response = admin.post(ADMIN_URL, AGENCY_FORM)
    assert response.status_code == 302 and response["Location"] == ADMIN_URL
    assert Agency.objects.count() == 1

    assert brand("AGM") in page_text(client_for(world.mediator), reverse("mediation:entry"))
    project = load_definition(PROJECT_2017_2019)
    # A target: a project with neither value nor target is one short page without signature (tests/reporting).
    IndicatorTargetFactory(indicator=ProjectIndicator.objects.filter(axis__stake__part__project=project).first())
    pdf = client_for(world.director).get(reverse("reporting:project_pdf", args=[project.pk]))
    text = pdf_text(pdf.content, tmp_path)
    assert "AGENCE GRENOBLE MÉDIATION" in text  # the cover prints it in capitals
    assert "AGM · 4 place Victor Hugo · 38000 Grenoble · www.agm.example" in text  # cover footer
    assert "Louise Roux, Directrice" in text  # signature
    assert "AGM · Projet de service 2017-2019" in text  # running header
    assert "ALTM" not in text and "Renan" not in text

    admin.post(ADMIN_URL, {**AGENCY_FORM, "short_name": "AGM-38"})
    assert Agency.objects.count() == 1
    assert brand("AGM-38") in page_text(client_for(world.mediator), reverse("mediation:entry"))


def test_the_mandate_names_the_agency_and_its_city(world):
    Agency.objects.create(**AGENCY_FORM)
    consent = make_consent(world, make_person(world))
    page = page_text(client_for(world.mediator), reverse("partners:consent_mandate", args=[consent.pk]))
    assert "AGM · Agence Grenoble Médiation" in page and "Fait à Grenoble, le" in page


def test_the_password_reset_email_names_the_agency(world):
    Agency.objects.create(**AGENCY_FORM)
    world.director.email = "direction@agm.invalid"
    world.director.save(update_fields=["email"])
    Client().post(reverse("password_reset"), {"email": "direction@agm.invalid"})
    (message,) = mail.outbox
    assert message.subject.startswith("AGM :") and "mot de passe AGM" in message.body


def test_there_is_only_one_agency(world):
    Agency.objects.create(**{**AGENCY_FORM, "name": "Une agence"})
    with pytest.raises(IntegrityError), transaction.atomic():
        Agency.objects.create(**AGENCY_FORM)  # every agency is row 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Agency.objects.bulk_create([Agency(id=2, **AGENCY_FORM)])  # and the database refuses any other id
    assert list(Agency.objects.values_list("name", flat=True)) == ["Une agence"]

    admin = client_for(world.admin)
    page = page_text(admin, ADMIN_URL)  # the list opens on the form of the one row
    assert 'value="Une agence"' in page
    assert admin.get(f"{ADMIN_URL}add/").status_code == 403
    assert admin.get(f"{ADMIN_URL}1/delete/").status_code == 403


def test_the_logo_is_printed_on_the_pdf_covers(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    logo = io.BytesIO()
    Image.new("RGB", (37, 23), "#1f4e79").save(logo, format="PNG")
    logo.seek(0)
    logo.name = "logo.png"
    response = client_for(world.admin).post(ADMIN_URL, {**AGENCY_FORM, "logo": logo})
    assert response.status_code == 302
    assert Agency.current().logo_data_uri.startswith("data:image/png;base64,")

    project = load_definition(PROJECT_2017_2019)
    pdf = client_for(world.director).get(reverse("reporting:project_pdf", args=[project.pk]))
    path = tmp_path / "project.pdf"
    path.write_bytes(pdf.content)
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert any(line.split()[3:5] == ["37", "23"] for line in images.splitlines()[2:])


def test_a_logo_that_is_not_an_image_is_refused(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    fake = io.BytesIO(b"<script>alert(1)</script>")
    fake.name = "logo.png"
    response = client_for(world.admin).post(ADMIN_URL, {**AGENCY_FORM, "logo": fake})
    assert response.status_code == 200 and not Agency.objects.exists()
