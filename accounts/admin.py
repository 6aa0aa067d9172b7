from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _


class UserAdmin(BaseUserAdmin):
    """The users' admin; `altm.admin` registers it with its changes of rights audited (the journal lives above)."""

    list_display = ["username", "first_name", "last_name", "email", "role", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Rôle dans l'agence"), {"fields": ["role", "phone"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (_("Rôle dans l'agence"), {"fields": ["role", "first_name", "last_name", "email", "phone"]}),
    ]
