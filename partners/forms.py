"""Forms of the partners app. They validate input; the services decide and write."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from altm.forms import DateInput, SubmissionForm, VersionedForm
from mediation.models import Gender, Person, ReferralMode, Site, Territory
from partners.models import (
    Amendment,
    Commitment,
    ConsentForm,
    Convention,
    EventKind,
    InformationCategory,
    LegalBasis,
    OutcomeKind,
    PartnerContact,
    PartnerEvent,
    PartnerOrganisation,
    ReferralStatus,
    RefusalReason,
    SharingPurpose,
)
from partners.services import NewPerson


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        parts = [str(person)]
        if person.birth_year:
            parts.append(str(person.birth_year))
        return " · ".join(parts + [person.territory.name])


class CategoriesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", InformationCategory.choices)
        super().__init__(**kwargs)


# --- Conventions --------------------------------------------------------------------------------------------


class ConventionForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Convention
        fields = [
            "organisation",
            "title",
            "agency_signatory",
            "partner_signatory",
            "signed_on",
            "duration_months",
            "tacit_renewal",
            "notice_months",
            "termination_days",
            "last_review_on",
            "non_renewal_notified_on",
            "formal_notice_on",
            "sites",
            "note",
        ]
        widgets = {
            "signed_on": DateInput(),
            "last_review_on": DateInput(),
            "non_renewal_notified_on": DateInput(),
            "formal_notice_on": DateInput(),
            "sites": forms.CheckboxSelectMultiple,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = Site.objects.select_related("territory").filter(is_active=True)

    def clean(self):
        data = super().clean()
        signed_on = data.get("signed_on")
        for name in ("non_renewal_notified_on", "formal_notice_on", "last_review_on"):
            value = data.get(name)
            if value and not signed_on:
                self.add_error(name, _("Une convention non signée ne peut pas avoir cette date."))
            elif value and signed_on and value < signed_on:
                self.add_error(name, _("Cette date ne peut pas précéder la signature."))
        return data


class AmendmentForm(forms.ModelForm):
    class Meta:
        model = Amendment
        fields = ["number", "signed_on", "subject"]
        widgets = {"signed_on": DateInput(), "subject": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, convention, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.convention = convention
        if not self.is_bound:
            self.initial["number"] = convention.amendments.count() + 1

    def clean_number(self):
        number = self.cleaned_data["number"]
        if self.instance.convention.amendments.filter(number=number).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("Un avenant porte déjà ce numéro."))
        return number


class CommitmentForm(forms.ModelForm):
    class Meta:
        model = Commitment
        fields = ["kind", "planned_per_year", "per_site", "description"]

    def __init__(self, *args, convention, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.convention = convention

    def clean_kind(self):
        kind = self.cleaned_data["kind"]
        if self.instance.convention.commitments.filter(kind=kind).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("Cet engagement figure déjà dans la convention."))
        return kind


class PartnerEventForm(SubmissionForm, forms.ModelForm):
    class Meta:
        model = PartnerEvent
        fields = [
            "kind",
            "date",
            "site",
            "title",
            "agency_attendees",
            "partner_attendees",
            "situations_reviewed",
            "climate_diagnosis",
            "immersion_direction",
            "days",
            "note",
        ]
        widgets = {
            "date": DateInput(),
            "climate_diagnosis": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, convention, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.convention = convention
        sites = convention.sites.all()
        self.fields["site"].queryset = sites if sites.exists() else Site.objects.filter(is_active=True)
        if not self.is_bound:
            self.initial.setdefault("date", timezone.localdate())

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == EventKind.IMMERSION:
            if not data.get("immersion_direction"):
                self.add_error("immersion_direction", _("Précisez qui est accueilli chez qui."))
            if not data.get("days"):
                self.add_error("days", _("Indiquez le nombre de jours d'immersion."))
        elif data.get("immersion_direction"):
            data["immersion_direction"] = ""
        if kind == EventKind.MEETING and not data.get("site"):
            self.add_error("site", _("Une rencontre se tient sur un site commun."))
        return data


# --- Referrals ----------------------------------------------------------------------------------------------


class ReferralForm(SubmissionForm):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    mode = forms.ChoiceField(label=_("Modalité"), choices=ReferralMode.choices, widget=forms.RadioSelect)
    organisation = forms.ModelChoiceField(label=_("Partenaire"), queryset=PartnerOrganisation.objects.none())
    counsellor = forms.ModelChoiceField(label=_("Conseiller"), queryset=PartnerContact.objects.none(), required=False)
    territory = forms.ModelChoiceField(label=_("Secteur"), queryset=Territory.objects.none())
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none(), required=False)
    person = PersonChoiceField(
        label=_("Personne"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("Obligatoire pour une mise en relation téléphonique ou physique ; jamais gardée en simple."),
    )
    new_alias = forms.CharField(
        label=_("Ou nouvelle personne : prénom ou pseudonyme"),
        max_length=80,
        required=False,
        help_text=_("Si la personne n'est pas encore suivie : elle sera créée avec la mise en relation."),
    )
    new_birth_year = forms.IntegerField(label=_("Année de naissance"), required=False, min_value=1900)
    new_gender = forms.ChoiceField(label=_("Genre"), choices=Gender.choices, initial=Gender.UNKNOWN, required=False)
    beneficiary_gender = forms.ChoiceField(
        label=_("Bénéficiaire"), choices=Gender.choices, initial=Gender.UNKNOWN, required=False
    )
    reason = forms.CharField(
        label=_("Motif"),
        max_length=300,
        required=False,
        help_text=_("Le strict nécessaire, par exemple « recherche de formation »."),
    )
    follow_up_on = forms.DateField(label=_("À vérifier le"), widget=DateInput(), required=False)
    oral_consent_now = forms.BooleanField(
        label=_("La personne donne maintenant son accord pour que ses coordonnées et le motif soient transmis"),
        required=False,
    )
    counsellor_agreed = forms.BooleanField(
        label=_("Le conseiller a donné son accord (mise en relation physique)"), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = PartnerOrganisation.objects.filter(is_active=True)
        self.fields["counsellor"].queryset = PartnerContact.objects.select_related("organisation")
        territories = Territory.objects.loggable_by(user)
        self.fields["territory"].queryset = territories
        self.fields["site"].queryset = Site.objects.filter(territory__in=territories, is_active=True).select_related(
            "territory"
        )
        self.fields["person"].queryset = Person.objects.select_related("territory").workable_by(user)
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("date", today)
            self.initial.setdefault("mode", ReferralMode.SIMPLE)
            if len(territories) == 1:
                self.initial.setdefault("territory", territories[0].pk)

    def clean(self):
        data = super().clean()
        counsellor, organisation = data.get("counsellor"), data.get("organisation")
        if counsellor and organisation and counsellor.organisation_id != organisation.pk:
            self.add_error("counsellor", _("Ce conseiller ne travaille pas chez ce partenaire."))
        if data.get("date") and data["date"] > timezone.localdate():
            self.add_error("date", _("Une mise en relation ne peut pas être datée dans le futur."))
        if data.get("person") and data.get("new_alias"):
            self.add_error("new_alias", _("Choisissez une personne suivie ou créez-en une nouvelle, pas les deux."))
        return data

    def new_person(self):
        """The person to create with the referral, when the mediator typed one instead of choosing."""
        data = self.cleaned_data
        if data.get("person") or not data.get("new_alias"):
            return None
        return NewPerson(
            alias=data["new_alias"], birth_year=data.get("new_birth_year"), gender=data.get("new_gender") or ""
        )


class IncomingReferralForm(SubmissionForm):
    """A counsellor refers a young person to the mediators (direction partner → agency)."""

    date = forms.DateField(label=_("Date"), widget=DateInput())
    mode = forms.ChoiceField(label=_("Modalité"), choices=ReferralMode.choices, widget=forms.RadioSelect)
    territory = forms.ModelChoiceField(
        label=_("Secteur où vit le jeune"), queryset=Territory.objects.filter(teams__isnull=False).distinct()
    )
    alias = forms.CharField(label=_("Prénom ou pseudonyme"), max_length=80, required=False)
    birth_year = forms.IntegerField(label=_("Année de naissance"), required=False, min_value=1900)
    gender = forms.ChoiceField(label=_("Genre"), choices=Gender.choices, initial=Gender.UNKNOWN)
    reason = forms.CharField(label=_("Motif"), max_length=300, required=False)
    person_agreed = forms.BooleanField(
        label=_("Le jeune est d'accord pour être contacté par les médiateurs"), required=False
    )
    phone = forms.CharField(
        label=_("Son téléphone (s'il est d'accord pour être appelé)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text=_("Transmis à l'équipe de médiation seulement avec l'accord du jeune."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("date", timezone.localdate())
            self.initial.setdefault("mode", ReferralMode.TELEPHONE)

    def clean(self):
        data = super().clean()
        if data.get("mode") and data["mode"] != ReferralMode.SIMPLE and not data.get("alias"):
            self.add_error("alias", _("Indiquez au moins un prénom ou un pseudonyme pour que l'équipe le retrouve."))
        year = data.get("birth_year")
        if year and year > timezone.localdate().year:
            self.add_error("birth_year", _("Année de naissance dans le futur."))
        return data


class ReferralStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Nouveau statut"), choices=(), widget=forms.RadioSelect)
    refusal_reason = forms.ChoiceField(
        label=_("Motif du refus"),
        choices=[("", "—"), *RefusalReason.choices],
        required=False,
        help_text=_("Obligatoire si sans suite : il est envoyé à qui a fait la mise en relation."),
    )
    reason = forms.CharField(
        label=_("Précisions"),
        max_length=300,
        required=False,
        help_text=_(
            "Obligatoire si abandonnée, ou si le motif est « Autre ». Restent dans l'application, "
            "jamais dans un e-mail."
        ),
    )

    def __init__(self, *args, allowed, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(ReferralStatus.choices)
        self.fields["status"].choices = [(status, labels[status]) for status in allowed]


# --- Consent and shares -------------------------------------------------------------------------------------


class ConsentRecordForm(SubmissionForm):
    person = PersonChoiceField(label=_("Personne"), queryset=Person.objects.none())
    recipient_organisation = forms.ModelChoiceField(
        label=_("Destinataire"),
        queryset=PartnerOrganisation.objects.filter(is_active=True),
        required=False,
        help_text=_("Le partenaire à qui la personne accepte que l'on transmette ces informations."),
    )
    purpose = forms.ChoiceField(label=_("Finalité"), choices=[("", "—"), *SharingPurpose.choices], required=False)
    categories = CategoriesField(label=_("Informations concernées"))
    form = forms.ChoiceField(
        label=_("Forme de l'accord"), choices=ConsentForm.choices, widget=forms.RadioSelect, initial=ConsentForm.ORAL
    )
    given_on = forms.DateField(label=_("Accord donné le"), widget=DateInput())
    expires_on = forms.DateField(
        label=_("Valable jusqu'au"),
        widget=DateInput(),
        required=False,
        help_text=_("Conseillé : au plus un an. La personne peut le retirer à tout moment."),
    )
    note = forms.CharField(label=_("Précision"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.select_related("territory").workable_by(user)
        if not self.is_bound:
            self.initial.setdefault("given_on", timezone.localdate())

    def clean(self):
        data = super().clean()
        if not data.get("recipient_organisation") and not data.get("purpose"):
            self.add_error("recipient_organisation", _("Indiquez le destinataire ou la finalité du consentement."))
        return data


class WithdrawConsentForm(SubmissionForm):
    note = forms.CharField(label=_("Précision (facultatif)"), max_length=300, required=False)


class ShareForm(SubmissionForm):
    person = PersonChoiceField(label=_("Personne"), queryset=Person.objects.none())
    to_organisation = forms.ModelChoiceField(
        label=_("Partenaire destinataire"), queryset=PartnerOrganisation.objects.filter(is_active=True)
    )
    recipient_name = forms.CharField(label=_("Professionnel destinataire"), max_length=150, required=False)
    purpose = forms.ChoiceField(label=_("Finalité"), choices=SharingPurpose.choices)
    categories = CategoriesField(label=_("Informations transmises (le strict nécessaire)"))
    legal_basis = forms.ChoiceField(
        label=_("Base légale"),
        choices=LegalBasis.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Chaque base légale ne permet que certains destinataires, informations et finalités : voir le tableau "
            "sous le formulaire. Ce qu'elle ne couvre pas est refusé."
        ),
    )
    justification = forms.CharField(
        label=_("Pourquoi ce partage est nécessaire"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    coordinator_name = forms.CharField(
        label=_("Coordonnateur désigné par le maire (L121-6-2)"), max_length=150, required=False
    )
    parents_informed = forms.TypedChoiceField(
        label=_("Parents informés au préalable (L226-2-2)"),
        choices=[("", "—"), ("yes", _("Oui")), ("no", _("Non"))],
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
        required=False,
    )
    parents_not_informed_reason = forms.CharField(
        label=_("Sinon, pourquoi les informer serait contraire à l'intérêt de l'enfant"),
        max_length=300,
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.select_related("territory").workable_by(user)


# --- Shared situations --------------------------------------------------------------------------------------


class SituationForm(SubmissionForm):
    person = PersonChoiceField(label=_("Personne"), queryset=Person.objects.none())
    organisation = forms.ModelChoiceField(
        label=_("Partenaire"),
        queryset=PartnerOrganisation.objects.none(),
        help_text=_("La personne doit avoir donné son accord pour ce partenaire (consentement en cours de validité)."),
    )
    partner_referent = forms.ModelChoiceField(
        label=_("Référent du partenaire"), queryset=PartnerContact.objects.none(), required=False
    )
    categories = CategoriesField(
        label=_("Informations partagées (le strict nécessaire)"), initial=[InformationCategory.IDENTITY]
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.select_related("territory").workable_by(user)
        self.fields["organisation"].queryset = PartnerOrganisation.objects.filter(is_active=True)
        self.fields["partner_referent"].queryset = PartnerContact.objects.select_related("organisation")

    def clean(self):
        data = super().clean()
        referent, organisation = data.get("partner_referent"), data.get("organisation")
        if referent and organisation and referent.organisation_id != organisation.pk:
            self.add_error("partner_referent", _("Ce référent n'appartient pas au partenaire choisi."))
        return data


class OutcomeForm(SubmissionForm):
    kind = forms.ChoiceField(label=_("Résultat"), choices=OutcomeKind.choices)
    dated_on = forms.DateField(label=_("À la date du"), widget=DateInput())
    note = forms.CharField(
        label=_("Précision (facultatif)"),
        max_length=500,
        required=False,
        help_text=_("Le strict nécessaire : pas de détail de la vie privée."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("dated_on", timezone.localdate())


class MeetingForm(SubmissionForm):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    attendees = forms.CharField(label=_("Présents"), max_length=300, help_text=_("Noms et structures."))
    decisions = forms.CharField(label=_("Décisions"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for index in range(1, STEP_ROWS + 1):
            self.fields[f"step_{index}_action"] = forms.CharField(
                label=_("Prochaine étape %(n)s") % {"n": index}, max_length=300, required=False
            )
            self.fields[f"step_{index}_responsible"] = forms.CharField(
                label=_("Qui s'en charge"), max_length=150, required=False
            )
            self.fields[f"step_{index}_due_on"] = forms.DateField(
                label=_("Pour le"), widget=DateInput(), required=False
            )
        if not self.is_bound:
            self.initial.setdefault("date", timezone.localdate())

    def clean(self):
        data = super().clean()
        for index in range(1, STEP_ROWS + 1):
            action, responsible = data.get(f"step_{index}_action"), data.get(f"step_{index}_responsible")
            if action and not responsible:
                self.add_error(f"step_{index}_responsible", _("Indiquez qui s'en charge."))
            elif (responsible or data.get(f"step_{index}_due_on")) and not action:
                self.add_error(f"step_{index}_action", _("Indiquez ce qu'il faut faire."))
        return data

    def next_steps(self) -> list:
        data = self.cleaned_data
        return [
            (data[f"step_{i}_action"], data[f"step_{i}_responsible"], data.get(f"step_{i}_due_on"))
            for i in range(1, STEP_ROWS + 1)
            if data.get(f"step_{i}_action")
        ]

    def step_rows(self) -> list:
        return [
            (self[f"step_{i}_action"], self[f"step_{i}_responsible"], self[f"step_{i}_due_on"])
            for i in range(1, STEP_ROWS + 1)
        ]


STEP_ROWS = 3
