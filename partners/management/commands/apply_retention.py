from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from partners.services import apply_retention


class Command(BaseCommand):
    help = (
        "Anonymise les personnes sans contact depuis la durée de conservation (ALTM_RETENTION_DAYS, 2 ans par "
        "défaut). Les comptages des bilans restent identiques. --dry-run montre d'abord ce qui serait fait."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Montrer sans rien modifier.")
        parser.add_argument(
            "--days", type=int, default=None, help=f"Durée sans contact, en jours (défaut {settings.RETENTION_DAYS})."
        )

        parser.add_argument(
            "--par",
            dest="username",
            default=None,
            help="Identifiant de la personne qui lance l'anonymisation (inscrit au journal d'audit).",
        )

    def handle(self, *args, **options):
        days = options["days"]
        if days is not None and days < 1:
            raise CommandError("--days doit être un nombre de jours positif.")
        actor = None
        if options["username"]:
            actor = get_user_model().objects.filter(username=options["username"], is_active=True).first()
            if actor is None:
                raise CommandError(f"Aucun compte actif « {options['username']} ».")
        result = apply_retention(actor=actor, days=days, dry_run=options["dry_run"])
        cutoff = f"{result.cutoff:%d/%m/%Y}"
        count = len(result.person_ids)
        if count == 0:
            self.stdout.write(f"Aucune personne sans contact depuis le {cutoff} : rien à anonymiser.")
            return
        ids = ", ".join(f"n°{pk}" for pk in result.person_ids[:50]) + (" …" if count > 50 else "")
        if result.dry_run:
            self.stdout.write(
                f"Simulation : {count} personne(s) sans contact depuis le {cutoff} seraient anonymisées : {ids}."
            )
            self.stdout.write("Rien n'a été modifié. Relancez sans --dry-run pour appliquer.")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{count} personne(s) sans contact depuis le {cutoff} anonymisée(s) : {ids}. "
                    "Pseudonyme remplacé, contact et année de naissance effacés, textes libres vidés (notes, motifs, "
                    "précisions des consentements et retraits, justifications des partages, motifs de consultation, "
                    "situations de conflit les nommant), journal d'audit compris ; les lignes d'activité, mises en "
                    "relation et partages restent comptés."
                )
            )
