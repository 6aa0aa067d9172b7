"""Roll-ups of the intervention lines: their sums per day and per month, kept exact by the database itself.

Reports and dashboards read these instead of rescanning the lines. Triggers on `mediation_intervention` (see
`mediation.totals`) add every inserted line, subtract every deleted one and move every changed one, in the
statement that writes the line, so every path (quick entry, edit, delete, tally, import, retention, admin, a raw
SQL statement) keeps them exact without calling anything.

Both tables carry the line's dimensions under the line's field names (date, territory, site, team, author,
activity_type, mode), so a filter written for the lines (scoping, QPV, territory) applies to them unchanged.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mediation.models.activity import ActivityType
from mediation.models.interventions import QPV_LOOKUP
from mediation.models.organisation import Site, Team, Territory
from mediation.scoping import ScopedQuerySet

# The dimensions of a roll-up row, in the order of its unique index.
DIMENSIONS = ("date", "territory_id", "activity_type_id", "mode", "site_id", "team_id", "author_id")
# The agency-wide monthly roll-up (the director's reports): no team, no mediator, far fewer rows.
AGENCY_DIMENSIONS = ("date", "territory_id", "activity_type_id", "mode", "site_id")
# The sums it holds: `lines` counts the lines, the others sum the line's field of the same name (a line without a
# duration adds 0 minutes).
MEASURES = ("lines", "count", "women", "men", "unknown", "duration_minutes")


class TotalQuerySet(ScopedQuerySet):
    def in_period(self, start, end):
        return self.filter(date__gte=start, date__lte=end)

    def in_qpv(self, in_qpv: bool = True):
        return self.filter(QPV_LOOKUP) if in_qpv else self.exclude(QPV_LOOKUP)


def _dimension(model, name, **options):
    # No database constraint and no index of their own: the roll-ups are written by triggers on every line write
    # and read through their unique index (date first).
    return models.ForeignKey(
        model, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False, **options
    )


class AgencyTotal(models.Model):
    """The dimensions every roll-up has, and the sums."""

    date = models.DateField(_("date"))
    territory = _dimension(Territory, "territory")
    site = _dimension(Site, "site", null=True)
    activity_type = _dimension(ActivityType, "activity_type")
    mode = models.CharField(max_length=10, blank=True)
    lines = models.IntegerField(default=0)
    count = models.IntegerField(default=0)
    women = models.IntegerField(default=0)
    men = models.IntegerField(default=0)
    unknown = models.IntegerField(default=0)
    duration_minutes = models.IntegerField(default=0)

    objects = TotalQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.date:%d/%m/%Y} · {self.activity_type_id} × {self.count}"


class LineTotal(AgencyTotal):
    """A roll-up that also keeps who did it: the team and the mediator (dashboards, scoped readers)."""

    team = _dimension(Team, "team", null=True)
    author = _dimension(settings.AUTH_USER_MODEL, "author", null=True)

    class Meta:
        abstract = True


class DailyTotal(LineTotal):
    """The sums of the lines of one day and one combination of dimensions."""

    class Meta:
        verbose_name = _("total journalier")
        verbose_name_plural = _("totaux journaliers")


class MonthlyTotal(LineTotal):
    """The sums of the lines of one month (`date` is its first day) and one combination of dimensions."""

    class Meta:
        verbose_name = _("total mensuel")
        verbose_name_plural = _("totaux mensuels")


class AgencyMonthlyTotal(AgencyTotal):
    """The sums of the lines of one month per place, activity and mode, whoever logged them: what the agency-wide
    reports read (the evaluation, the service project), a fraction of the rows of `MonthlyTotal`."""

    class Meta:
        verbose_name = _("total mensuel de l'agence")
        verbose_name_plural = _("totaux mensuels de l'agence")
