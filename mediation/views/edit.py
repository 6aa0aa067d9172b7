"""Edit and delete one intervention line, the page that says why a line is locked, and the line's history."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Role
from altm.audit import history_for
from altm.decorators import role_required
from altm.forms import submit
from altm.versions import current_version
from mediation import perms, services
from mediation.forms import InterventionForm
from mediation.models import Intervention, InterventionSource
from mediation.views.entry import entry_context, line_summary


def locked_reason(user, line: Intervention) -> str:
    if user.is_director:
        return _("La direction consulte les saisies sans les modifier.")
    if perms.is_case_work_line(line):
        return _(
            "Cette ligne compte une rencontre de médiation ou un signalement de veille technique : "
            "elle se gère depuis la situation ou le signalement."
        )
    if line.author_id == user.pk and line.source == InterventionSource.IMPORT:
        return _("Cette ligne a été importée : seul le manager de l'équipe peut la corriger.")
    if line.author_id == user.pk and line.created_by_id != user.pk:
        return _("Cette ligne a été saisie pour vous par quelqu'un d'autre : demandez à votre manager de la corriger.")
    if line.author_id == user.pk:
        return _(
            "Le délai de %(days)s jours pour modifier ou supprimer votre saisie est dépassé : "
            "demandez à votre manager de la corriger."
        ) % {"days": perms.EDIT_WINDOW_DAYS}
    return _("Seuls l'auteur de la saisie (pendant %(days)s jours) et le manager de l'équipe peuvent la modifier.") % {
        "days": perms.EDIT_WINDOW_DAYS
    }


def render_locked(request, line: Intervention):
    return render(
        request,
        "mediation/intervention_locked.html",
        {"line": line, "reason": locked_reason(request.user, line), "history": history_for(line)},
        status=403,
    )


def after_change_url(user, line: Intervention) -> str:
    if line.author_id == user.pk or not perms.can_review_team(user):
        return reverse("mediation:my_interventions")
    return reverse("mediation:team_interventions")


@role_required(Role.MEDIATOR, Role.MANAGER, Role.DIRECTOR)
def intervention_edit(request, pk: int):
    line = perms.get_intervention_or_404(request.user, pk)
    if not perms.can_edit_intervention(request.user, line):
        return render_locked(request, line)
    # The form works on a copy: the service compares the untouched line with the changes for the audit trail.
    initial = {"version": current_version(line)}
    form = InterventionForm(request.POST or None, instance=copy.copy(line), user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {name: value for name, value in form.service_fields().items() if getattr(line, name) != value}
        if not changes:
            messages.info(request, _("Aucune modification."))
            return redirect(after_change_url(request.user, line))
        version = form.cleaned_data["version"]
        update = services.update_intervention
        if submit(form, update, actor=request.user, intervention=line, version=version, **changes) is not None:
            messages.success(request, _("Modification enregistrée ✓ %(line)s") % {"line": line_summary(line)})
            return redirect(after_change_url(request.user, line))
    context = entry_context(request, form, line=line, history=history_for(line))
    return render(request, "mediation/intervention_edit.html", context)


@role_required(Role.MEDIATOR, Role.MANAGER, Role.DIRECTOR)
def intervention_delete(request, pk: int):
    line = perms.get_intervention_or_404(request.user, pk)
    if not perms.can_edit_intervention(request.user, line):
        return render_locked(request, line)
    if request.method == "POST":
        url = after_change_url(request.user, line)
        summary = line_summary(line)
        try:
            services.delete_intervention(actor=request.user, intervention=line)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(url)
        messages.success(request, _("Saisie supprimée : %(line)s") % {"line": summary})
        return redirect(url)
    return render(request, "mediation/intervention_confirm_delete.html", {"line": line})
