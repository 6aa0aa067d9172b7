"""Load the built-in indicators as data (reporting.indicators.builtin), then turn the manual indicators of the
2017-2019 service project that the registers now compute into computed ones."""

from django.db import migrations


def load(apps, schema_editor):
    from reporting.indicators.builtin import load_builtin
    from reporting.service_projects import move_to_computed

    load_builtin(apps=apps)
    move_to_computed(apps=apps)


def unload(apps, schema_editor):
    apps.get_model("reporting", "IndicatorDefinition").objects.filter(is_builtin=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("mediation", "0002_activity_types"),
        ("reporting", "0004_registers_indicator_definitions"),
    ]

    operations = [migrations.RunPython(load, unload)]
