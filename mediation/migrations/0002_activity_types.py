from django.db import migrations

from mediation.activity_types import ACTIVITY_TYPES


def load_activity_types(apps, schema_editor):
    ActivityType = apps.get_model("mediation", "ActivityType")
    for order, (code, family, label, flags) in enumerate(ACTIVITY_TYPES, start=1):
        ActivityType.objects.update_or_create(
            code=code, defaults={"family": family, "label": label, "order": order * 10, **flags}
        )


class Migration(migrations.Migration):
    dependencies = [("mediation", "0001_initial")]

    operations = [migrations.RunPython(load_activity_types, migrations.RunPython.noop)]
