"""Login lockout (django-axes) with two limits: per username and address, and per address across usernames.

Axes counts the failures of every criterion of `AXES_LOCKOUT_PARAMETERS` against one limit. Password spraying
(a few passwords tried on many usernames from one address) needs its own, higher limit, so that a shared office
address is not locked by a handful of typos: the address's count is scaled so that it reaches the axes limit at
`ALTM_ADDRESS_FAILURE_LIMIT` failures.
"""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


class AddressAwareHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        if len(counts) != len(settings.AXES_LOCKOUT_PARAMETERS):
            return max(counts, default=0)
        failures = 0
        for parameters, count in zip(settings.AXES_LOCKOUT_PARAMETERS, counts, strict=True):
            if parameters == "ip_address":
                count = count * settings.AXES_FAILURE_LIMIT // settings.ALTM_ADDRESS_FAILURE_LIMIT
            failures = max(failures, count)
        return failures

    def reset_user_attempts(self, request, credentials=None) -> int:
        """On a successful login, forget only that username's failures from the address: a sprayer who owns one
        account must not clear the address's count by logging into it."""
        attempts_list = self.filter_user_attempts(request, credentials)
        count, _deleted = attempts_list[0].delete()
        return count
