"""Signed links that let a landlord answer one technical report without an account.

A link names one report in its path and carries a token signed with the project's secret key (`django.core.signing`)
that binds one landlord to one report and the moment it was issued. It works `ALTM_LANDLORD_LINK_DAYS` days
(60 by default). A link whose signature is wrong, that has expired, that names another report than its token, or
whose report has since been given to another landlord is refused, each with its own French explanation.
Nothing is stored: the secret key is the only state, so changing it voids every link sent.
"""

from datetime import timedelta
from enum import Enum

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mediation.models import TechnicalReport

SALT = "mediation.landlord-link"


class LinkProblem(Enum):
    FORGED = "forged"
    EXPIRED = "expired"
    OTHER_REPORT = "other_report"
    OTHER_LANDLORD = "other_landlord"

    @property
    def message(self) -> str:
        return str(PROBLEM_MESSAGES[self])


PROBLEM_MESSAGES = {
    LinkProblem.FORGED: _(
        "Ce lien n'est pas valide : il a été modifié ou recopié incomplètement. "
        "Ouvrez-le depuis le dernier e-mail reçu, sans le retoucher."
    ),
    LinkProblem.EXPIRED: _(
        "Ce lien a expiré. Chaque lien reste valable %(days)s jours : utilisez celui de la dernière synthèse reçue."
    ),
    LinkProblem.OTHER_REPORT: _(
        "Ce lien a été émis pour un autre signalement : il ne permet pas de répondre à celui-ci. "
        "Utilisez le lien placé à côté de ce signalement dans la synthèse."
    ),
    LinkProblem.OTHER_LANDLORD: _(
        "Ce signalement a été confié à un autre bailleur depuis l'envoi de ce lien : il ne permet plus d'y répondre."
    ),
}


class LinkError(Exception):
    def __init__(self, problem: LinkProblem):
        super().__init__(problem.value)
        self.problem = problem


def link_max_age() -> timedelta:
    return timedelta(days=settings.ALTM_LANDLORD_LINK_DAYS)


def make_token(report: TechnicalReport) -> str:
    return signing.dumps({"l": report.landlord_id, "r": report.pk}, salt=SALT)


def link_path(report: TechnicalReport) -> str:
    return reverse("mediation:landlord_report", args=[report.pk, make_token(report)])


def link_url(report: TechnicalReport) -> str:
    """The absolute link written in e-mails and PDFs (no request there: `SITE_URL`)."""
    return f"{settings.SITE_URL}{link_path(report)}"


def read_token(token: str, report_pk: int) -> int:
    """The landlord id the token was issued to, if it is genuine, unexpired and issued for this report."""
    try:
        data = signing.loads(token, salt=SALT, max_age=link_max_age())
    except signing.SignatureExpired as error:
        raise LinkError(LinkProblem.EXPIRED) from error
    except signing.BadSignature as error:
        raise LinkError(LinkProblem.FORGED) from error
    if not isinstance(data, dict) or not isinstance(data.get("l"), int) or not isinstance(data.get("r"), int):
        raise LinkError(LinkProblem.FORGED)
    if data["r"] != report_pk:
        raise LinkError(LinkProblem.OTHER_REPORT)
    return data["l"]


def report_for_link(token: str, report_pk: int) -> TechnicalReport:
    """The report a genuine link opens, or `LinkError`; a report gone or moved to another landlord is refused."""
    landlord_id = read_token(token, report_pk)
    report = TechnicalReport.objects.select_related("landlord", "territory", "site").filter(pk=report_pk).first()
    if report is None:
        raise LinkError(LinkProblem.OTHER_REPORT)
    if report.landlord_id != landlord_id:
        raise LinkError(LinkProblem.OTHER_LANDLORD)
    return report
