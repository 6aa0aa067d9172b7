from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce

from mediation import totals
from mediation.models import AgencyMonthlyTotal, DailyTotal, Intervention, MonthlyTotal


class Command(BaseCommand):
    help = (
        "Vérifie que les totaux journaliers et mensuels (lus par les bilans et les tableaux de bord) égalent les "
        "lignes d'activité ; avec --rebuild, les recalcule depuis les lignes (après un chargement fait sans les "
        "déclencheurs, par exemple)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Recalculer les totaux depuis les lignes")

    def handle(self, *args, rebuild, **options):
        if rebuild:
            totals.ensure_installed()
            counts = totals.rebuild()
            self.stdout.write(
                f"Totaux recalculés : {counts['day']} ligne(s) journalière(s), {counts['month']} mensuelle(s), "
                f"{counts['agency']} mensuelle(s) pour l'agence."
            )
        lines = Intervention.objects.aggregate(
            lines=Count("id"), acts=Coalesce(Sum("count"), 0), minutes=Coalesce(Sum("duration_minutes"), 0)
        )
        problems = []
        for model, label in (
            (DailyTotal, "journaliers"),
            (MonthlyTotal, "mensuels"),
            (AgencyMonthlyTotal, "mensuels de l'agence"),
        ):
            found = model.objects.aggregate(
                lines=Coalesce(Sum("lines"), 0),
                acts=Coalesce(Sum("count"), 0),
                minutes=Coalesce(Sum("duration_minutes"), 0),
            )
            if found != lines:
                problems.append(f"totaux {label} {found} ≠ lignes {lines}")
        if problems:
            raise CommandError(
                "Les totaux ne correspondent pas aux lignes : " + " ; ".join(problems) + ". Lancez avec --rebuild."
            )
        self.stdout.write(
            f"Totaux exacts : {lines['lines']} ligne(s), {lines['acts']} acte(s), {lines['minutes']} minute(s)."
        )
