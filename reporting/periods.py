"""Periods compared like with like: pure functions of dates, tested at every boundary (1st of a month, the 2nd,
29 February, 31 December).

A period that is not over yet (the current week, month or year) stops at today and says so ("au 02/12/2026"). It is
compared with the SAME days of the previous period and of the same period one year earlier: on 2 December,
1–2 December against 1–2 November and 1–2 December of last year, never two days against thirty.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from reporting.formatting import fr_date

KINDS = ("week", "month", "year")


@dataclass(frozen=True)
class Span:
    start: date
    end: date
    name: str  # "décembre 2026", "semaine 49", "2026"
    partial: bool = False  # the period is not over: it stops at `end` (today)

    @property
    def dates(self) -> str:
        """ "du 01/11/2026 au 02/11/2026" """
        return _("du %(start)s au %(end)s") % {"start": fr_date(self.start), "end": fr_date(self.end)}

    @property
    def label(self) -> str:
        """The name, with the day it stops at when the period is not over: "décembre 2026 au 02/12/2026"."""
        if self.partial:
            return _("%(name)s au %(end)s") % {"name": self.name, "end": fr_date(self.end)}
        return self.name

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Comparison:
    """The period shown, the one before it and the same one a year earlier, all of the same span."""

    kind: str
    current: Span
    previous: Span
    last_year: Span

    @property
    def statement(self) -> str:
        """What is compared with what, in words, for the page and the exports."""
        return _(
            "%(current)s (%(current_dates)s) comparée à %(previous)s (%(previous_dates)s) "
            "et à %(last)s (%(last_dates)s)"
        ) % {
            "current": self.current.label,
            "current_dates": self.current.dates,
            "previous": self.previous.name,
            "previous_dates": self.previous.dates,
            "last": self.last_year.name,
            "last_dates": self.last_year.dates,
        }


def month_name(day: date) -> str:
    """ "novembre 2026", in the active language (Django's month names)."""
    return f"{MONTHS[day.month]} {day.year}"


def _same_days(start: date, period_end: date, days: int | None) -> date:
    """The end of a period starting at `start` and ending at most at `period_end`: `days` days long when the period
    compared is partial (clipped to the period: 29 → 28 February), the whole period otherwise."""
    if days is None:
        return period_end
    return min(start + timedelta(days=days - 1), period_end)


def _month(start: date, days: int | None) -> Span:
    end = _same_days(start, start + relativedelta(day=31), days)
    return Span(start, end, month_name(start))


def _week(start: date, days: int | None) -> Span:
    end = _same_days(start, start + timedelta(days=6), days)
    return Span(
        start,
        end,
        _("semaine %(week)s de %(year)s") % {"week": start.isocalendar()[1], "year": start.isocalendar()[0]},
    )


def compare(kind: str, anchor: date, *, today: date) -> Comparison:
    """The week (Monday–Sunday), month or year holding `anchor`, stopped at `today` when it is not over, and the
    previous and last-year periods of the same days."""
    if kind == "week":
        start = anchor - timedelta(days=anchor.weekday())
        full_end = start + timedelta(days=6)
    elif kind == "month":
        start = anchor.replace(day=1)
        full_end = start + relativedelta(day=31)
    elif kind == "year":
        start = date(anchor.year, 1, 1)
        full_end = date(anchor.year, 12, 31)
    else:
        raise ValueError(kind)
    partial = start <= today < full_end
    end = today if partial else full_end

    if kind == "year":
        # Year to date against the same dates last year (29 February → 28 February).
        current = Span(start, end, str(start.year), partial)
        previous_end = end - relativedelta(years=1) if partial else date(start.year - 1, 12, 31)
        previous = Span(date(start.year - 1, 1, 1), previous_end, str(start.year - 1))
        return Comparison(kind, current, previous, previous)

    days = (end - start).days + 1 if partial else None
    if kind == "week":
        current = _week(start, None)
        current = Span(start, end, current.name, partial)
        previous = _week(start - timedelta(days=7), days)
        # The same ISO week a year earlier: 52 weeks back keeps the weekdays.
        last_year = _week(start - timedelta(weeks=52), days)
        return Comparison(kind, current, previous, last_year)
    current = Span(start, end, month_name(start), partial)
    previous = _month(start - relativedelta(months=1), days)
    last_year = _month(start - relativedelta(years=1), days)
    return Comparison(kind, current, previous, last_year)


def year_to_date(today: date) -> Comparison:
    """From 1 January to today, against the same dates last year."""
    return compare("year", today, today=today)


def year_status(year: int, *, today: date) -> Span:
    """A calendar year as a span: stopped at today (partial) when it is the current year."""
    start, full_end = date(year, 1, 1), date(year, 12, 31)
    partial = start <= today < full_end
    return Span(start, today if partial else full_end, str(year), partial)
