from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from partners.models import Funder
from reporting import funder_exports
from reporting.funders import build_funder_report


class Command(BaseCommand):
    help = "Exporte le rapport d'activité d'un financeur pour une année (HTML, PDF, XLSX ou CSV)."

    def add_arguments(self, parser):
        parser.add_argument("--funder", required=True, help="Code du financeur (voir l'administration).")
        parser.add_argument("--year", required=True, type=int, help="Année du rapport (2026).")
        parser.add_argument("--format", required=True, choices=sorted(funder_exports.FORMATS), dest="fmt")
        parser.add_argument("--output", required=True, help="Fichier à écrire (« - » pour la sortie standard).")

    def handle(self, *args, funder, year, fmt, output, **options):
        selected = Funder.objects.filter(code=funder).first()
        if selected is None:
            known = ", ".join(Funder.objects.order_by("code").values_list("code", flat=True)) or "aucun"
            raise CommandError(f"Financeur inconnu : {funder}. Financeurs connus : {known}.")
        if not 2000 <= year <= 2100:
            raise CommandError("L'année doit être comprise entre 2000 et 2100.")
        report = build_funder_report(selected, year)
        content = funder_exports.render(report, fmt)
        if output == "-":
            if fmt in ("xlsx", "pdf"):
                raise CommandError("Les formats XLSX et PDF s'écrivent dans un fichier (--output chemin).")
            self.stdout.write(content.decode("utf-8"), ending="")
            return
        path = Path(output)
        if not path.parent.exists():
            raise CommandError(f"Le dossier {path.parent} n'existe pas.")
        path.write_bytes(content)
        self.stderr.write(f"Rapport {selected.name} {year} écrit dans {path} ({len(content)} octets).")
