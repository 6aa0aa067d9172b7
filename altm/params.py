"""Reading dates and weeks from query parameters, once for every view.

A value that is not a real day (2026-02-30), a day no report can be about (0001-01-01, 9999-12-31, which the
previous/next links would push past Python's calendar), a week that does not exist (9999-W52 ends in year
10000), a NUL byte: each is refused here, and the view answers with a French message, never a 500.
"""

from datetime import date, timedelta

from django.contrib import messages
from django.utils import timezone
from django.utils.translation import gettext as _

# Far enough for any archive, near enough that a week or a month around it is still a date.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2199, 12, 31)


def parse_day(value: str | None) -> date | None:
    """`YYYY-MM-DD` within EARLIEST_DAY..LATEST_DAY; None for anything else."""
    text = (value or "").strip()
    if len(text) != 10:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if EARLIEST_DAY <= day <= LATEST_DAY else None


def parse_week(value: str | None) -> tuple[date, date] | None:
    """`YYYY-Www` (ISO week) within the same bounds: (Monday, Sunday); None for anything else."""
    text = (value or "").strip().upper()
    year, separator, week = text.partition("-W")
    if not (separator and year.isdigit() and week.isdigit() and year.isascii() and week.isascii()):
        return None
    if len(year) != 4 or len(week) > 2:
        return None
    try:
        monday = date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        return None
    if not EARLIEST_DAY <= monday <= LATEST_DAY - timedelta(days=6):
        return None
    return monday, monday + timedelta(days=6)


def day_param(request, name: str = "date", *, default: date | None = None) -> date:
    """The day in `?<name>=`, or `default` (today) with a French message when the value cannot be read."""
    fallback = default or timezone.localdate()
    value = request.GET.get(name)
    if not value:
        return fallback
    day = parse_day(value)
    if day is None:
        messages.error(request, _("Date illisible : %(day)s affiché à la place.") % {"day": f"{fallback:%d/%m/%Y}"})
        return fallback
    return day


def choice_param(request, name: str, choices) -> str:
    """The value of `?<name>=` when it is one of `choices` (values, or (value, label) pairs); "" otherwise."""
    value = request.GET.get(name, "")
    allowed = {choice[0] if isinstance(choice, tuple | list) else choice for choice in choices}
    return value if value in allowed else ""
