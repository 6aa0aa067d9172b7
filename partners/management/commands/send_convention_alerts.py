from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from partners.notifications import notify_convention_deadlines


class Command(BaseCommand):
    help = "Prévient la direction des préavis de convention à 60, 30 et 7 jours ; chaque rappel part une seule fois."

    def handle(self, *args, **options):
        with transaction.atomic():
            count = notify_convention_deadlines(today=timezone.localdate())
        self.stdout.write(f"{count} rappel(s) mis dans la file d'envoi.")
