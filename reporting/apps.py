from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Bilans et indicateurs")

    def ready(self):
        # A frozen annual report closes its year to every entry path (mediation.rules, a floor below, asks here).
        from mediation import rules
        from reporting.models import FrozenReport

        rules.register_closed_years(lambda: FrozenReport.objects.values_list("year", flat=True))
