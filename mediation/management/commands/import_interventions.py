import time

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from mediation.interchange import InterchangeError, import_interventions, read_path


class Command(BaseCommand):
    help = (
        "Importe des lignes d'activité depuis un fichier CSV ou XLSX (format d'échange : date, territory, site, "
        "mediator, activity, mode, count, women, men, unknown, duration_minutes, note, external_id). "
        "Tout ou rien : une seule ligne fausse et rien n'est importé."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Fichier .csv ou .xlsx")
        parser.add_argument("--dry-run", action="store_true", help="Tout vérifier sans rien enregistrer.")
        parser.add_argument(
            "--user", help="Identifiant de la personne qui importe (enregistrée comme auteur de la saisie)."
        )

    def handle(self, *args, path, dry_run, user, **options):
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"Utilisateur inconnu : « {user} ».")
        started = time.monotonic()
        try:
            table = read_path(path)
            report = import_interventions(actor=actor, table=table, dry_run=dry_run)
        except InterchangeError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            bad_lines = len({error.line for error in report.errors})
            raise CommandError(
                f"{len(report.errors)} erreur(s) sur {bad_lines} ligne(s), {report.total} ligne(s) lue(s) : "
                "rien n'a été importé."
            )
        self.stdout.write(
            f"{report.total} ligne(s) lue(s) en {elapsed:.1f} s : {report.created} créée(s), "
            f"{report.updated} mise(s) à jour, {report.unchanged} inchangée(s)."
        )
        if report.without_team:
            self.stdout.write(
                f"Attention : {report.without_team} ligne(s) sans équipe (médiateur absent ou hors des équipes "
                "du secteur) ; seule la direction les verra."
            )
        if dry_run:
            self.stdout.write("Simulation (--dry-run) : rien n'a été enregistré.")
        else:
            self.stdout.write(self.style.SUCCESS("Import terminé."))
