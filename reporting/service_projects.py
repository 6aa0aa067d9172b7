"""Service projects as data. The 2017-2019 project of seed 001 ("Indicateurs de résultat") is loaded by a data
migration through `load_definition`, which is idempotent (natural keys: years, numbers, labels).

An indicator is (label, registry code or "" for a manual one, unit).
"""

from __future__ import annotations

from django.apps import apps as global_apps

NUMBER, PERCENT, HOURS = "number", "percent", "hours"

PROJECT_2017_2019 = {
    "name": "Projet de service 2017-2019",
    "start_year": 2017,
    "end_year": 2019,
    "description": (
        "Orientations stratégiques du dispositif de médiation sociale déclinées en objectifs opérationnels "
        "pour la période 2017/2019."
    ),
    "parts": [
        (
            1,
            "La reconnaissance de la médiation sociale, corollaire de la mobilisation des habitants",
            [
                (
                    1,
                    "Faire davantage connaître et reconnaître la médiation sociale",
                    [
                        (
                            1,
                            "Auprès des habitants",
                            [
                                ("Nombre d'actions de communication", "partnership.communications", NUMBER),
                                ("Taux de sollicitation des médiateurs sociaux", "", PERCENT),
                                ("Taux de connaissance du dispositif", "", PERCENT),
                                ("Taux de connaissance des médiateurs sociaux et des missions", "", PERCENT),
                            ],
                        ),
                        (
                            2,
                            "Auprès des partenaires publics et privés",
                            [
                                (
                                    "Nombre de conventions de partenariat signées",
                                    "partners.conventions_signed",
                                    NUMBER,
                                ),
                                (
                                    "Nombre de rencontres et de suivis de situations",
                                    "partnership.partner_meetings",
                                    NUMBER,
                                ),
                                ("Taux de connaissance des missions", "", PERCENT),
                                ("Nombre de présentations, d'immersions", "partners.presentations_immersions", NUMBER),
                            ],
                        ),
                    ],
                ),
                (
                    2,
                    "Mobiliser les habitants dans la construction de liens sociaux durables",
                    [
                        (
                            1,
                            "L'implication des plus jeunes dans une dynamique de prévention de la délinquance et de "
                            "prévention sociale",
                            [
                                ("Nombre d'actions de mobilisation", "registers.projects.mobilisation", NUMBER),
                                ("Nombre d'ateliers citoyenneté", "partnership.workshops", NUMBER),
                                ("Nombre de sensibilisations", "conflict.awareness", NUMBER),
                                ("Nombre de jeunes bénéficiaires", "partnership.youth_followups", NUMBER),
                            ],
                        ),
                        (
                            2,
                            "Le développement d'actions intergénérationnelles",
                            [
                                ("Nombre de diagnostics réalisés", "registers.diagnostics.completed", NUMBER),
                                (
                                    "Traitement des données du diagnostic",
                                    "registers.diagnostics.processed_rate",
                                    PERCENT,
                                ),
                                ("Nombre d'actions mises en place", "registers.projects.intergenerational", NUMBER),
                                (
                                    "Nombre de bénéficiaires",
                                    "registers.projects.intergenerational.people_met",
                                    NUMBER,
                                ),
                            ],
                        ),
                        (
                            3,
                            "La coconstruction d'actions de participation citoyenne",
                            [
                                ("Nombre de rencontres avec les habitants", "conflict.resident_consultations", NUMBER),
                                ("Nombre d'actions/projets mis en place", "partnership.project_facilitations", NUMBER),
                                ("Nombre de bénéficiaires", "partnership.project_facilitation_beneficiaries", NUMBER),
                            ],
                        ),
                    ],
                ),
            ],
        ),
        (
            2,
            "La médiation sociale, outil d'une politique territoriale et réponse à des besoins ponctuels",
            [
                (
                    1,
                    "Consolider et développer la médiation sociale comme outil d'une politique de gestion d'un "
                    "territoire",
                    [
                        (
                            1,
                            "La complémentarité d'action par la formalisation des partenariats",
                            [
                                ("Nombre de projets impliquant la médiation sociale", "registers.projects", NUMBER),
                                (
                                    "Nombre de personnes suivies en lien avec les structures",
                                    "partnership.referral_beneficiaries",
                                    NUMBER,
                                ),
                                ("Nombre de conventions signées", "partners.conventions_signed", NUMBER),
                                ("Nombre d'objectifs atteints", "", NUMBER),
                            ],
                        ),
                        (
                            2,
                            "La médiation sociale, moteur des projets de résidence",
                            [
                                ("Nombre de projets développés", "registers.projects.residents", NUMBER),
                                (
                                    "Nombre d'habitants locataires sensibilisés",
                                    "conflict.awareness_beneficiaries",
                                    NUMBER,
                                ),
                                ("Nombre d'habitants référents suivis", "followups.resident_referents", NUMBER),
                                ("Nombre de groupes de travail engagés", "registers.bodies.working_groups", NUMBER),
                            ],
                        ),
                    ],
                ),
                (
                    2,
                    "S'adapter aux besoins des partenaires et des territoires",
                    [
                        (
                            1,
                            "Explorer de nouveaux besoins",
                            [
                                ("Nombre de diagnostics engagés", "registers.diagnostics.started", NUMBER),
                                ("Nombre de projets développés", "", NUMBER),
                                ("Nombre de réponses aux appels d'offre", "", NUMBER),
                                ("Nombre d'appels d'offre remportés", "", NUMBER),
                            ],
                        ),
                        (
                            2,
                            "Développer les échanges de pratiques autour de thématiques communes",
                            [
                                (
                                    "Nombre d'heures de formation-échanges de pratiques",
                                    "presence.training_hours",
                                    HOURS,
                                ),
                                ("Nombre de bénéficiaires", "presence.training_beneficiaries", NUMBER),
                            ],
                        ),
                    ],
                ),
            ],
        ),
        (
            3,
            "La structuration d'un dispositif dans une finalité commune d'utilité sociale",
            [
                (
                    1,
                    "Une organisation en mouvement...",
                    [
                        (
                            1,
                            "Confirmer et accompagner la nouvelle stratégie managériale",
                            [
                                ("Nombre de réunions et groupes de travail", "", NUMBER),
                                ("Nombre de bénéficiaires", "", NUMBER),
                                ("Taux de satisfaction", "", PERCENT),
                            ],
                        ),
                        (
                            2,
                            "Homogénéiser les pratiques et outils",
                            [
                                ("Nombre d'outils adaptés et créés", "", NUMBER),
                                ("Nombre de rencontres inter-équipes", "training.team_meetings", NUMBER),
                                ("Taux d'utilisation des outils", "", PERCENT),
                            ],
                        ),
                    ],
                ),
                (
                    2,
                    "...promouvant la professionnalisation de ses salariés et l'utilité sociale de ses actions",
                    [
                        (
                            1,
                            "Accroître les compétences métier en lien avec le référentiel de certification national",
                            [
                                ("Taux d'évolution des domaines de compétences acquis", "", PERCENT),
                                ("Nombre d'immersions inter-équipes", "training.immersions", NUMBER),
                                (
                                    "Nombre de salariés ayant évolué dans les compétences",
                                    "training.employees_certified",
                                    NUMBER,
                                ),
                                ("Taux de satisfaction, de motivation et de reconnaissance", "", PERCENT),
                            ],
                        ),
                        (
                            2,
                            "Favoriser une dynamique d'évaluation de l'utilité sociale en continu",
                            [
                                ("Nombre d'indicateurs identifiés", "", NUMBER),
                                ("Taux d'objectifs opérationnels atteints", "", PERCENT),
                                ("Nombre d'actions correctives mises en place", "", NUMBER),
                            ],
                        ),
                    ],
                ),
            ],
        ),
    ],
}


