"""PDF rendering with WeasyPrint: a Django template in, PDF bytes out. Static files are read from disk."""

from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from altm.models import Agency

STATIC_PREFIX = "/" + settings.STATIC_URL.lstrip("/")


class _StaticOnlyFetcher(URLFetcher):
    """Serve /static/… from the static finders and data: URIs; refuse anything on the network."""

    def fetch(self, url, headers=None):
        parsed = urlparse(url)
        if parsed.scheme in ("", "file") and parsed.path.startswith(STATIC_PREFIX):
            path = finders.find(parsed.path[len(STATIC_PREFIX) :])
            if path:
                return super().fetch(Path(path).as_uri(), headers)
        if parsed.scheme == "data":
            return super().fetch(url, headers)
        raise ValueError(f"ressource externe refusée dans un PDF : {url}")


def render_pdf(template_name: str, context: dict, request=None) -> bytes:
    """Every PDF knows the agency (cover, running header, signature), with or without a request."""
    html = render_to_string(template_name, {"agency": Agency.current(), **context}, request=request)
    return HTML(
        string=html, base_url="file:///", url_fetcher=_StaticOnlyFetcher(allowed_protocols=("file", "data"))
    ).write_pdf()


def pdf_response(pdf: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
