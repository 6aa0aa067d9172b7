"""Client UUIDs on the consent and sharing journals (a double submit records once), and the child-protection kind.

Existing rows each get their own UUID before the column becomes unique; journals are append-only in the app, not in
the database, and historical models carry no append-only guard.
"""

import uuid

from django.db import migrations, models

JOURNALS = ("consent", "consentwithdrawal", "informationshare")


def fill_uuids(apps, schema_editor):
    for name in JOURNALS:
        model = apps.get_model("partners", name)
        for pk in model.objects.filter(uuid__isnull=True).values_list("pk", flat=True).iterator():
            model.objects.filter(pk=pk).update(uuid=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0002_conventions_referrals_journals"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name=name,
                name="uuid",
                field=models.UUIDField(editable=False, null=True, verbose_name="identifiant de saisie"),
            )
            for name in JOURNALS
        ),
        migrations.RunPython(fill_uuids, migrations.RunPython.noop),
        *(
            migrations.AlterField(
                model_name=name,
                name="uuid",
                field=models.UUIDField(
                    default=uuid.uuid4, editable=False, unique=True, verbose_name="identifiant de saisie"
                ),
            )
            for name in JOURNALS
        ),
        migrations.AlterField(
            model_name="partnerorganisation",
            name="kind",
            field=models.CharField(
                choices=[
                    ("mission_locale", "Mission Locale"),
                    ("landlord", "Bailleur"),
                    ("prevention", "Prévention spécialisée"),
                    ("child_protection", "Protection de l'enfance (ASE, PMI, CRIP du département)"),
                    ("social_centre", "Centre social"),
                    ("mjc", "MJC"),
                    ("school", "Établissement scolaire"),
                    ("local_authority", "Collectivité"),
                    ("caf", "CAF"),
                    ("company", "Entreprise"),
                    ("association", "Association"),
                    ("other", "Autre"),
                ],
                max_length=20,
                verbose_name="type de structure",
            ),
        ),
    ]
