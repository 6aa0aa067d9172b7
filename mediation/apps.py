from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "mediation"
    verbose_name = _("Médiation : organisation et activité")

    def ready(self):
        # Services import the models, which need the app registry ready: hence this import here (Django's way).
        from altm.audit import ENTRY_READERS
        from mediation.services import note_audit_entries_read

        if note_audit_entries_read not in ENTRY_READERS:
            ENTRY_READERS.append(note_audit_entries_read)
        post_migrate.connect(_roll_up_triggers, sender=self)


def _roll_up_triggers(sender, using, **kwargs):
    """The roll-ups' triggers survive every migration (SQLite drops a table's triggers when it alters it)."""
    from mediation import totals

    totals.ensure_installed(using)