# The indicators of the 2017-2019 project that the registers compute (issue 15, point 5), by position:
# (part, stake, axis, label) → registry code. Migration reporting 0005 moves them on databases loaded before.
COMPUTED_FROM_REGISTERS = {
    (1, 2, 1, "Nombre d'actions de mobilisation"): "registers.projects.mobilisation",
    (1, 2, 2, "Nombre de diagnostics réalisés"): "registers.diagnostics.completed",
    (1, 2, 2, "Traitement des données du diagnostic"): "registers.diagnostics.processed_rate",
    (1, 2, 2, "Nombre d'actions mises en place"): "registers.projects.intergenerational",
    (1, 2, 2, "Nombre de bénéficiaires"): "registers.projects.intergenerational.people_met",
    (2, 1, 1, "Nombre de projets impliquant la médiation sociale"): "registers.projects",
    (2, 1, 2, "Nombre de projets développés"): "registers.projects.residents",
    (2, 1, 2, "Nombre de groupes de travail engagés"): "registers.bodies.working_groups",
    (2, 2, 1, "Nombre de diagnostics engagés"): "registers.diagnostics.started",
    (3, 1, 2, "Nombre de rencontres inter-équipes"): "training.team_meetings",
    (3, 2, 1, "Nombre d'immersions inter-équipes"): "training.immersions",
    (3, 2, 1, "Nombre de salariés ayant évolué dans les compétences"): "training.employees_certified",
}


