from django.conf import settings
from django.core.management.base import BaseCommand

from altm.mail import enqueue_due_emails, prune_sent_emails


class Command(BaseCommand):
    help = (
        "Remet dans la file les e-mails restés en attente (tâche perdue, worker arrêté pendant un envoi) "
        "et, avec --prune, supprime les e-mails envoyés depuis plus de ALTM_EMAIL_KEEP_DAYS jours."
    )

    def add_arguments(self, parser):
        parser.add_argument("--prune", action="store_true", help="Supprimer aussi les anciens e-mails envoyés.")

    def handle(self, *args, prune: bool = False, **options):
        count = enqueue_due_emails()
        self.stdout.write(f"{count} e-mail(s) remis dans la file.")
        if prune:
            deleted = prune_sent_emails(days=settings.ALTM_EMAIL_KEEP_DAYS)
            self.stdout.write(f"{deleted} e-mail(s) envoyé(s) supprimé(s).")
