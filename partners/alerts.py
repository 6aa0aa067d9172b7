"""Convention alerts for the director's and managers' home pages: notice deadlines, reviews, terminations."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from partners import dates, perms
from partners.models import Convention


@dataclass(frozen=True)
class ConventionAlert:
    convention: Convention
    kind: str  # "notice_deadline", "review_due", "termination"
    due_on: date
    days_left: int
    message: str
    level: str  # Bootstrap colour: "danger" within 15 days or overdue, else "warning"

    @property
    def url(self) -> str:
        return self.convention.get_absolute_url()


def alerts_for(conventions, today: date, window: int = dates.ALERT_DAYS) -> list[ConventionAlert]:
    alerts = []
    for convention in conventions:
        schedule = convention.schedule(today)
        if not schedule.in_force:
            continue
        deadline = schedule.notice_deadline
        if dates.in_alert_window(deadline, today, window):
            left = (deadline - today).days
            alerts.append(
                ConventionAlert(
                    convention=convention,
                    kind="notice_deadline",
                    due_on=deadline,
                    days_left=left,
                    message=_(
                        "%(convention)s : décider avant le %(deadline)s (J-%(left)s) — sans dénonciation, "
                        "reconduction tacite au %(term)s."
                    )
                    % {
                        "convention": convention.organisation.name,
                        "deadline": f"{deadline:%d/%m/%Y}",
                        "left": left,
                        "term": f"{schedule.term:%d/%m/%Y}",
                    },
                    level="danger" if left <= 15 else "warning",
                )
            )
        review = schedule.next_review_on
        if review is not None and today >= review - timedelta(days=window):
            left = (review - today).days
            alerts.append(
                ConventionAlert(
                    convention=convention,
                    kind="review_due",
                    due_on=review,
                    days_left=left,
                    message=(
                        _("%(convention)s : bilan annuel en retard depuis le %(date)s.")
                        if left < 0
                        else _("%(convention)s : bilan annuel à dresser avant le %(date)s.")
                    )
                    % {"convention": convention.organisation.name, "date": f"{review:%d/%m/%Y}"},
                    level="danger" if left <= 15 else "warning",
                )
            )
        effective = schedule.termination_effective_on
        if effective is not None and today < effective:
            left = (effective - today).days
            alerts.append(
                ConventionAlert(
                    convention=convention,
                    kind="termination",
                    due_on=effective,
                    days_left=left,
                    message=_("%(convention)s : résiliation effective le %(date)s (mise en demeure du %(notice)s).")
                    % {
                        "convention": convention.organisation.name,
                        "date": f"{effective:%d/%m/%Y}",
                        "notice": f"{convention.formal_notice_on:%d/%m/%Y}",
                    },
                    level="danger",
                )
            )
    return sorted(alerts, key=lambda alert: (alert.due_on, alert.convention.pk))


def convention_alerts(user, today: date) -> list[ConventionAlert]:
    """Alerts a user should see on their home page (director and managers; nobody else). One query."""
    if not perms.can_view_conventions(user):
        return []
    conventions = Convention.objects.for_user(user).filter(signed_on__isnull=False).select_related("organisation")
    return alerts_for(conventions, today)
