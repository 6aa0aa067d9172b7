from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Bilans et indicateurs")

    def ready(self):
        # A frozen annual report closes its year to every entry path (mediation.rules, a floor below, asks here).
        from altm import reference
        from mediation import rules
        from reporting.models import FrozenReport

        def frozen_years() -> frozenset[int]:
            return frozenset(FrozenReport.objects.values_list("year", flat=True))

        # Kept in each process with the other reference data: a new frozen year reaches every worker at once.
        rules.register_closed_years(lambda: reference.cached("closed-years", frozen_years))
        reference.watch(FrozenReport)
