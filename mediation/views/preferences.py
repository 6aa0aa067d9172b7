""" "Mes activités": the mediator pins favourites for the quick entry and chooses the buttons of their tally."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from altm.decorators import role_required
from mediation import services
from mediation.forms import activity_family_groups
from mediation.models import MAX_TALLY_ACTIVITIES, ActivityPreference, ActivityType
from mediation.views.entry import LOGGING_ROLES


def _ids(values) -> set[int]:
    return {int(value) for value in values if str(value).isdigit()}


@role_required(*LOGGING_ROLES)
def activity_preferences(request):
    activities = list(ActivityType.objects.active().order_by("order", "label"))
    preferences = ActivityPreference.objects.filter(user=request.user)
    pinned = {p.activity_type_id for p in preferences if p.pinned}
    in_tally = {p.activity_type_id for p in preferences if p.in_tally}
    errors = {}
    if request.method == "POST":
        pinned, in_tally = _ids(request.POST.getlist("pinned")), _ids(request.POST.getlist("in_tally"))
        try:
            services.set_activity_preferences(actor=request.user, pinned=pinned, in_tally=in_tally)
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, _("Vos activités sont enregistrées."))
            return redirect(request.POST.get("next") == "tally" and "mediation:tally" or "mediation:entry")
    return render(
        request,
        "mediation/activity_preferences.html",
        {
            "groups": activity_family_groups(activities),
            "pinned": pinned,
            "in_tally": in_tally,
            "errors": errors,
            "max_tally": MAX_TALLY_ACTIVITIES,
            "next": request.GET.get("depuis", "") == "tournee" and "tally" or "",
        },
        status=400 if errors else 200,
    )
