from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from altm.mail import muted
from demo import activity, casework, funders, organisation, partners, registers, reporting

DEMO_LOADERS = [
    organisation.load,
    activity.load_activity,
    casework.load,
    partners.load,
    funders.load,
    registers.load,
    reporting.load,
]


class Command(BaseCommand):
    help = "Charge les données de démonstration (sans effet si elles sont déjà là)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Ne rien faire si la base contient déjà des utilisateurs."
        )

    def handle(self, *args, **options):
        if options["if_empty"] and User.objects.exists():
            self.stdout.write("La base contient déjà des données : démonstration non chargée.")
            return
        if not settings.DEMO_MODE:
            raise CommandError("Les données de démonstration ne se chargent qu'en mode démo (ALTM_DEMO=true).")
        accounts = []
        with muted():  # the demo's history is not news: no e-mail for it
            for loader in DEMO_LOADERS:
                accounts.extend(loader(stdout=self.stdout) or [])
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
        self.stdout.write(f"Comptes de démonstration (mot de passe commun : {organisation.DEMO_PASSWORD}) :")
        for user in accounts:
            self.stdout.write(f"  {user.username:<16} {user.get_role_display():<32} {user.get_full_name()}")
