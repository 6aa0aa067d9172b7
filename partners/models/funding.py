"""Who pays for the work: funders, the dispositifs they fund, what is attributed to each, adultes-relais posts.

A dispositif's scope is the union of its attributions (a team, a territory or a site, over a period or for good)
and, for adultes-relais posts, of the holder's own activity during the contract. `reporting.funders` reads it.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mediation.models import Qpv, Site, Team, Territory


class FunderKind(models.TextChoices):
    STATE = "state", _("État / ANCT")
    CITY = "city", _("Ville")
    METROPOLIS = "metropolis", _("Métropole")
    LANDLORD = "landlord", _("Bailleur")
    OTHER = "other", _("Autre financeur")


class Funder(models.Model):
    code = models.SlugField(
        _("code"), max_length=30, unique=True, help_text=_("Court et stable, utilisé par la commande d'export.")
    )
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=FunderKind.choices)

    class Meta:
        verbose_name = _("financeur")
        verbose_name_plural = _("financeurs")
        ordering = ["name"]

    def __str__(self):
        return self.name


class DispositifKind(models.TextChoices):
    CITY_CONTRACT = "city_contract", _("Contrat de ville")
    CLSPD = "clspd", _("Action CLSPD")
    LANDLORD_CONVENTION = "landlord_convention", _("Convention avec un bailleur")
    ADULT_RELAY = "adult_relay", _("Postes adultes-relais")
    OTHER = "other", _("Autre dispositif")


class Dispositif(models.Model):
    funder = models.ForeignKey(
        Funder, on_delete=models.PROTECT, related_name="dispositifs", verbose_name=_("financeur")
    )
    name = models.CharField(_("intitulé"), max_length=200)
    kind = models.CharField(_("type"), max_length=30, choices=DispositifKind.choices)
    reference = models.CharField(_("référence de la convention financière"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("dispositif")
        verbose_name_plural = _("dispositifs")
        ordering = ["funder__name", "name"]
        constraints = [models.UniqueConstraint(fields=["funder", "name"], name="dispositif_unique_name_per_funder")]

    def __str__(self):
        return f"{self.name} ({self.funder})"


class Attribution(models.Model):
    """Activity attributed to a dispositif: a team's, a territory's or a site's, from `starts_on` to `ends_on`."""

    dispositif = models.ForeignKey(
        Dispositif, on_delete=models.CASCADE, related_name="attributions", verbose_name=_("dispositif")
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("équipe")
    )
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("secteur")
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("site")
    )
    starts_on = models.DateField(_("à partir du"), null=True, blank=True, help_text=_("Vide : depuis toujours."))
    ends_on = models.DateField(_("jusqu'au"), null=True, blank=True, help_text=_("Vide : sans fin prévue."))

    class Meta:
        verbose_name = _("rattachement à un dispositif")
        verbose_name_plural = _("rattachements à un dispositif")
        ordering = ["dispositif", "starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(team__isnull=False, territory__isnull=True, site__isnull=True)
                    | Q(team__isnull=True, territory__isnull=False, site__isnull=True)
                    | Q(team__isnull=True, territory__isnull=True, site__isnull=False)
                ),
                name="attribution_exactly_one_target",
                violation_error_message=_("Rattachez une équipe, un secteur ou un site (un seul des trois)."),
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="attribution_dates_in_order",
                violation_error_message=_("La fin ne peut pas précéder le début."),
            ),
        ]

    def __str__(self):
        return f"{self.dispositif.name} — {self.target}"

    @property
    def target(self):
        return self.team or self.territory or self.site

    def lines(self, start: date, end: date) -> Q | None:
        """The intervention lines this attribution covers between `start` and `end` (None if it does not overlap)."""
        window = _overlap(self.starts_on, self.ends_on, start, end)
        if window is None:
            return None
        where = Q(team_id=self.team_id) if self.team_id else Q(territory_id=self.territory_id)
        if self.site_id:
            where = Q(site_id=self.site_id)
        return where & Q(date__gte=window[0], date__lte=window[1])


class AdultRelayPost(models.Model):
    """An adultes-relais post: a State-funded mediator job in a QPV, renewed on the strength of an activity summary."""

    dispositif = models.ForeignKey(
        Dispositif, on_delete=models.PROTECT, related_name="posts", verbose_name=_("dispositif")
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="adult_relay_posts",
        verbose_name=_("titulaire"),
    )
    contract_starts_on = models.DateField(_("début du contrat"))
    contract_ends_on = models.DateField(_("fin du contrat"))
    qpv = models.ForeignKey(
        Qpv, on_delete=models.PROTECT, related_name="adult_relay_posts", verbose_name=_("QPV d'affectation")
    )
    convention_reference = models.CharField(_("référence de la convention employeur"), max_length=100)

    class Meta:
        verbose_name = _("poste adulte-relais")
        verbose_name_plural = _("postes adultes-relais")
        ordering = ["-contract_ends_on", "holder__last_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contract_ends_on__gte=models.F("contract_starts_on")),
                name="adult_relay_contract_in_order",
                violation_error_message=_("La fin du contrat ne peut pas précéder son début."),
            ),
        ]

    def __str__(self):
        name = self.holder.get_full_name() or self.holder.username
        return _("Poste adulte-relais de %(name)s (%(reference)s)") % {
            "name": name,
            "reference": self.convention_reference,
        }

    def window(self, start: date, end: date) -> tuple[date, date] | None:
        """The days of the contract between `start` and `end`, both included (None if none)."""
        return _overlap(self.contract_starts_on, self.contract_ends_on, start, end)

    def lines(self, start: date, end: date) -> Q | None:
        """The holder's own lines during the contract, between `start` and `end`."""
        window = self.window(start, end)
        if window is None:
            return None
        return Q(author_id=self.holder_id, date__gte=window[0], date__lte=window[1])


def _overlap(starts_on: date | None, ends_on: date | None, start: date, end: date) -> tuple[date, date] | None:
    first = max(starts_on, start) if starts_on else start
    last = min(ends_on, end) if ends_on else end
    return (first, last) if first <= last else None
