"""The landlord's page, reached without an account through a signed link in an e-mail or a synthesis PDF.

Public, so: limited per address and per report, CSRF-protected like every form, never cached, never indexed, and
no referrer leaves it for another site (the link is the key). It shows the one report the link was issued for
and nothing else.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache

from accounts.client_ip import client_ip
from accounts.ratelimit import allow
from altm.forms import submit
from mediation import services
from mediation.casework_forms import LandlordAnswerForm
from mediation.landlord_links import LinkError, LinkProblem, report_for_link
from mediation.synthesis import landlord_answer

# Pages opened per address in ten minutes, refused links per address in ten minutes, answers per report an hour.
OPENS_PER_ADDRESS = 120
REFUSALS_PER_ADDRESS = 20
ANSWERS_PER_REPORT = 20
WINDOW = 10 * 60

ANSWER_MESSAGES = {
    services.LandlordAnswer.ACKNOWLEDGE: _lazy(
        "Merci : la prise en compte est enregistrée et transmise aux médiateurs."
    ),
    services.LandlordAnswer.PLAN: _lazy("Merci : la date prévue est enregistrée et transmise aux médiateurs."),
    services.LandlordAnswer.RESOLVE: _lazy("Merci : le signalement est résolu. Les médiateurs en sont informés."),
}


def _private(response):
    # Not "no-referrer": Chromium then posts the forms with "Origin: null", which the CSRF check refuses.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _too_many(request):
    message = _("Trop de demandes depuis cette adresse : réessayez dans quelques minutes.")
    return _private(render(request, "mediation/landlord/refused.html", {"message": message}, status=429))


@never_cache
def landlord_report(request, pk: int, token: str):
    address = client_ip(request) or "?"
    if not allow(f"landlord-open:{address}", limit=OPENS_PER_ADDRESS, seconds=WINDOW):
        return _too_many(request)
    try:
        report = report_for_link(token, pk)
    except LinkError as error:
        if not allow(f"landlord-refused:{address}", limit=REFUSALS_PER_ADDRESS, seconds=WINDOW):
            return _too_many(request)
        status = 410 if error.problem is LinkProblem.EXPIRED else 403
        message = error.problem.message
        if error.problem is LinkProblem.EXPIRED:
            message = message % {"days": services.landlord_link_days()}
        return _private(render(request, "mediation/landlord/refused.html", {"message": message}, status=status))
    form = None
    if request.method == "POST" and not report.is_resolved:
        if not allow(f"landlord-answer:{report.pk}", limit=ANSWERS_PER_REPORT, seconds=60 * 60):
            return _too_many(request)
        form = LandlordAnswerForm(request.POST)
        if form.is_valid():
            saved = submit(form, services.answer_as_landlord, landlord=report.landlord, report=report, **_data(form))
            if saved is not None:
                messages.success(request, ANSWER_MESSAGES[form.cleaned_data["answer"]])
                return redirect(request.path)
    elif request.method == "POST":
        messages.info(request, _("Ce signalement est déjà résolu : rien n'a été modifié."))
        return redirect(request.path)
    failed = form.cleaned_data.get("answer", "") if form is not None and hasattr(form, "cleaned_data") else ""

    def form_for(answer: str) -> LandlordAnswerForm:
        return form if failed == answer else LandlordAnswerForm(initial={"answer": answer})

    context = {
        "report": report,
        "answer": landlord_answer(report),
        "plan_form": form_for(services.LandlordAnswer.PLAN),
        "resolve_form": form_for(services.LandlordAnswer.RESOLVE),
        # A tampered answer has no field of its own to stand next to: shown with the errors of the whole form.
        "errors": [*form.non_field_errors(), *form.errors.get("answer", [])] if form is not None else [],
    }
    return _private(render(request, "mediation/landlord/report.html", context, status=400 if form else 200))


def _data(form) -> dict:
    return {
        "answer": form.cleaned_data["answer"],
        "planned_on": form.cleaned_data["planned_on"],
        "comment": form.cleaned_data["comment"],
    }
