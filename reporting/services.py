"""Writes of the reporting app: manual indicator values and targets, frozen reports, project copies. Audited."""

from __future__ import annotations

import copy
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from altm.audit import log_change, snapshot
from altm.models import AuditAction
from reporting import exports
from reporting.evaluation import build_evaluation
from reporting.models import (
    ConventionReviewNote,
    FrozenReport,
    FunderReportNote,
    IndicatorTarget,
    IndicatorValue,
    ProjectAxis,
    ProjectIndicator,
    ProjectPart,
    ProjectStake,
    ServiceProject,
)


def _upsert(model, *, actor, indicator: ProjectIndicator, year: int, value: Decimal | None, extra=None) -> bool:
    """Create, update or (value None) delete the row for (indicator, year). True when something changed."""
    existing = model.objects.filter(indicator=indicator, year=year).first()
    if value is None:
        if existing is None:
            return False
        before = snapshot(existing)
        existing_pk = existing.pk
        existing.delete()
        existing.pk = existing_pk
        log_change(actor=actor, instance=existing, action=AuditAction.DELETE, before=before)
        return True
    if existing is None:
        row = model.objects.create(indicator=indicator, year=year, value=value, updated_by=actor, **(extra or {}))
        log_change(actor=actor, instance=row, action=AuditAction.CREATE)
        return True
    if existing.value == value and all(getattr(existing, k) == v for k, v in (extra or {}).items()):
        return False
    before = snapshot(existing)
    existing.value = value
    existing.updated_by = actor
    for key, val in (extra or {}).items():
        setattr(existing, key, val)
    existing.save()
    log_change(actor=actor, instance=existing, action=AuditAction.UPDATE, before=before)
    return True


@transaction.atomic
def save_indicator_entries(
    *, actor, project: ServiceProject, year: int, entries: dict[int, dict[str, Decimal | None]]
) -> int:
    """Save the targets (all indicators) and manual values (manual indicators only) of one project year.

    `entries` maps an indicator id to {"target": …, "value": …, "note": …}; None clears. Returns the number of
    rows changed. All or nothing.
    """
    if year not in project.years:
        raise ValidationError(_("L'année %(year)s n'appartient pas au projet.") % {"year": year})
    # One save of a project's entries at a time: a double tap or concurrent copies find the rows the first one
    # wrote (same values: nothing to change) instead of inserting the same (indicator, year) twice.
    ServiceProject.objects.select_for_update().filter(pk=project.pk).first()
    items = {
        item.pk: item for item in ProjectIndicator.objects.filter(axis__stake__part__project=project, pk__in=entries)
    }
    changed = 0
    for indicator_id, entry in entries.items():
        indicator = items.get(indicator_id)
        if indicator is None:
            raise ValidationError(_("Indicateur inconnu pour ce projet."))
        if "target" in entry:
            changed += _upsert(IndicatorTarget, actor=actor, indicator=indicator, year=year, value=entry["target"])
        if "value" in entry:
            if indicator.is_computed:
                raise ValidationError(
                    _("« %(label)s » est calculé : sa valeur ne se saisit pas.") % {"label": indicator}
                )
            changed += _upsert(
                IndicatorValue,
                actor=actor,
                indicator=indicator,
                year=year,
                value=entry["value"],
                extra={"note": entry.get("note") or ""},
            )
    return changed


@transaction.atomic
def freeze_annual_report(*, actor, year: int, note: str = "") -> FrozenReport:
    """Keep the evaluation of `year` (figures and PDF) as it is now. A year is frozen once."""
    if FrozenReport.objects.select_for_update().filter(year=year).exists():
        raise ValidationError(_("Le bilan %(year)s est déjà figé.") % {"year": year})
    report = build_evaluation(year, year)
    pdf = exports.to_pdf(report, frozen_note=note, signed_by=actor)
    try:
        with transaction.atomic():
            frozen = FrozenReport.objects.create(
                year=year,
                figures={"territories": [list(t) for t in report.territories], "values": report.figures()},
                pdf=pdf,
                note=note,
                frozen_by=actor,
            )
    except IntegrityError:  # a concurrent copy of the same request froze it first (no row to lock before)
        raise ValidationError(_("Le bilan %(year)s est déjà figé.") % {"year": year}) from None
    record = copy.copy(frozen)
    record.pdf = f"PDF, {len(pdf)} octets"  # the journal keeps the figures, not the file
    log_change(actor=actor, instance=record, action=AuditAction.CREATE)
    return frozen


