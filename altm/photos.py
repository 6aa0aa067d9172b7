"""Photos taken in the field: kept outside the public files, cleaned of their metadata on the server.

The phone already resizes a photo and drops its EXIF (static/js/offline.js), but the server never trusts the
client: every upload is decoded and re-encoded here, so GPS position, camera and date never reach the disk.
"""

import base64
import io
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 1600
MAX_UPLOAD_BYTES = 15 * 1024 * 1024
JPEG_QUALITY = 82


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files under settings.PRIVATE_MEDIA_ROOT (read at each use), served only through permission-checked views,
    never by whitenoise or a public URL."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Fichier privé : servi par une vue qui vérifie les droits, jamais par une adresse publique.")


def private_storage() -> FileSystemStorage:
    return PrivateStorage()


def clean_photo(upload) -> ContentFile:
    """A new JPEG of the uploaded picture: upright, at most MAX_SIDE pixels, with no metadata at all."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("Photo trop lourde (15 Mo au plus)."))
    try:
        with Image.open(upload) as image:
            image = ImageOps.exif_transpose(image)  # keep the orientation the phone meant, then drop the EXIF
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            clean = Image.new("RGB", image.size, "white")
            clean.paste(image.convert("RGBA") if image.mode in ("P", "LA", "RGBA") else image.convert("RGB"))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("Ce fichier n'est pas une photo lisible.")) from exc
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)  # no exif= argument: nothing copied
    return ContentFile(out.getvalue(), name="photo.jpg")


def data_uri(file) -> str:
    """The stored photo inline (for a PDF: WeasyPrint fetches nothing outside static files and data: URIs)."""
    with file.open("rb") as handle:
        return "data:image/jpeg;base64," + base64.b64encode(handle.read()).decode("ascii")
