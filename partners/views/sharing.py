"""Consents, mandates, information shares, a person's sharing page, and the right of access."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from altm.decorators import role_required
from altm.forms import submit
from altm.models import AuditEntry
from altm.params import choice_param
from altm.pdf import pdf_response, render_pdf
from mediation.models import Person, PersonReadLog
from mediation.perms import get_person_or_404
from mediation.services import note_person_read
from partners import perms
from partners.forms import ConsentRecordForm, ShareForm, WithdrawConsentForm
from partners.legal_bases import basis_table
from partners.models import (
    Consent,
    ConsentState,
    InformationCategory,
    InformationShare,
    PartnerOrganisation,
    Referral,
    SharingPurpose,
)
from partners.services import record_consent, share_information, withdraw_consent

FIELD = (Role.MEDIATOR, Role.MANAGER)
STAFF = (Role.MEDIATOR, Role.MANAGER, Role.DIRECTOR)


def _initial_person(request):
    pk = request.GET.get("personne")
    if pk and pk.isdigit():
        return Person.objects.workable_by(request.user).filter(pk=pk).first()
    return None


def _return_url(request) -> str:
    """Where a consent recorded from a refused referral goes back to: only that referral form, never elsewhere."""
    value = request.POST.get("retour") or request.GET.get("retour") or ""
    prefix = reverse("partners:referral_create") + "?brouillon="
    if value.startswith(prefix) and url_has_allowed_host_and_scheme(value, allowed_hosts=None):
        return value
    if value:
        messages.warning(request, _("Adresse de retour ignorée : elle ne mène pas à une mise en relation."))
    return ""


@role_required(*FIELD)
def consent_create(request):
    initial = {}
    person = _initial_person(request)
    if person is not None:
        initial["person"] = person.pk
    recipient = request.GET.get("destinataire")
    if recipient and recipient.isdigit() and PartnerOrganisation.objects.filter(pk=recipient).exists():
        initial["recipient_organisation"] = int(recipient)
    if purpose := choice_param(request, "finalite", SharingPurpose.choices):
        initial["purpose"] = purpose
    if categories := [c for c in request.GET.getlist("categories") if c in InformationCategory.values]:
        initial["categories"] = categories
    back_to = _return_url(request)
    form = ConsentRecordForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        consent = submit(
            form,
            record_consent,
            actor=request.user,
            person=data["person"],
            recipient_organisation=data["recipient_organisation"],
            purpose=data["purpose"],
            categories=data["categories"],
            form=data["form"],
            given_on=data["given_on"],
            expires_on=data["expires_on"],
            note=data["note"],
            uuid=data["uuid"],
        )
        if consent is not None:
            if back_to:
                messages.success(
                    request,
                    _(
                        "Consentement enregistré. Voici votre mise en relation telle que vous l'aviez saisie : "
                        "vérifiez-la et enregistrez-la."
                    ),
                )
                return redirect(back_to)
            messages.success(request, _("Consentement enregistré. Imprimez le mandat pour le faire signer."))
            return redirect("partners:person_sharing", pk=consent.person_id)
    return render(
        request,
        "partners/form_page.html",
        {
            "form": form,
            "title": _("Recueillir un consentement"),
            "intro": _(
                "Expliquez à la personne l'objet de la démarche, les informations transmises et à qui, et qu'elle "
                "peut retirer son accord à tout moment (conseils de la CNIL)."
            ),
            "back_url": back_to or reverse("partners:referral_list"),
            "back_label": _("Revenir à la mise en relation") if back_to else None,
            "submit": _("Enregistrer le consentement")
            if not back_to
            else _("Enregistrer et revenir à la mise en relation"),
            "hidden_return": back_to,
        },
    )


@require_POST
@role_required(*FIELD)
def consent_withdraw(request, pk):
    consent = perms.get_consent_or_404(request.user, pk)
    form = WithdrawConsentForm(request.POST)
    if form.is_valid():
        try:
            withdraw_consent(
                actor=request.user, consent=consent, note=form.cleaned_data["note"], uuid=form.cleaned_data["uuid"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Consentement retiré : plus aucun partage ne peut s'appuyer dessus."))
    return redirect("partners:person_sharing", pk=consent.person_id)


def _mandate_context(consent):
    return {
        "consent": consent,
        "person": consent.person,
        "withdrawal": consent.withdrawal_or_none,
        "today": timezone.localdate(),
    }


@role_required(*STAFF)
def consent_mandate(request, pk):
    consent = perms.get_consent_or_404(request.user, pk)
    note_person_read(request.user, consent.person, reason=_("Mandat de consentement"))
    return render(request, "partners/mandate.html", _mandate_context(consent))


@role_required(*STAFF)
def consent_mandate_pdf(request, pk):
    consent = perms.get_consent_or_404(request.user, pk)
    note_person_read(request.user, consent.person, reason=_("Mandat de consentement (PDF)"))
    pdf = render_pdf("partners/pdf/mandate.html", _mandate_context(consent), request=request)
    return pdf_response(pdf, f"mandat-{consent.pk}.pdf")


@role_required(*FIELD)
def share_create(request):
    initial = {}
    person = _initial_person(request)
    if person is not None:
        initial["person"] = person.pk
    form = ShareForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        share = submit(
            form,
            share_information,
            actor=request.user,
            person=data["person"],
            to_organisation=data["to_organisation"],
            recipient_name=data["recipient_name"],
            categories=data["categories"],
            purpose=data["purpose"],
            legal_basis=data["legal_basis"],
            justification=data["justification"],
            coordinator_name=data["coordinator_name"],
            parents_informed=data["parents_informed"],
            parents_not_informed_reason=data["parents_not_informed_reason"],
            uuid=data["uuid"],
        )
        if share is not None:
            messages.success(request, _("Partage enregistré avec sa base légale."))
            return redirect("partners:person_sharing", pk=share.person_id)
    return render(
        request,
        "partners/share_form.html",
        {
            "form": form,
            "basis_table": basis_table(),
            "title": _("Partager une information"),
            "intro": _(
                "Ne transmettez que le strict nécessaire. Sans base légale valable, le partage est refusé et rien "
                "n'est enregistré."
            ),
            "back_url": reverse("partners:referral_list"),
            "submit": _("Vérifier la base légale et enregistrer"),
        },
    )


@role_required(*STAFF)
def person_sharing(request, pk):
    """Consents, shares and referrals of one person, for their team (and the direction)."""
    person = get_person_or_404(request.user, pk)
    note_person_read(request.user, person, reason=_("Page des partages de la personne"))
    today = timezone.localdate()
    consents = list(
        Consent.objects.filter(person=person)
        .select_related("recipient_organisation", "withdrawal", "recorded_by")
        .order_by("-given_on", "-id")
    )
    for consent in consents:
        consent.state = consent.state_on(today)
        consent.withdrawal_uuid = uuid.uuid4()  # the withdrawal form's client UUID: a double submit withdraws once
    return render(
        request,
        "partners/person_sharing.html",
        {
            "person": person,
            "consents": consents,
            "shares": InformationShare.objects.filter(person=person).select_related("to_organisation", "shared_by"),
            "referrals": Referral.objects.filter(person=person).select_related("organisation"),
            "can_act": perms.can_handle_consents(request.user) and person.anonymised_at is None,
            "today": today,
            "ConsentState": ConsentState,
        },
    )


# --- Right of access ----------------------------------------------------------------------------------------


def _access_context(person):
    read_logs = PersonReadLog.objects.filter(person=person).select_related("user").order_by("-at")
    consents = list(
        Consent.objects.filter(person=person).select_related("recipient_organisation", "withdrawal", "recorded_by")
    )
    today = timezone.localdate()
    for consent in consents:
        consent.state = consent.state_on(today)
    return {
        "person": person,
        "today": today,
        "followups": person.followups.select_related("mediator", "territory").order_by("started_on"),
        "interventions": person.interventions.select_related("activity_type", "territory").order_by("date", "id"),
        "intervention_summary": person.interventions.values("activity_type__label")
        .annotate(n=Count("id"))
        .order_by("activity_type__label"),
        "referrals": Referral.objects.filter(person=person).order_by("date", "id"),
        "consents": consents,
        "ConsentState": ConsentState,
        "shares": InformationShare.objects.filter(person=person)
        .select_related("to_organisation", "shared_by", "consent")
        .order_by("shared_on", "id"),
        "read_logs": read_logs,
        "audit": AuditEntry.objects.for_object(person).select_related("actor"),
    }


@role_required(Role.DIRECTOR)
def person_access(request, pk):
    person = get_person_or_404(request.user, pk)
    note_person_read(request.user, person, reason=_("Droit d'accès"))
    return render(request, "partners/person_access.html", _access_context(person))


@role_required(Role.DIRECTOR)
def person_access_pdf(request, pk):
    person = get_person_or_404(request.user, pk)
    note_person_read(request.user, person, reason=_("Droit d'accès (PDF)"))
    pdf = render_pdf("partners/pdf/person_access.html", _access_context(person), request=request)
    return pdf_response(pdf, f"droit-d-acces-{person.pk}.pdf")
