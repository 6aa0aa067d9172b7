"""Load the built-in indicators computed from the shared situations with partners (databases that ran 0004 before
they existed)."""

from django.db import migrations


def load(apps, schema_editor):
    from reporting.indicators.builtin import SHARED_SITUATION_CODES, load_builtin

    load_builtin(apps=apps, codes=SHARED_SITUATION_CODES)


def unload(apps, schema_editor):
    from reporting.indicators.builtin import SHARED_SITUATION_CODES

    apps.get_model("reporting", "IndicatorDefinition").objects.filter(code__in=SHARED_SITUATION_CODES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0005_registers_builtin_indicators"),
        ("partners", "0008_registers_registers"),
    ]

    operations = [migrations.RunPython(load, unload)]
