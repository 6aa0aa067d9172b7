"""Load the 2017-2019 service project of seed 001 (parts, enjeux, axes and every result indicator)."""

from django.db import migrations


def load(apps, schema_editor):
    from reporting.service_projects import PROJECT_2017_2019, load_definition

    load_definition(PROJECT_2017_2019, apps=apps)


def unload(apps, schema_editor):
    apps.get_model("reporting", "ServiceProject").objects.filter(start_year=2017, end_year=2019).delete()


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
