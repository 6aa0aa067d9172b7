from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

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
    """Django's view; the e-mail (rendered without the request, so without context processors) names the agency."""

    def form_valid(self, form):
        self.extra_email_context = {**(self.extra_email_context or {}), "agency": Agency.current()}
        return super().form_valid(form)