def move_to_computed(*, apps=None, start_year: int = 2017, end_year: int = 2019) -> int:
    """Turn the manual indicators of `COMPUTED_FROM_REGISTERS` into computed ones. Safe to run twice.

    Values typed by hand before stay stored (IndicatorValue) but the report shows the computed figure."""
    apps = apps or global_apps
    Indicator = apps.get_model("reporting", "ProjectIndicator")
    moved = 0
    for (part, stake, axis, label), code in COMPUTED_FROM_REGISTERS.items():
        moved += Indicator.objects.filter(
            axis__stake__part__project__start_year=start_year,
            axis__stake__part__project__end_year=end_year,
            axis__stake__part__number=part,
            axis__stake__number=stake,
            axis__number=axis,
            label=label,
            source="manual",
        ).update(source="computed", registry_code=code)
    return moved


def count_indicators(definition: dict) -> int:
    return sum(len(axis[2]) for _n, _t, stakes in definition["parts"] for _s, _st, axes in stakes for axis in axes)


def load_definition(definition: dict, *, apps=None, name: str | None = None, start_year=None, end_year=None):
    """Create (or complete) a service project from a definition. Safe to run twice.

    `apps` is the app registry (a migration passes its historical one). `name` and years override the
    definition's, so the same structure can seed a later project.
    """
    apps = apps or global_apps
    Project = apps.get_model("reporting", "ServiceProject")
    Part = apps.get_model("reporting", "ProjectPart")
    Stake = apps.get_model("reporting", "ProjectStake")
    Axis = apps.get_model("reporting", "ProjectAxis")
    Indicator = apps.get_model("reporting", "ProjectIndicator")

    project, _created = Project.objects.get_or_create(
        start_year=start_year or definition["start_year"],
        end_year=end_year or definition["end_year"],
        defaults={"name": name or definition["name"], "description": definition.get("description", "")},
    )
    for part_number, part_title, stakes in definition["parts"]:
        part, _c = Part.objects.get_or_create(project=project, number=part_number, defaults={"title": part_title})
        for stake_number, stake_title, axes in stakes:
            stake, _c = Stake.objects.get_or_create(part=part, number=stake_number, defaults={"title": stake_title})
            for axis_number, axis_title, indicators in axes:
                axis, _c = Axis.objects.get_or_create(stake=stake, number=axis_number, defaults={"title": axis_title})
                for order, (label, code, unit) in enumerate(indicators, start=1):
                    Indicator.objects.get_or_create(
                        axis=axis,
                        label=label,
                        defaults={
                            "order": order,
                            "source": "computed" if code else "manual",
                            "registry_code": code,
                            "unit": unit,
                        },
                    )
    return project
