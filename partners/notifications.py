"""E-mails about referrals and conventions. Called by the services (`partners.services.referrals`) and commands,
inside their transaction; `altm.mail.queue_email` sends them once it commits.

No personal data in these e-mails: who, when, which partner or team, and a link to the application.
"""

from datetime import date

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Role
from altm.mail import absolute_url, queue_email
from altm.notifications import NotificationKind
from partners.models import Convention, Referral, ReferralDirection, ReferralStatus

# Notice deadlines of conventions are announced to the direction at these numbers of days before.
CONVENTION_DEADLINE_STEPS = (60, 30, 7)


def _active(users):
    return [user for user in users if user.is_active and user.email]


def short_mode(referral: Referral) -> str:
    """ "simple", "téléphonique", "physique" (the label without its explanation in brackets)."""
    return referral.get_mode_display().split(" (")[0].lower()


def referral_receivers(referral: Referral) -> list:
    """Who hears of a new referral: the named counsellor's account, or else every counsellor account of the
    partner; for a young person referred to the agency, the covering team's mediators and managers."""
    if referral.direction == ReferralDirection.TO_AGENCY:
        team = referral.team
        return _active(sorted({*team.mediators.all(), *team.managers.all()}, key=lambda user: user.pk))
    if referral.counsellor is not None and referral.counsellor.user is not None:
        return _active([referral.counsellor.user])
    User = get_user_model()
    return _active(
        User.objects.filter(role=Role.COUNSELLOR, partner_contact__organisation=referral.organisation_id).order_by(
            "pk"
        )
    )


def notify_referral_received(*, referral: Referral, actor) -> int:
    """A new referral: its receiving side is told, without any detail of the person. Returns e-mails queued."""
    to_agency = referral.direction == ReferralDirection.TO_AGENCY
    context = {
        "referral": referral,
        "mode": short_mode(referral),
        "sender": referral.partner_name if to_agency else str(actor),
        "sender_team": "" if to_agency else referral.team.name,
        "receiver": referral.team.name if to_agency else referral.partner_name,
        "url": absolute_url(referral.get_absolute_url()),
        "inbox_url": absolute_url(reverse("partners:referral_list" if to_agency else "partners:counsellor_home")),
        "to_agency": to_agency,
    }
    queued = 0
    for user in referral_receivers(referral):
        if user == actor:
            continue
        reason = (
            _("Vous recevez cet e-mail parce qu'un partenaire a orienté une personne vers votre équipe (%(team)s).")
            % {"team": referral.team.name}
            if to_agency
            else _(
                "Vous recevez cet e-mail parce qu'une mise en relation est adressée à votre organisation (%(org)s)."
            )
            % {"org": referral.partner_name}
        )
        email = queue_email(
            user=user,
            subject=_("Nouvelle mise en relation %(mode)s du %(date)s")
            % {"mode": context["mode"], "date": f"{referral.date:%d/%m/%Y}"},
            template="partners/emails/referral_received",
            context=context,
            kind=NotificationKind.REFERRAL_RECEIVED,
            reason=reason,
        )
        queued += email is not None
    return queued


ANSWER_STATUSES = (ReferralStatus.TAKEN_IN_CHARGE, ReferralStatus.NOT_FOLLOWED)


def notify_referral_answered(*, referral: Referral, actor) -> int:
    """The receiving side took the referral in charge or refused it: whoever made it is told (the reason chosen
    from the list; the free text stays in the application)."""
    if referral.status not in ANSWER_STATUSES:
        return 0
    sender = referral.created_by
    if sender is None or sender == actor:
        return 0
    refused = referral.status == ReferralStatus.NOT_FOLLOWED
    to_agency = referral.direction == ReferralDirection.TO_AGENCY
    context = {
        "referral": referral,
        "mode": short_mode(referral),
        "receiver": referral.team.name if to_agency else referral.partner_name,
        "refused": refused,
        "refusal_reason": referral.get_refusal_reason_display() if referral.refusal_reason else "",
        "has_detail": bool(referral.status_reason),
        "url": absolute_url(referral.get_absolute_url()),
    }
    subject = (
        _("Mise en relation du %(date)s : refusée par %(receiver)s")
        if refused
        else _("Mise en relation du %(date)s : prise en charge par %(receiver)s")
    ) % {"date": f"{referral.date:%d/%m/%Y}", "receiver": context["receiver"]}
    email = queue_email(
        user=sender,
        subject=subject,
        template="partners/emails/referral_answered",
        context=context,
        kind=NotificationKind.REFERRAL_ANSWERED,
        reason=_("Vous recevez cet e-mail parce que vous avez fait cette mise en relation."),
    )
    return int(email is not None)


# --- Conventions --------------------------------------------------------------------------------------------


def deadline_step(days_left: int) -> int | None:
    """The announcement due `days_left` days before a notice deadline: the smallest step not yet passed
    (60, 30 or 7), or None outside the last 60 days or once the deadline has passed."""
    if days_left < 0:
        return None
    reached = [step for step in CONVENTION_DEADLINE_STEPS if days_left <= step]
    return min(reached) if reached else None


def notify_convention_deadlines(*, today: date) -> int:
    """Tell every director of the notice deadlines 60, 30 and 7 days ahead. Each step is announced once per
    director and deadline (a re-run, or a missed day caught up, sends nothing twice). Returns e-mails queued."""
    directors = _active(get_user_model().objects.filter(role=Role.DIRECTOR).order_by("pk"))
    if not directors:
        return 0
    queued = 0
    for convention in Convention.objects.select_related("organisation").order_by("pk"):
        schedule = convention.schedule(today)
        if not schedule.in_force or schedule.notice_deadline is None:
            continue
        days_left = (schedule.notice_deadline - today).days
        step = deadline_step(days_left)
        if step is None:
            continue
        context = {
            "convention": convention,
            "deadline": schedule.notice_deadline,
            "term": schedule.term,
            "days_left": days_left,
            "tacit_renewal": convention.tacit_renewal,
            "url": absolute_url(convention.get_absolute_url()),
        }
        for director in directors:
            email = queue_email(
                user=director,
                subject=_("Convention %(partner)s : préavis à donner avant le %(deadline)s (J-%(left)s)")
                % {
                    "partner": convention.organisation.name,
                    "deadline": f"{schedule.notice_deadline:%d/%m/%Y}",
                    "left": days_left,
                },
                template="partners/emails/convention_deadline",
                context=context,
                kind=NotificationKind.CONVENTION_DEADLINE,
                reason=_(
                    "Vous recevez cet e-mail parce que vous suivez les conventions de l'agence "
                    "(rappels à 60, 30 et 7 jours du préavis)."
                ),
                key=f"convention:{convention.pk}:{schedule.notice_deadline:%Y-%m-%d}:{step}:{director.pk}",
            )
            queued += email is not None
    return queued
