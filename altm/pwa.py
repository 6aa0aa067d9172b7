"""The installable web app: manifest, service worker (served from the site root so its scope is the whole site),
and the marker of the pages a mediator must be able to open without network.

A field page is decorated with `offline_page`: its answers carry `X-ALTM-Offline: page`, and the service worker
keeps the last copy it saw of each such page (network first, the copy when the network is gone). The pages carry
their reference lists (activities, sites, landlords) in their own HTML, so caching the page caches them, and each
visit with network refreshes them. At logout the phone erases the copies (static/js/offline.js).
"""

import hashlib
import json
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from altm.models import Agency

OFFLINE_HEADER = "X-ALTM-Offline"

# The field pages fetched into the phone's cache after one visit with network (by URL name; those the user's role
# may not open answer 403 and are skipped). Other pages marked `offline_page` (a conflict's "new session") are
# kept when they are visited.
FIELD_PAGES = [
    "mediation:entry",
    "mediation:tally",
    "mediation:my_interventions",
    "mediation:followup_list",
    "mediation:followup_create",
    "mediation:conflict_list",
    "mediation:conflict_create",
    "mediation:technical_create",
    "partners:referral_create",
    "offline",
]

# Static files the field pages need, stored when the service worker installs.
STATIC_FILES = [
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff",
    "css/altm.css",
    "css/mediation.css",
    "css/casework.css",
    "js/outbox.js",
    "js/offline.js",
    "js/a11y.js",
    "js/entry.js",
    "js/tally.js",
    "js/casework.js",
    "js/lists.js",
    "js/referral-form.js",
    "css/partners.css",
    "icons/icon-192.png",
]


def offline_page(view):
    """Mark a GET page as one the service worker keeps for use without network."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method == "GET" and response.status_code == 200:
            response[OFFLINE_HEADER] = "page"
            response["Cache-Control"] = "private, no-cache"
        return response

    return wrapper


def field_page_urls() -> list[str]:
    urls = []
    for name in FIELD_PAGES:
        try:
            urls.append(reverse(name))
        except NoReverseMatch:
            continue
    return urls


def worker_config() -> dict:
    static_urls = [static(path) for path in STATIC_FILES]
    pages = field_page_urls()
    version = hashlib.sha256(json.dumps([static_urls, pages, settings.ALTM_SW_VERSION]).encode()).hexdigest()[:12]
    return {
        "version": version,
        "static": static_urls,
        "staticPrefix": settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL,
        "pages": pages,
        "offlineUrl": reverse("offline"),
        "header": OFFLINE_HEADER,
    }


@require_GET
def service_worker(request):
    """/sw.js: the service worker's code with this deployment's file list; never cached by the browser."""
    body = render(request, "pwa/sw.js", {"config": json.dumps(worker_config())}).content
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def manifest(request):
    agency = Agency.current()
    data = {
        "name": f"{agency.short_name or agency.name} · {_('médiation sociale')}",
        "short_name": agency.short_name or agency.name,
        "lang": "fr",
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1f4e79",
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-cache"
    return response


@login_required
@offline_page
def offline(request):
    """What the phone shows for a page it has never opened with network: where to go instead."""
    return render(request, "pwa/offline.html")
