from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from reporting.digest import send_manager_digests


class Command(BaseCommand):
    help = "Envoie à chaque manager le récapitulatif du matin (ce qui est en retard), une fois par jour."

    def handle(self, *args, **options):
        with transaction.atomic():
            count = send_manager_digests(today=timezone.localdate())
        self.stdout.write(f"{count} récapitulatif(s) mis dans la file d'envoi.")
