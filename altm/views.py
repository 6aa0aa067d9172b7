from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from altm.context_processors import navigation_for


@login_required
def home(request):
    """Send each role to its own entry point: the first page of its navigation."""
    entries = navigation_for(request.user)
    if entries:
        return redirect(entries[0]["url"])
    return render(request, "home.html")
