"""Comparison periods, like with like, at the boundaries: the 1st of a month, the 2nd, 29 February, 31 December."""

from datetime import date

import pytest

from reporting import periods


def spans(comparison):
    return [(span.start, span.end) for span in (comparison.current, comparison.previous, comparison.last_year)]


def test_on_the_2nd_the_month_so_far_is_compared_with_the_same_two_days():
    comparison = periods.compare("month", date(2026, 12, 2), today=date(2026, 12, 2))
    assert spans(comparison) == [
        (date(2026, 12, 1), date(2026, 12, 2)),
        (date(2026, 11, 1), date(2026, 11, 2)),
        (date(2025, 12, 1), date(2025, 12, 2)),
    ]
    assert comparison.current.partial
    assert comparison.current.label == "décembre 2026 au 02/12/2026"
    assert comparison.statement == (
        "décembre 2026 au 02/12/2026 (du 01/12/2026 au 02/12/2026) comparée à novembre 2026 "
        "(du 01/11/2026 au 02/11/2026) et à décembre 2025 (du 01/12/2025 au 02/12/2025)"
    )


def test_on_the_1st_one_day_against_one_day():
    comparison = periods.compare("month", date(2026, 3, 1), today=date(2026, 3, 1))
    assert spans(comparison) == [
        (date(2026, 3, 1), date(2026, 3, 1)),
        (date(2026, 2, 1), date(2026, 2, 1)),
        (date(2025, 3, 1), date(2025, 3, 1)),
    ]


def test_the_30th_of_march_is_compared_with_the_whole_of_february():
    comparison = periods.compare("month", date(2026, 3, 30), today=date(2026, 3, 30))
    assert comparison.previous.end == date(2026, 2, 28)  # clipped, February has no 30th
    assert comparison.last_year.end == date(2025, 3, 30)


def test_on_29_february_the_month_is_over_and_last_february_had_28_days():
    comparison = periods.compare("month", date(2028, 2, 29), today=date(2028, 2, 29))
    assert not comparison.current.partial
    assert spans(comparison) == [
        (date(2028, 2, 1), date(2028, 2, 29)),
        (date(2028, 1, 1), date(2028, 1, 31)),
        (date(2027, 2, 1), date(2027, 2, 28)),
    ]
    # Year to date on 29 February: against 1 January – 28 February of last year.
    to_date = periods.year_to_date(date(2028, 2, 29))
    assert [(s.start, s.end) for s in (to_date.current, to_date.previous)] == [
        (date(2028, 1, 1), date(2028, 2, 29)),
        (date(2027, 1, 1), date(2027, 2, 28)),
    ]
    assert to_date.current.label == "2028 au 29/02/2028"


def test_on_28_february_of_a_leap_year_the_month_is_partial():
    comparison = periods.compare("month", date(2028, 2, 28), today=date(2028, 2, 28))
    assert comparison.current.partial
    assert comparison.previous.end == date(2028, 1, 28)
    assert comparison.last_year.end == date(2027, 2, 28)


def test_on_31_december_the_month_and_the_year_are_complete():
    comparison = periods.compare("month", date(2026, 12, 31), today=date(2026, 12, 31))
    assert not comparison.current.partial and comparison.current.label == "décembre 2026"
    assert spans(comparison) == [
        (date(2026, 12, 1), date(2026, 12, 31)),
        (date(2026, 11, 1), date(2026, 11, 30)),
        (date(2025, 12, 1), date(2025, 12, 31)),
    ]
    to_date = periods.year_to_date(date(2026, 12, 31))
    assert not to_date.current.partial
    assert (to_date.previous.start, to_date.previous.end) == (date(2025, 1, 1), date(2025, 12, 31))


def test_a_past_month_is_compared_whole_even_when_the_previous_one_is_longer():
    comparison = periods.compare("month", date(2026, 3, 10), today=date(2026, 12, 2))
    assert spans(comparison)[:2] == [(date(2026, 3, 1), date(2026, 3, 31)), (date(2026, 2, 1), date(2026, 2, 28))]
    assert not comparison.current.partial


def test_the_current_week_against_the_same_weekdays():
    # Wednesday 2 December 2026: Monday 30 November to Wednesday.
    comparison = periods.compare("week", date(2026, 12, 2), today=date(2026, 12, 2))
    assert spans(comparison) == [
        (date(2026, 11, 30), date(2026, 12, 2)),
        (date(2026, 11, 23), date(2026, 11, 25)),
        (date(2025, 12, 1), date(2025, 12, 3)),
    ]
    assert comparison.last_year.start.weekday() == 0
    assert comparison.current.label == "semaine 49 de 2026 au 02/12/2026"


def test_a_week_across_new_year():
    comparison = periods.compare("week", date(2026, 12, 31), today=date(2027, 3, 1))
    assert (comparison.current.start, comparison.current.end) == (date(2026, 12, 28), date(2027, 1, 3))
    assert not comparison.current.partial


@pytest.mark.parametrize(
    ("today", "partial", "end"),
    [
        (date(2026, 1, 1), True, date(2026, 1, 1)),
        (date(2026, 12, 2), True, date(2026, 12, 2)),
        (date(2026, 12, 31), False, date(2026, 12, 31)),
        (date(2027, 1, 1), False, date(2026, 12, 31)),
    ],
)
def test_year_status(today, partial, end):
    span = periods.year_status(2026, today=today)
    assert (span.partial, span.end) == (partial, end)
