"""Photos of technical reports: metadata stripped on the server, kept outside the public files, shown only to
those who may see the report, and printed in the landlord's weekly synthesis."""

import io
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from altm.models import AuditAction, AuditEntry
from altm.photos import clean_photo
from mediation.models import TechnicalReport, TechnicalReportPhoto
from mediation.views.technical import iso_week

GPS = {1: "N", 2: (45.0, 44.0, 30.0), 3: "E", 4: (4.0, 52.0, 10.0)}


def jpeg_with_gps(size=(2400, 1800)) -> SimpleUploadedFile:
    """A phone photo as it leaves the camera: large, with its maker, model and GPS position in the EXIF."""
    image = Image.new("RGB", size, (120, 80, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = "Phone X"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(GPS)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile("IMG_0001.jpg", out.getvalue(), content_type="image/jpeg")


def exif_of(data: bytes):
    with Image.open(io.BytesIO(data)) as image:
        return image.getexif(), image.size


def test_the_test_photo_really_carries_gps():
    exif, _size = exif_of(jpeg_with_gps().read())
    assert exif.get_ifd(ExifTags.IFD.GPSInfo) == GPS


def test_clean_photo_drops_every_metadata_and_resizes():
    cleaned = clean_photo(jpeg_with_gps())
    exif, size = exif_of(cleaned.read())
    assert len(exif) == 0
    assert exif.get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert max(size) == 1600


def report_form(world, **extra):
    return {
        "territory": world.territory_a.pk,
        "site": world.site_a.pk,
        "place": "Allée 3, hall",
        "problem": "Porte de hall arrachée",
        "reported_on": "2026-12-01",
        **extra,
    }


def test_a_report_with_a_photo_keeps_it_private_and_clean(client, world, settings):
    client.force_login(world.mediator)
    response = client.post(reverse("mediation:technical_create"), report_form(world, photo=jpeg_with_gps()))
    assert response.status_code == 302
    report = TechnicalReport.objects.get()
    photo = report.photos.get()
    path = photo.image.path
    assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not path.startswith(str(settings.STATIC_ROOT))
    with open(path, "rb") as handle:
        exif, size = exif_of(handle.read())
    assert exif.get_ifd(ExifTags.IFD.GPSInfo) == {} and len(exif) == 0
    assert max(size) == 1600
    assert AuditEntry.objects.for_object(photo).filter(action=AuditAction.CREATE).exists()

    url = reverse("mediation:technical_photo", args=[report.pk, photo.pk])
    page = client.get(report.get_absolute_url())
    assert url in page.content.decode()
    served = client.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert exif_of(served.content)[0].get_ifd(ExifTags.IFD.GPSInfo) == {}

    # Another team, or a counsellor, cannot see it; nor can an anonymous visitor.
    for user in (world.mediator_other_team, world.counsellor):
        client.force_login(user)
        assert client.get(url).status_code in (403, 404)
    client.logout()
    assert client.get(url).status_code == 302
    # A photo id under another report is not found.
    client.force_login(world.mediator)
    assert client.get(reverse("mediation:technical_photo", args=[report.pk, photo.pk + 1])).status_code == 404


def test_a_file_that_is_not_a_photo_is_refused_in_french(client, world):
    client.force_login(world.mediator)
    fake = SimpleUploadedFile("photo.jpg", b"pas une image", content_type="image/jpeg")
    response = client.post(reverse("mediation:technical_create"), report_form(world, photo=fake))
    assert response.status_code == 200
    assert "pas une photo lisible" in response.content.decode() or "image" in response.content.decode()
    assert not TechnicalReport.objects.exists() and not TechnicalReportPhoto.objects.exists()


def test_the_landlord_synthesis_pdf_shows_the_photo(client, world):
    client.force_login(world.mediator)
    client.post(reverse("mediation:technical_create"), report_form(world, photo=jpeg_with_gps()))
    report = TechnicalReport.objects.get()
    week = iso_week(date(2026, 12, 1))
    url = reverse("mediation:technical_synthesis")
    response = client.get(url, {"landlord": report.landlord_id, "week": week, "format": "pdf"})
    assert response.status_code == 200
    assert b"/Subtype /Image" in response.content
    without = client.get(url, {"landlord": report.landlord_id, "week": iso_week(date(2026, 11, 2)), "format": "pdf"})
    assert b"/Subtype /Image" not in without.content
