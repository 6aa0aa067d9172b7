from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from mediation import interchange
from mediation.exports import csv_chunks, write_xlsx
from mediation.models import Intervention


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Date invalide « {value} » (AAAA-MM-JJ attendu).") from exc


class Command(BaseCommand):
    help = "Exporte les lignes d'activité au format d'échange (CSV ou XLSX selon l'extension du fichier)."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="Fichier .csv ou .xlsx à écrire")
        parser.add_argument("--from", dest="start", help="Première date incluse (AAAA-MM-JJ)")
        parser.add_argument("--to", dest="end", help="Dernière date incluse (AAAA-MM-JJ)")
        parser.add_argument("--territory", help="Code ou nom du secteur")

    def handle(self, *args, output, start, end, territory, **options):
        try:
            kind = interchange.file_kind(output)
        except interchange.InterchangeError as exc:
            raise CommandError(str(exc)) from exc
        queryset = Intervention.objects.all()
        if start:
            queryset = queryset.filter(date__gte=iso_date(start))
        if end:
            queryset = queryset.filter(date__lte=iso_date(end))
        if territory:
            queryset = queryset.filter(Q(territory__code__iexact=territory) | Q(territory__name__iexact=territory))
            if not queryset.exists() and not (
                Intervention.territory.field.related_model.objects.filter(
                    Q(code__iexact=territory) | Q(name__iexact=territory)
                ).exists()
            ):
                raise CommandError(f"Secteur inconnu « {territory} ».")
        count = queryset.count()
        rows = interchange.export_rows(queryset)
        if kind == "xlsx":
            with open(output, "wb") as handle:
                write_xlsx(rows, handle)
        else:
            with open(output, "w", encoding="utf-8", newline="") as handle:
                handle.writelines(csv_chunks(rows))
        self.stdout.write(self.style.SUCCESS(f"{count} ligne(s) exportée(s) dans {output}."))
