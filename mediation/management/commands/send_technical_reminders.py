from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mediation.services import send_reminders


class Command(BaseCommand):
    help = (
        "Relance chaque bailleur pour ses signalements en attente au-delà du seuil de leur niveau de danger "
        "(ALTM_TECHNICAL_REMINDER_DAYS_DANGER, ALTM_TECHNICAL_REMINDER_DAYS_OTHER). À lancer chaque jour : un "
        "signalement n'est relancé qu'une fois par période de seuil, même si la commande est relancée."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", default=None, help="Jour simulé, AAAA-MM-JJ (défaut : aujourd'hui).")

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError("--date attend une date AAAA-MM-JJ, par exemple 2026-12-07.") from error
        sent = send_reminders(today=today)
        days = settings.ALTM_TECHNICAL_REMINDER_DAYS
        if not sent:
            self.stdout.write(
                f"Aucune relance le {today:%d/%m/%Y} (seuils : {days['danger']} jours pour un danger, "
                f"{days['other']} jours sinon)."
            )
        for landlord, count in sent:
            self.stdout.write(
                self.style.SUCCESS(f"Relance envoyée à {landlord} ({landlord.email}) : {count} signalement(s).")
            )
