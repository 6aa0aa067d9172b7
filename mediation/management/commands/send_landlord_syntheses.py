from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mediation.models import Landlord
from mediation.services import send_weekly_syntheses


class Command(BaseCommand):
    help = (
        "Envoie à chaque bailleur dont c'est le jour d'envoi la synthèse de veille technique de la semaine d'hier "
        "(PDF joint, liste dans le message, un lien signé par signalement). À lancer chaque jour : un bailleur ne "
        "reçoit qu'une synthèse par semaine, même si la commande est relancée."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", default=None, help="Jour d'envoi simulé, AAAA-MM-JJ (défaut : aujourd'hui).")
        parser.add_argument("--bailleur", dest="landlord", default=None, help="Nom d'un seul bailleur.")

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError("--date attend une date AAAA-MM-JJ, par exemple 2026-12-07.") from error
        landlord = None
        if options["landlord"]:
            landlord = Landlord.objects.filter(name__iexact=options["landlord"]).first()
            if landlord is None:
                raise CommandError(f"Aucun bailleur « {options['landlord']} ».")
        sent = send_weekly_syntheses(today=today, landlord=landlord)
        if not sent:
            self.stdout.write(f"Aucune synthèse à envoyer le {today:%d/%m/%Y}.")
        for each, count in sent:
            self.stdout.write(
                self.style.SUCCESS(f"Synthèse envoyée à {each} ({each.email}) : {count} signalement(s).")
            )
