"""Convention dates and status, at every boundary, leap years included (pure functions, no database)."""

from datetime import date

import pytest

from partners.dates import Status, Terms, add_months, current_term, in_alert_window, next_review_on, notice_deadline
from partners.dates import status as status_on

SIGNED = date(2024, 3, 15)


@pytest.mark.parametrize(
    "day, months, expected",
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2024, 12, 15), 1, date(2025, 1, 15)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 1, 15), -2, date(2024, 11, 15)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    "today, expected",
    [
        (date(2024, 3, 14), Status.DRAFT),
        (date(2024, 3, 15), Status.ACTIVE),
        (date(2025, 3, 14), Status.ACTIVE),
        (date(2025, 3, 15), Status.RENEWED),
        (date(2030, 6, 1), Status.RENEWED),
    ],
)
def test_tacitly_renewed_convention_status(today, expected):
    assert status_on(Terms(signed_on=SIGNED), today) == expected


def test_unsigned_convention_is_a_draft():
    assert status_on(Terms(signed_on=None), date(2025, 1, 1)) == Status.DRAFT
    assert current_term(Terms(signed_on=None), date(2025, 1, 1)) is None


@pytest.mark.parametrize(
    "today, term, deadline",
    [
        (date(2024, 3, 15), date(2025, 3, 15), date(2025, 1, 15)),
        (date(2025, 3, 14), date(2025, 3, 15), date(2025, 1, 15)),
        (date(2025, 3, 15), date(2026, 3, 15), date(2026, 1, 15)),
    ],
)
def test_term_and_notice_deadline_at_least_two_months_before(today, term, deadline):
    terms = Terms(signed_on=SIGNED)
    assert current_term(terms, today)[1] == term
    assert notice_deadline(terms, today) == deadline


def test_without_tacit_renewal_the_convention_expires_at_its_term():
    terms = Terms(signed_on=SIGNED, tacit_renewal=False)
    assert status_on(terms, date(2025, 3, 14)) == Status.ACTIVE
    assert status_on(terms, date(2025, 3, 15)) == Status.EXPIRED
    assert notice_deadline(terms, date(2025, 1, 1)) is None
    assert current_term(terms, date(2026, 1, 1)) == (SIGNED, date(2025, 3, 15))


def test_notice_given_on_the_deadline_ends_the_convention_at_the_term():
    terms = Terms(signed_on=SIGNED, non_renewal_notified_on=date(2025, 1, 15))
    assert status_on(terms, date(2025, 3, 14)) == Status.ACTIVE
    assert status_on(terms, date(2025, 3, 15)) == Status.EXPIRED
    assert terms.ends_on() == date(2025, 3, 15)
    assert notice_deadline(terms, date(2025, 2, 1)) is None  # nothing left to decide


def test_notice_given_one_day_late_takes_effect_at_the_following_term():
    terms = Terms(signed_on=SIGNED, non_renewal_notified_on=date(2025, 1, 16))
    assert status_on(terms, date(2025, 3, 15)) == Status.RENEWED
    assert status_on(terms, date(2026, 3, 14)) == Status.RENEWED
    assert status_on(terms, date(2026, 3, 15)) == Status.EXPIRED


def test_termination_thirty_days_after_the_formal_notice():
    terms = Terms(signed_on=SIGNED, formal_notice_on=date(2025, 6, 1))
    assert terms.termination_effective_on() == date(2025, 7, 1)
    assert status_on(terms, date(2025, 6, 30)) == Status.RENEWED
    assert status_on(terms, date(2025, 7, 1)) == Status.TERMINATED
    assert current_term(terms, date(2025, 8, 1)) == (date(2025, 3, 15), date(2026, 3, 15))


def test_formal_notice_after_the_last_term_leaves_the_convention_expired():
    terms = Terms(signed_on=SIGNED, tacit_renewal=False, formal_notice_on=date(2025, 3, 1))
    assert status_on(terms, date(2025, 3, 20)) == Status.EXPIRED


@pytest.mark.parametrize(
    "today, expected_status, term",
    [
        (date(2025, 2, 27), Status.ACTIVE, date(2025, 2, 28)),
        (date(2025, 2, 28), Status.RENEWED, date(2026, 2, 28)),
        (date(2027, 3, 1), Status.RENEWED, date(2028, 2, 29)),
        (date(2028, 2, 28), Status.RENEWED, date(2028, 2, 29)),
        (date(2028, 2, 29), Status.RENEWED, date(2029, 2, 28)),
    ],
)
def test_signed_on_29_february(today, expected_status, term):
    terms = Terms(signed_on=date(2024, 2, 29))
    assert status_on(terms, today) == expected_status
    assert current_term(terms, today)[1] == term


def test_29_february_notice_deadline_and_review():
    terms = Terms(signed_on=date(2024, 2, 29))
    assert notice_deadline(terms, date(2028, 1, 1)) == date(2027, 12, 29)
    assert next_review_on(terms, None, date(2024, 6, 1)) == date(2025, 2, 28)


def test_next_review_follows_the_last_review():
    terms = Terms(signed_on=SIGNED)
    assert next_review_on(terms, None, date(2024, 6, 1)) == date(2025, 3, 15)
    assert next_review_on(terms, date(2025, 3, 1), date(2025, 6, 1)) == date(2026, 3, 1)
    assert next_review_on(Terms(signed_on=SIGNED, tacit_renewal=False), None, date(2026, 1, 1)) is None


@pytest.mark.parametrize(
    "today, expected",
    [(date(2024, 11, 15), False), (date(2024, 11, 16), True), (date(2025, 1, 15), True), (date(2025, 1, 16), False)],
)
def test_alert_window_opens_60_days_before_the_deadline(today, expected):
    assert in_alert_window(date(2025, 1, 15), today) is expected


def test_six_month_convention_periods():
    terms = Terms(signed_on=date(2025, 8, 31), duration_months=6)
    assert current_term(terms, date(2026, 2, 27)) == (date(2025, 8, 31), date(2026, 2, 28))
    assert current_term(terms, date(2026, 2, 28)) == (date(2026, 2, 28), date(2026, 8, 31))