@transaction.atomic
def copy_project_structure(
    *, actor, source: ServiceProject, name: str, start_year: int, end_year: int
) -> ServiceProject:
    """A new service project with the parts, stakes, axes and indicators of `source` (no targets, no values)."""
    if end_year < start_year:
        raise ValidationError(_("La dernière année ne peut pas précéder la première."))
    if ServiceProject.objects.filter(start_year=start_year, end_year=end_year).exists():
        raise ValidationError(_("Un projet couvre déjà ces années."))
    project = ServiceProject.objects.create(
        name=name, start_year=start_year, end_year=end_year, description=source.description
    )
    log_change(actor=actor, instance=project, action=AuditAction.CREATE)
    for part in ProjectPart.objects.filter(project=source).prefetch_related("stakes__axes__indicators"):
        new_part = ProjectPart.objects.create(project=project, number=part.number, title=part.title)
        for stake in part.stakes.all():
            new_stake = ProjectStake.objects.create(part=new_part, number=stake.number, title=stake.title)
            for axis in stake.axes.all():
                new_axis = ProjectAxis.objects.create(stake=new_stake, number=axis.number, title=axis.title)
                ProjectIndicator.objects.bulk_create(
                    ProjectIndicator(
                        axis=new_axis,
                        order=item.order,
                        label=item.label,
                        source=item.source,
                        registry_code=item.registry_code,
                        unit=item.unit,
                    )
                    for item in axis.indicators.all()
                )
    return project


def _save_texts(model, *, actor, lookup: dict, texts: dict[str, str]):
    """Create or update the row of `model` for `lookup` with `texts`, audited. The row (unchanged texts: no write)."""
    row = model.objects.select_for_update().filter(**lookup).first()
    if row is None:
        try:
            with transaction.atomic():
                row = model.objects.create(**lookup, **texts, updated_by=actor)
        except IntegrityError:  # a double tap created it first: update that row instead
            row = model.objects.select_for_update().get(**lookup)
        else:
            log_change(actor=actor, instance=row, action=AuditAction.CREATE)
            return row
    if all(getattr(row, name) == value for name, value in texts.items()):
        return row
    before = snapshot(row)
    for name, value in texts.items():
        setattr(row, name, value)
    row.updated_by = actor
    row.save()
    log_change(actor=actor, instance=row, action=AuditAction.UPDATE, before=before)
    return row


@transaction.atomic
def save_funder_highlights(*, actor, funder, year: int, highlights: str) -> FunderReportNote:
    """The director's highlights for a funder's report of `year`."""
    return _save_texts(
        FunderReportNote, actor=actor, lookup={"funder": funder, "year": year}, texts={"highlights": highlights}
    )


@transaction.atomic
def save_review_note(*, actor, convention, period_start, comments: str, perspectives: str) -> ConventionReviewNote:
    """The director's comments and perspectives on a convention year, refused once frozen."""
    existing = ConventionReviewNote.objects.select_for_update().filter(
        convention=convention, period_start=period_start
    )
    if existing.filter(frozen_at__isnull=False).exists():
        raise ValidationError(_("Ce bilan est figé : ses commentaires ne se modifient plus."))
    return _save_texts(
        ConventionReviewNote,
        actor=actor,
        lookup={"convention": convention, "period_start": period_start},
        texts={"comments": comments, "perspectives": perspectives},
    )


@transaction.atomic
def freeze_review_note(*, actor, convention, period_start) -> ConventionReviewNote:
    """Freeze the comments of a convention year (once; a second freeze changes nothing)."""
    note = ConventionReviewNote.objects.select_for_update().filter(convention=convention, period_start=period_start)
    row = note.first()
    if row is None:
        row = _save_texts(
            ConventionReviewNote,
            actor=actor,
            lookup={"convention": convention, "period_start": period_start},
            texts={"comments": "", "perspectives": ""},
        )
    if row.is_frozen:
        return row
    before = snapshot(row)
    row.frozen_at = timezone.now()
    row.frozen_by = actor
    row.save(update_fields=["frozen_at", "frozen_by"])
    log_change(actor=actor, instance=row, action=AuditAction.UPDATE, before=before)
    return row
