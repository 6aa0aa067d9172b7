"""Technical watch: reports to landlords (each counted as one line), their transitions and the actions on them."""

import uuid as uuid_module
from datetime import date as date_type

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from altm.audit import log_change, snapshot
from altm.idempotency import already_submitted, model_errors, save_once
from altm.models import AuditAction
from altm.photos import clean_photo
from mediation.models import (
    Intervention,
    InterventionSource,
    Landlord,
    Site,
    Team,
    TechnicalReport,
    TechnicalReportPhoto,
    TechnicalReportStatus,
    Territory,
)
from mediation.services.common import check_day, derived_uuid
from mediation.services.interventions import check_site_in_territory, record_line_for, team_for
from mediation.services.landlord import send_danger_report


@transaction.atomic
def record_technical_report(
    *,
    actor,
    territory: Territory,
    place: str,
    problem: str,
    reported_on: date_type,
    uuid: uuid_module.UUID | str | None = None,
    site: Site | None = None,
    landlord: Landlord | None = None,
    team: Team | None = None,
    equipment: str = "",
    is_danger: bool = False,
    photo=None,
) -> tuple[TechnicalReport, bool]:
    """Record a technical-watch report and its `tw_transmission` line, once. The landlord defaults to the site's.

    `photo` (an upload) is re-encoded without any metadata (altm/photos.py) and kept outside the public files.
    """
    if (existing := already_submitted(TechnicalReport, uuid)) is not None:
        return existing, False
    report = TechnicalReport(
        uuid=uuid or uuid_module.uuid4(),
        landlord=landlord or (site.landlord if site is not None else None),
        territory=territory,
        site=site,
        team=team or team_for(actor, territory),
        place=place,
        equipment=equipment,
        problem=problem,
        is_danger=is_danger,
        reported_on=reported_on,
        status=TechnicalReportStatus.OPEN,
        created_by=actor,
    )
    errors = model_errors(report, exclude=["uuid", "intervention"], validate_unique=False)
    if "landlord" in errors:
        errors["landlord"] = [_("Choisissez le bailleur destinataire du signalement.")]
    check_site_in_territory(errors, site, territory)
    check_day(errors, "reported_on", reported_on, not_before=None, label="")
    cleaned_photo = None
    if photo is not None:
        try:
            cleaned_photo = clean_photo(photo)
        except ValidationError as exc:
            errors["photo"] = exc.messages
    if errors:
        raise ValidationError(errors)
    report, created = save_once(report)
    if not created:
        return report, False  # a retry racing the first submission: the first one won
    line, _created = record_line_for(
        report,
        actor=actor,
        uuid=derived_uuid(report.uuid, "tw_transmission"),
        date=reported_on,
        code="tw_transmission",
        source=InterventionSource.TECHNICAL,
        landlord=report.landlord,
    )
    report.intervention = line
    report.save(update_fields=["intervention"])
    log_change(actor=actor, instance=report, action=AuditAction.CREATE)
    if cleaned_photo is not None:
        add_technical_photo(actor=actor, report=report, image=cleaned_photo)
    if report.is_danger:
        # A danger goes to the landlord at once: queued here, sent once this transaction commits (never on rollback).
        send_danger_report(report_pk=report.pk)
    return report, True


def add_technical_photo(*, actor, report: TechnicalReport, image) -> TechnicalReportPhoto:
    """Store an already cleaned photo (see `clean_photo`) on a report, audited."""
    photo = TechnicalReportPhoto(
        report=report, created_by=actor, uuid=derived_uuid(report.uuid, f"photo-{report.photos.count()}")
    )
    photo.image.save(f"{report.uuid}.jpg", image, save=False)
    photo.save()
    log_change(actor=actor, instance=photo, action=AuditAction.CREATE)
    return photo


TECHNICAL_TRANSITIONS = {
    TechnicalReportStatus.OPEN: (TechnicalReportStatus.TRANSMITTED, "transmitted_on"),
    TechnicalReportStatus.TRANSMITTED: (TechnicalReportStatus.RESOLVED, "resolved_on"),
}


@transaction.atomic
def advance_technical_report(*, actor, report: TechnicalReport, status: str, on: date_type | None) -> TechnicalReport:
    """Move a report one step: open → transmitted (transmission date) → resolved (resolution date)."""
    report = TechnicalReport.objects.select_for_update().get(pk=report.pk)
    step = TECHNICAL_TRANSITIONS.get(report.status)
    if step is None or step[0] != status:
        raise ValidationError(
            {
                "status": _("Un signalement « %(current)s » ne peut pas passer à « %(target)s ».")
                % {
                    "current": TechnicalReportStatus(report.status).label,
                    "target": TechnicalReportStatus(status).label
                    if status in TechnicalReportStatus.values
                    else status,
                }
            }
        )
    errors = {}
    if on is None:
        errors["on"] = [_("Indiquez la date.")]
    previous = report.transmitted_on if status == TechnicalReportStatus.RESOLVED else report.reported_on
    label = _("la transmission") if status == TechnicalReportStatus.RESOLVED else _("le constat")
    check_day(errors, "on", on, not_before=previous, label=label)
    if errors:
        raise ValidationError(errors)
    before = snapshot(report)
    report.status = status
    setattr(report, step[1], on)
    report.save(update_fields=["status", step[1]])
    log_change(actor=actor, instance=report, action=AuditAction.UPDATE, before=before)
    return report


TECHNICAL_ACTIONS = ("tw_securing", "tw_intervention")


@transaction.atomic
def record_technical_action(
    *,
    actor,
    report: TechnicalReport,
    code: str,
    date: date_type,
    uuid: uuid_module.UUID | str | None = None,
    note: str = "",
) -> tuple[Intervention, bool]:
    """Log a securing or a technical intervention on a report, as an intervention line linked to it, once."""
    errors = {}
    if code not in TECHNICAL_ACTIONS:
        errors["code"] = [_("Action inconnue.")]
    check_day(errors, "date", date, not_before=report.reported_on, label=_("le constat"))
    if errors:
        raise ValidationError(errors)
    line, created = record_line_for(
        report,
        actor=actor,
        uuid=uuid,
        date=date,
        code=code,
        source=InterventionSource.TECHNICAL,
        landlord=report.landlord,
        note=note,
    )
    if not created and not report.actions.filter(pk=line.pk).exists():
        raise ValidationError(_("Cet identifiant de saisie appartient déjà à une autre ligne d'activité."))
    report.actions.add(line)
    return line, created
