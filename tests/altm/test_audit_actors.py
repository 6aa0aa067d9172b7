"""The audit trail keeps who acted (issue #10, item 11): deleting a user rewrites nothing, and changes of a user's
role and rights made in the admin are journaled, without the password hash."""

from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.models import Role, User
from altm.audit import log_bulk, log_change
from altm.models import AuditAction, AuditEntry
from mediation.models import Territory
from tests.accounts.factories import UserFactory
from tests.altm.test_admin_audit import post_data_from_change_page


def test_an_entry_keeps_the_name_of_a_user_deleted_since(world, client):
    leaver = UserFactory(username="partante", role=Role.MANAGER, first_name="Claire", last_name="Martin")
    log_change(actor=leaver, instance=world.territory_a, action=AuditAction.UPDATE, before={"name": "Ancien"})
    changes = [(world.territory_b.pk, "Lyon 9", "update", {}, {})]
    log_bulk(actor=leaver, model=Territory, changes=changes, at=world.admin.date_joined)
    leaver.delete()
    entries = list(AuditEntry.objects.filter(actor_name="Claire Martin"))
    assert len(entries) == 2
    assert all(entry.actor is None and entry.actor_label == "Claire Martin" for entry in entries)
    client.force_login(world.director)
    page = client.get(reverse("altm:audit_list")).content.decode()
    assert "Claire Martin" in page


def user_page_data(client, url, user) -> dict:
    """The user's change page as shown, ready to post back (the admin splits the date joined in two inputs)."""
    data = post_data_from_change_page(client.get(url))
    data.pop("date_joined", None)
    data.pop("last_login", None)
    return data | {"date_joined_0": f"{user.date_joined:%Y-%m-%d}", "date_joined_1": f"{user.date_joined:%H:%M:%S}"}


def test_role_and_rights_changed_in_the_admin_are_journaled_without_the_password(world, client):
    client.force_login(world.admin)
    target = world.mediator
    url = reverse("admin:accounts_user_change", args=[target.pk])
    data = user_page_data(client, url, target)
    group = Group.objects.create(name="Référents")
    permission = Permission.objects.get(codename="view_territory")
    data.update(role=Role.MANAGER, is_staff="on", groups=[str(group.pk)], user_permissions=[str(permission.pk)])
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    entry = AuditEntry.objects.for_object(target).get()
    assert entry.actor == world.admin and entry.actor_name == str(world.admin)
    changed = {name: (before, after) for name, before, after in entry.changed_fields()}
    assert changed == {
        "role": (Role.MEDIATOR, Role.MANAGER),
        "is_staff": (False, True),
        "groups": ([], ["Référents"]),
        "user_permissions": ([], ["mediation.view_territory"]),
    }
    assert "password" not in entry.before and "password" not in entry.after
    # Saving the page again unchanged journals nothing.
    assert client.post(url, user_page_data(client, url, target)).status_code == 302
    assert AuditEntry.objects.for_object(target).count() == 1


def test_a_user_created_then_deleted_in_the_admin_is_journaled(world, client):
    client.force_login(world.admin)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "nouveau",
            "password1": "Un-mot-de-passe-solide-42",
            "password2": "Un-mot-de-passe-solide-42",
            "usable_password": "true",
            "role": Role.MEDIATOR,
            "first_name": "Léa",
            "last_name": "Roux",
            "email": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    created = User.objects.get(username="nouveau")
    entry = AuditEntry.objects.for_object(created).get()
    assert entry.action == AuditAction.CREATE and entry.after["role"] == Role.MEDIATOR
    assert "password" not in entry.after
    client.post(reverse("admin:accounts_user_delete", args=[created.pk]), {"post": "yes"})
    deleted = AuditEntry.objects.get(action=AuditAction.DELETE)
    assert deleted.before["username"] == "nouveau" and deleted.actor == world.admin
