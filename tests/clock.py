"""A fixed day for the tests whose expectations depend on the date.

`pytestmark = frozen()` freezes the clock (time-machine) at 10:00 in Paris on `TODAY` for every test of a module:
`timezone.now()`, `timezone.localdate()` and `date.today()` all see that day, so module constants computed from
`TODAY` agree with the app's "today" whatever the real date, near midnight and in every xdist worker alike.
Not for browser tests: the clock would be frozen for the live server's thread too, under Chromium's real clock.
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

TODAY = date(2026, 11, 26)


def frozen(day: date = TODAY) -> pytest.MarkDecorator:
    """The marker that starts each test at 10:00 (Paris) on `day`; the clock then ticks on from there."""
    return pytest.mark.time_machine(datetime.combine(day, time(10), tzinfo=ZoneInfo("Europe/Paris")))
