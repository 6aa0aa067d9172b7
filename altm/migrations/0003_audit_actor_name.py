from django.conf import settings
from django.db import migrations, models


def name_past_actors(apps, schema_editor):
    """Past entries get their actor's name as it is now (the one sanctioned write on the journal's past rows)."""
    AuditEntry = apps.get_model("altm", "AuditEntry")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    for user in User.objects.filter(pk__in=AuditEntry.objects.values("actor_id")):
        name = f"{user.first_name} {user.last_name}".strip() or user.username
        AuditEntry.objects.filter(actor_id=user.pk).update(actor_name=name[:300])


class Migration(migrations.Migration):
    dependencies = [
        ("altm", "0002_agency"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="actor_name",
            field=models.CharField(blank=True, max_length=300, verbose_name="nom de l'auteur"),
        ),
        migrations.RunPython(name_past_actors, migrations.RunPython.noop),
    ]
