"""Small helpers the case-work services share."""

import uuid as uuid_module
from datetime import date as date_type

from django.utils import timezone
from django.utils.translation import gettext as _

from mediation import rules


def today() -> date_type:
    return timezone.localdate()


def derived_uuid(parent: uuid_module.UUID | str, purpose: str) -> uuid_module.UUID:
    """A record's UUID derived from its parent's (the line a case records, the person a follow-up or a referral
    creates), so that record exists once whatever the retries."""
    return uuid_module.uuid5(uuid_module.UUID(str(parent)), purpose)


def check_open_year(errors: dict, field: str, day: date_type | None, *, actor) -> None:
    """A date that a frozen annual report counts must not fall in a closed year (`rules.closed_year_errors`)."""
    if messages := rules.closed_year_errors(day, closed_years=rules.closed_years(actor)):
        errors.setdefault(field, []).extend(messages)


def check_day(errors: dict, field: str, day: date_type | None, *, not_before: date_type | None, label: str) -> None:
    """A case-work date: the date rules of a line (`rules.date_errors`), and not before `not_before` (`label`)."""
    if day is None:
        return
    if messages := rules.date_errors(day, today=today()):
        errors.setdefault(field, []).extend(messages)
    elif not_before is not None and day < not_before:
        errors.setdefault(field, []).append(
            _("La date ne peut pas précéder %(label)s (%(day)s).") % {"label": label, "day": f"{not_before:%d/%m/%Y}"}
        )
