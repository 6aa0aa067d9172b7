from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _reference_data_may_have_changed(using="default", **kwargs):
    """Data migrations write through historical models, which send no signal the reference cache listens to."""
    # Models need the app registry ready: imported when the signal comes (Django's way, as in `ready`).
    from altm import reference
    from altm.models import ReferenceVersion

    if ReferenceVersion._meta.db_table in connections[using].introspection.table_names():
        reference.changed(using=using)


class AltmConfig(AppConfig):
    name = "altm"
    verbose_name = _("Agence")

    def ready(self):
        post_migrate.connect(_reference_data_may_have_changed, sender=self, dispatch_uid="altm-reference-migrate")
