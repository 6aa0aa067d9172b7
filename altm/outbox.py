"""Forms replayed by the phone's outbox (static/js/outbox.js, kind "form").

A page marked `data-offline-form` keeps its submission on the phone when there is no network and posts it later,
as the same multipart POST the form would have made, with the header `X-ALTM-Outbox: 1`. The views stay plain
form views; this middleware turns their answer into one the outbox can act on:

- a redirect after the POST (saved, or already saved: every create carries its client UUID) → 201 JSON;
- a redirect to the login page (session expired) → 401 JSON, the item waits for a new login;
- the form page again (refused) → 400 JSON with the French messages the page shows;
- a 403 (CSRF token from another session, role) → 401 or 403 JSON, never a raw error page.
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

HEADER = "HTTP_X_ALTM_OUTBOX"
# Elements whose text is an error message in our templates (crispy-bootstrap5 and ours).
ERROR_CLASSES = {"invalid-feedback", "alert-danger", "errorlist"}
# Hidden helpers that carry an error class but no message of their own.
IGNORED_ATTRS = {"data-form-errors"}


class _ErrorText(HTMLParser):
    """Collect the text of the error elements of a rendered page (with their field name when crispy gives it)."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.current: list[str] = []
        self.field = "__all__"
        self.errors: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self.depth:
            self.depth += 1
            return
        classes = set((attributes.get("class") or "").split())
        if classes & ERROR_CLASSES and "hidden" not in attributes and not IGNORED_ATTRS & attributes.keys():
            self.depth = 1
            self.current = []
            self.field = _field_of(attributes.get("id") or "")

    def handle_endtag(self, tag):
        if not self.depth:
            return
        self.depth -= 1
        if self.depth == 0:
            text = " ".join(" ".join(self.current).split())
            if text and text not in self.errors.get(self.field, []):
                self.errors.setdefault(self.field, []).append(text)

    def handle_data(self, data):
        if self.depth:
            self.current.append(data)


def _field_of(element_id: str) -> str:
    """crispy-bootstrap5 names the field: <div id="id_place_error" class="invalid-feedback">; older packs use
    <span id="error_1_id_place">."""
    if element_id.startswith("id_") and element_id.endswith("_error"):
        return element_id[3:-6]
    if "_id_" in element_id:
        return element_id.split("_id_", 1)[1]
    return "__all__"


def errors_in_page(html: str) -> dict[str, list[str]]:
    parser = _ErrorText()
    parser.feed(html)
    return parser.errors


def _is_login(location: str) -> bool:
    path = urlsplit(location).path
    return path in {reverse("login"), reverse("accounts:two_factor_verify"), reverse("accounts:two_factor_setup")}


class OutboxMiddleware:
    """Answer the outbox's replayed form posts in JSON (see the module's docstring). Other requests pass as is."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method != "POST" or request.META.get(HEADER) != "1":
            return response
        if response.status_code in (301, 302, 303):
            location = response["Location"]
            if _is_login(location):
                return _json({"__all__": [_("Session expirée : reconnectez-vous pour envoyer.")]}, 401)
            return JsonResponse({"url": location}, status=201)
        if response.status_code == 403:
            if not request.user.is_authenticated or _is_csrf(response):
                return _json({"__all__": [_("Session expirée : reconnectez-vous pour envoyer.")]}, 401)
            return _json({"__all__": [_("Votre rôle ne permet pas cet envoi.")]}, 403)
        if response.status_code == 404:
            return _json({"__all__": [_("Cette fiche n'existe plus ou ne vous est plus accessible.")]}, 404)
        if response.status_code in (200, 400) and response.get("Content-Type", "").startswith("text/html"):
            errors = errors_in_page(response.content.decode(response.charset or "utf-8", "replace"))
            if not errors:
                errors = {"__all__": [_("Le formulaire n'a pas été accepté : ouvrez-le pour le corriger.")]}
            return _json(errors, 400)
        return response


def _is_csrf(response) -> bool:
    return b"CSRF" in (response.content or b"")[:2000]


def _json(errors: dict, status: int) -> JsonResponse:
    return JsonResponse({"errors": errors}, status=status)
