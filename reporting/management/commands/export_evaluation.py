from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mediation.models import Territory
from reporting import exports
from reporting.evaluation import YearsError, build_evaluation, parse_years


class Command(BaseCommand):
    help = "Exporte l'évaluation (tableaux par année et par secteur) en CSV, XLSX, HTML ou PDF."

    def add_arguments(self, parser):
        parser.add_argument("--years", required=True, help="Une année (2016) ou une période (2014-2016).")
        parser.add_argument("--format", required=True, choices=sorted(exports.FORMATS), dest="fmt")
        parser.add_argument("--output", required=True, help="Fichier à écrire (« - » pour la sortie standard).")
        parser.add_argument("--territory", help="Code d'un secteur (par défaut : toute l'agence).")

    def handle(self, *args, years, fmt, output, territory=None, **options):
        try:
            first, last = parse_years(years)
        except YearsError as exc:
            raise CommandError(str(exc)) from exc
        selected = None
        if territory:
            selected = Territory.objects.filter(code=territory).first()
            if selected is None:
                known = ", ".join(Territory.objects.order_by("code").values_list("code", flat=True))
                raise CommandError(f"Secteur inconnu : {territory}. Secteurs connus : {known}.")
        report = build_evaluation(first, last, territory=selected)
        content = exports.render(report, fmt)
        if output == "-":
            if fmt in ("xlsx", "pdf"):
                raise CommandError("Les formats XLSX et PDF s'écrivent dans un fichier (--output chemin).")
            self.stdout.write(content.decode("utf-8"), ending="")
            return
        path = Path(output)
        if not path.parent.exists():
            raise CommandError(f"Le dossier {path.parent} n'existe pas.")
        path.write_bytes(content)
        self.stderr.write(
            f"Évaluation {report.period_label} ({report.scope_label}) écrite dans {path} ({len(content)} octets)."
        )
