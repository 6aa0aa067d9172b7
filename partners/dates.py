"""Convention dates and status: pure functions of the convention's terms and a day, no database.

The Mission Locale convention (seed 000) reads: one year from the signature date, tacit renewal unless one party
gives notice at least two months before the term, unilateral termination thirty days after a formal notice
("mise en demeure"), an annual review. Every period is computed from the signature date (never chained from the
previous term), so a convention signed on 29 February ends its periods on 28 February and on 29 February again in
leap years.

Vocabulary used here:
- period k (k = 0, 1, 2…) runs from ``anniversary(k)`` included to ``anniversary(k + 1)`` excluded;
- the term ("terme") of a period is ``anniversary(k + 1)``: the day the convention ends or renews;
- the notice deadline is the last day notice may be given for the convention to end at that term.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

ALERT_DAYS = 60


class Status:
    DRAFT = "draft"
    ACTIVE = "active"
    RENEWED = "renewed"
    TERMINATED = "terminated"
    EXPIRED = "expired"


def add_months(day: date, months: int) -> date:
    """`day` moved by `months`, clamped to the end of the month (31 Jan + 1 month = 28/29 Feb)."""
    return day + relativedelta(months=months)


@dataclass(frozen=True)
class Terms:
    signed_on: date | None
    duration_months: int = 12
    tacit_renewal: bool = True
    notice_months: int = 2
    termination_days: int = 30
    non_renewal_notified_on: date | None = None  # "dénonciation": the convention ends at a term
    formal_notice_on: date | None = None  # "mise en demeure": ends termination_days later

    def anniversary(self, k: int) -> date:
        return add_months(self.signed_on, k * self.duration_months)

    def period_index(self, today: date) -> int:
        """Index of the period containing `today` (0 before or on the first period)."""
        if self.signed_on is None or today < self.signed_on:
            return 0
        elapsed = relativedelta(today, self.signed_on)
        k = (elapsed.years * 12 + elapsed.months) // self.duration_months  # whole periods elapsed, at least
        while self.anniversary(k + 1) <= today:
            k += 1
        return k

    def notice_deadline_for(self, term: date) -> date:
        return add_months(term, -self.notice_months)

    def termination_effective_on(self) -> date | None:
        if self.formal_notice_on is None:
            return None
        return self.formal_notice_on + timedelta(days=self.termination_days)

    def last_term(self) -> date | None:
        """The term at which the convention stops by its own rules (no tacit renewal, or notice given)."""
        if self.signed_on is None:
            return None
        if not self.tacit_renewal:
            return self.anniversary(1)
        if self.non_renewal_notified_on is not None:
            k = max(self.period_index(self.non_renewal_notified_on), 0)
            term = self.anniversary(k + 1)
            if self.non_renewal_notified_on > self.notice_deadline_for(term):
                term = self.anniversary(k + 2)  # notice given too late: it takes effect at the following term
            return term
        return None

    def ends_on(self) -> date | None:
        """First day the convention is no longer in force, if known."""
        candidates = [d for d in (self.last_term(), self.termination_effective_on()) if d is not None]
        return min(candidates) if candidates else None


def status(terms: Terms, today: date) -> str:
    if terms.signed_on is None or today < terms.signed_on:
        return Status.DRAFT
    effective = terms.termination_effective_on()
    last_term = terms.last_term()
    if effective is not None and today >= effective and (last_term is None or effective <= last_term):
        return Status.TERMINATED
    if last_term is not None and today >= last_term:
        return Status.EXPIRED
    return Status.ACTIVE if terms.period_index(today) == 0 else Status.RENEWED


def current_term(terms: Terms, today: date) -> tuple[date, date] | None:
    """(start, term) of the period in force on `today`; the last period once ended; None for a draft."""
    if terms.signed_on is None:
        return None
    k = terms.period_index(today)
    ends = terms.ends_on()
    if ends is not None and today >= ends:
        k = terms.period_index(ends - timedelta(days=1))
    return terms.anniversary(k), terms.anniversary(k + 1)


def notice_deadline(terms: Terms, today: date) -> date | None:
    """Last day to give notice so the convention does not renew at its current term; None if nothing to decide."""
    if status(terms, today) not in (Status.ACTIVE, Status.RENEWED):
        return None
    if not terms.tacit_renewal or terms.non_renewal_notified_on is not None or terms.formal_notice_on is not None:
        return None
    _start, term = current_term(terms, today)
    return terms.notice_deadline_for(term)


def next_review_on(terms: Terms, last_review_on: date | None, today: date) -> date | None:
    """The annual review ("bilan annuel") is due one year after the previous one, or after the signature."""
    if status(terms, today) not in (Status.ACTIVE, Status.RENEWED) or terms.signed_on is None:
        return None
    return add_months(last_review_on or terms.signed_on, 12)


def in_alert_window(deadline: date | None, today: date, days: int = ALERT_DAYS) -> bool:
    """True from `days` days before `deadline` up to the deadline itself."""
    return deadline is not None and deadline - timedelta(days=days) <= today <= deadline


def convention_year(terms: Terms, year: int) -> tuple[date, date] | None:
    """The convention year that begins in calendar `year`: (first day, last day), anniversary to anniversary.

    None for a draft, or when no period of the convention begins in `year` (before the signature). A convention
    signed for more than a year has one "year" per period that begins in `year` (the first of them).
    """
    if terms.signed_on is None or year < terms.signed_on.year:
        return None
    k = 0 if year == terms.signed_on.year else terms.period_index(date(year, 1, 1))
    while terms.anniversary(k).year < year:
        k += 1
    start = terms.anniversary(k)
    if start.year != year:
        return None
    return start, terms.anniversary(k + 1) - timedelta(days=1)
