"""Each user's notification settings, and the failed-deliveries page of the direction and administrators."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from altm.decorators import role_required
from altm.forms import submit
from altm.mail import retry_email
from altm.models import OutgoingEmail
from altm.notifications import KIND_RULES, NotificationKind, preferences_for, set_preferences

DELIVERY_READERS = (Role.DIRECTOR, Role.ADMIN)
PAGE_SIZE = 25


class PreferencesForm(forms.Form):
    """One checkbox per kind of notification the user's role may receive."""

    def __init__(self, *args, current: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, enabled in current.items():
            self.fields[kind] = forms.BooleanField(
                label=NotificationKind(kind).label,
                help_text=KIND_RULES[kind].help,
                required=False,
                initial=enabled,
            )


@login_required
def notification_settings(request):
    current = preferences_for(request.user)
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        changed = submit(form, set_preferences, actor=request.user, user=request.user, choices=form.cleaned_data)
        if changed is not None:
            messages.success(request, _("Vos choix sont enregistrés.") if changed else _("Rien n'a changé."))
            return redirect("notifications:settings")
    return render(
        request,
        "altm/notification_settings.html",
        {"form": form, "has_choices": bool(current), "email": request.user.email},
    )


@role_required(*DELIVERY_READERS)
def failed_deliveries(request):
    emails = OutgoingEmail.objects.undelivered().select_related("user").order_by("-created_at", "-id")
    page = Paginator(emails, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "altm/failed_deliveries.html", {"page": page})


@require_POST
@role_required(*DELIVERY_READERS)
def retry_delivery(request, pk: int):
    email = get_object_or_404(OutgoingEmail, pk=pk)
    try:
        retry_email(actor=request.user, email=email)
    except ValidationError as exc:  # already sent, or already sent again (a double click): nothing to do
        messages.info(request, " ".join(exc.messages))
    else:
        messages.success(request, _("L'e-mail à %(to)s repart : il sera envoyé dans la minute.") % {"to": email.to})
    return redirect("notifications:failed")
