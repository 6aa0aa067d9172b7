from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import csrf

from accounts.client_ip import client_ip
from accounts.ratelimit import allow
from altm.context_processors import navigation_for
from altm.models import Agency


@login_required
def home(request):
    """Send each role to its own entry point: the first page of its navigation."""
    entries = navigation_for(request.user)
    if entries:
        return redirect(entries[0]["url"])
    return render(request, "home.html")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's view; the e-mail (rendered without the request, so without context processors) names the agency.

    Requests are limited per address and per e-mail (settings.ALTM_PASSWORD_RESET_LIMITS): beyond, no e-mail is
    sent and the page says so in French (the same answer whether the address has an account or not).
    """

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().casefold()
        address = client_ip(self.request) or "?"
        (per_address, per_email, seconds) = settings.ALTM_PASSWORD_RESET_LIMITS
        allowed = allow(f"reset-address:{address}", limit=per_address, seconds=seconds)
        allowed = allow(f"reset-email:{email}", limit=per_email, seconds=seconds) and allowed
        if not allowed:
            form.add_error(None, _("Trop de demandes de réinitialisation : réessayez dans une heure."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        self.extra_email_context = {**(self.extra_email_context or {}), "agency": Agency.current()}
        return super().form_valid(form)


def wants_json(request) -> bool:
    """A JSON client: the JSON API's paths, or a request that sends or accepts JSON."""
    return (
        "/api/" in request.path
        or request.content_type == "application/json"
        or "application/json" in request.headers.get("Accept", "")
    )


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the outbox gets JSON it can show (in French), a browser gets Django's page."""
    if wants_json(request):
        message = _("Jeton de sécurité (CSRF) manquant ou périmé : rechargez la page puis renvoyez.")
        return JsonResponse({"errors": {"__all__": [message]}}, status=403)
    return csrf.csrf_failure(request, reason=reason)
