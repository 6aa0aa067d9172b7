"""Demo data for reports: targets and a few survey values for the 2017-2019 service project, and a 2024-2026
project (same structure) whose targets follow the demo activity, so a fresh `make run` shows current figures
against targets. Idempotent: rows are keyed by (indicator, year) and their values are fixed or derived from the
data present."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from accounts.models import Role, User
from reporting import indicators
from reporting.indicators import Period
from reporting.models import IndicatorTarget, IndicatorValue, ProjectIndicator
from reporting.service_projects import PROJECT_2017_2019, load_definition

# Manual indicators of 2017-2019: label -> {year: (value, target)}
MANUAL_2017_2019 = {
    "Taux de connaissance du dispositif": {2017: (42, 50), 2018: (51, 55), 2019: (58, 60)},
    "Taux de connaissance des médiateurs sociaux et des missions": {2017: (35, 40), 2018: (41, 45), 2019: (47, 50)},
    "Taux de sollicitation des médiateurs sociaux": {2017: (18, 20), 2018: (22, 25), 2019: (24, 30)},
    "Nombre de diagnostics réalisés": {2017: (1, 2), 2018: (2, 2), 2019: (2, 3)},
    "Taux de satisfaction": {2017: (78, 75), 2018: (81, 80), 2019: (84, 80)},
    "Nombre de réponses aux appels d'offre": {2017: (2, 3), 2018: (4, 3), 2019: (3, 4)},
    "Nombre d'appels d'offre remportés": {2017: (1, 1), 2018: (2, 2), 2019: (1, 2)},
}
# Computed indicators of 2017-2019 with a target (the seed's 2014-2016 level, rounded up).
TARGETS_2017_2019 = {
    "Nombre de sensibilisations": 40,
    "Nombre de rencontres avec les habitants": 250,
    "Nombre d'actions/projets mis en place": 160,
    "Nombre de bénéficiaires": 900,
    "Nombre de jeunes bénéficiaires": 80,
}
MANUAL_2024_2026 = {
    "Taux de connaissance du dispositif": {2024: (61, 60), 2025: (64, 65)},
    "Taux de satisfaction": {2024: (82, 80), 2025: (85, 82)},
    "Nombre d'outils adaptés et créés": {2024: (3, 2), 2025: (2, 2)},
}


def _set(model, indicator, year, value):
    model.objects.update_or_create(indicator=indicator, year=year, defaults={"value": Decimal(value)})


def _manual(project, table, actor) -> None:
    items = {item.label: item for item in ProjectIndicator.objects.filter(axis__stake__part__project=project)}
    for label, years in table.items():
        item = items[label]
        for year, (value, target) in years.items():
            if not item.is_computed:
                IndicatorValue.objects.update_or_create(
                    indicator=item,
                    year=year,
                    defaults={
                        "value": Decimal(value),
                        "note": "Enquête annuelle (démonstration)",
                        "updated_by": actor,
                    },
                )
            _set(IndicatorTarget, item, year, target)


@transaction.atomic
def load(stdout=None):
    director = User.objects.filter(role=Role.DIRECTOR).order_by("id").first()
    old = load_definition(PROJECT_2017_2019)
    _manual(old, MANUAL_2017_2019, director)
    for label, target in TARGETS_2017_2019.items():
        for item in ProjectIndicator.objects.filter(axis__stake__part__project=old, label=label, source="computed"):
            for year in old.years:
                _set(IndicatorTarget, item, year, target)

    current = load_definition(PROJECT_2017_2019, name="Projet de service 2024-2026", start_year=2024, end_year=2026)
    _manual(current, MANUAL_2024_2026, director)
    # Targets of computed indicators: 5 % a year above the 2024 activity of the demo (or 10 when none).
    computed = list(ProjectIndicator.objects.filter(axis__stake__part__project=current, source="computed"))
    base = indicators.compute(
        sorted({item.registry_code for item in computed}), period=Period(date(2024, 1, 1), date(2024, 12, 31)), by=()
    )
    for item in computed:
        level = float(base.get(item.registry_code) or 10)
        for index, year in enumerate(current.years):
            _set(IndicatorTarget, item, year, max(1, round(level * (1 + 0.05 * (index + 1)))))
    if stdout is not None:
        stdout.write("Projets de service 2017-2019 et 2024-2026 : objectifs et valeurs saisies prêts.")
    return []
