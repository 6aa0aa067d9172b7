"""The audit trail as the direction reads it."""

from datetime import date, timedelta
from html import unescape

import factory
import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import QuerySet
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from altm.audit import log_change
from altm.audit_views import PAGE_SIZE
from altm.models import AuditEntry
from mediation import services
from mediation.models import Intervention
from tests.clock import frozen
from tests.mediation.factories import ActivityTypeFactory, RecordedInterventionFactory, TerritoryFactory

pytestmark = frozen()


def text(response) -> str:
    return unescape(response.content.decode())


def director_client(world) -> Client:
    client = Client()
    client.force_login(world.director)
    return client


class LineFactory(RecordedInterventionFactory):
    """This module's lines: a rule reminder on 2 November 2026 in L8, recorded by team A's mediator."""

    date = date(2026, 11, 2)
    territory = factory.SubFactory(TerritoryFactory, code="L8")
    activity_type = factory.SubFactory(ActivityTypeFactory, code="rule_reminder")


def test_director_sees_who_changed_what_with_french_field_names(world):
    line = LineFactory(count=2, site=world.site_a)
    services.update_intervention(actor=world.manager, intervention=line, count=5, note="Corrigé par la cheffe")
    response = director_client(world).get(reverse("altm:audit_list"))
    assert response.status_code == 200
    html = text(response)
    assert "Modification" in html and "Création" in html
    assert "Sophie Lambert" in html and "Amina Benali" in html
    rows = response.context["rows"]
    update = rows[0]
    assert update["entry"].action == "update"
    changes = {change["field"]: (change["before"], change["after"]) for change in update["changes"]}
    count_label = str(Intervention._meta.get_field("count").verbose_name).capitalize()
    assert changes[count_label] == ("2", "5")
    created = {change["field"]: change["after"] for change in rows[1]["changes"]}
    site_label = str(Intervention._meta.get_field("site").verbose_name).capitalize()
    date_label = str(Intervention._meta.get_field("date").verbose_name).capitalize()
    assert created[site_label] == "Santy"  # a foreign key shows the object's name, not its id
    assert created[date_label] == "02/11/2026"


def test_deletion_keeps_the_values_it_removed(world):
    line = LineFactory(count=4)
    pk = line.pk
    services.delete_intervention(actor=world.manager, intervention=line)
    response = director_client(world).get(reverse("altm:audit_list"), {"action": "delete"})
    rows = response.context["rows"]
    assert [row["entry"].object_id for row in rows] == [str(pk)]
    count_label = str(Intervention._meta.get_field("count").verbose_name).capitalize()
    assert {c["field"]: c["before"] for c in rows[0]["changes"]}[count_label] == "4"


def test_filters_by_type_user_and_date(world):
    LineFactory()
    manager_line = LineFactory()
    services.update_intervention(actor=world.manager, intervention=manager_line, count=9)
    old = AuditEntry.objects.order_by("id").first()
    # Back-date an entry (the journal is append-only: the test steps around the guard on purpose).
    QuerySet.update(AuditEntry.objects.filter(pk=old.pk), at=timezone.now() - timedelta(days=40))
    client = director_client(world)

    by_user = client.get(reverse("altm:audit_list"), {"actor": world.manager.pk}).context["rows"]
    assert [row["entry"].actor for row in by_user] == [world.manager]

    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    recent = client.get(reverse("altm:audit_list"), {"date_from": since}).context["rows"]
    assert old.pk not in [row["entry"].pk for row in recent]
    assert len(recent) == 2

    site_type = ContentType.objects.get_for_model(world.site_a)
    log_change(actor=world.admin, instance=world.site_a, action="update", before={"name": "Santi"})
    intervention_type = ContentType.objects.get_for_model(Intervention)
    by_type = client.get(reverse("altm:audit_list"), {"content_type": intervention_type.pk}).context["rows"]
    assert {row["entry"].content_type_id for row in by_type} == {intervention_type.pk}
    only_sites = client.get(reverse("altm:audit_list"), {"content_type": site_type.pk}).context["rows"]
    assert [row["entry"].object_repr for row in only_sites] == ["Santy"]


def test_reversed_dates_are_refused_in_french(world):
    response = director_client(world).get(
        reverse("altm:audit_list"), {"date_from": "2026-11-10", "date_to": "2026-11-01"}
    )
    assert "La date de fin précède la date de début." in text(response)


def test_history_of_one_object(world):
    line = LineFactory(count=1)
    other = LineFactory(count=7)
    services.update_intervention(actor=world.manager, intervention=line, count=2)
    content_type = ContentType.objects.get_for_model(Intervention)
    url = reverse("altm:audit_object", args=[content_type.pk, line.pk])
    response = director_client(world).get(url)
    assert response.status_code == 200
    assert [row["entry"].action for row in response.context["rows"]] == ["update", "create"]
    assert str(other.pk) not in [row["entry"].object_id for row in response.context["rows"]]
    missing = reverse("altm:audit_object", args=[content_type.pk, 999999])
    assert director_client(world).get(missing).status_code == 404


@pytest.mark.parametrize("role", ["mediator", "manager", "counsellor", "admin"])
def test_only_the_direction_reads_the_journal(role, world):
    client = Client()
    client.force_login(world.user(role))
    assert client.get(reverse("altm:audit_list")).status_code == 403


def test_query_count_does_not_grow_with_entries(world, django_assert_num_queries):
    client = director_client(world)
    for _ in range(3):
        line = LineFactory(site=world.site_a)
        services.update_intervention(actor=world.manager, intervention=line, count=3)
    client.get(reverse("altm:audit_list"))  # warm the content type cache
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("altm:audit_list"))
    for _ in range(20):
        line = LineFactory(site=world.site_a)
        services.update_intervention(actor=world.manager, intervention=line, count=3)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("altm:audit_list"))
    assert len(response.context["rows"]) == PAGE_SIZE < AuditEntry.objects.count()


@pytest.mark.parametrize(
    "params",
    [
        {"content_type": "abc"},
        {"actor": "99999"},
        {"action": "burn"},
        {"date_from": "2026-02-30"},
        {"date_to": "demain"},
        {"page": "x"},
    ],
)
def test_unreadable_filters_are_refused_in_french_never_a_server_error(world, params):
    LineFactory()
    response = director_client(world).get(reverse("altm:audit_list"), params)
    assert response.status_code == 200
    if "page" not in params:
        (name,) = params
        assert response.context["form"].errors[name][0].startswith(("Sélectionnez", "Saisissez"))
    # The journal stays readable: the most recent entries, unfiltered.
    assert len(response.context["page"]) == min(AuditEntry.objects.count(), 25)
    if "page" in params:
        assert "Numéro de page illisible" in response.content.decode()


def test_the_journal_never_counts_itself(world, django_assert_max_num_queries):
    """A page of the journal reads its rows (one more than shown), never COUNT(*) over the whole journal."""
    for _ in range(30):
        LineFactory()
    client = director_client(world)
    with CaptureQueriesContext(connection) as queries:
        first = client.get(reverse("altm:audit_list"))
    assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "altm_auditentry" in q["sql"]]
    assert first.context["page"].has_next and "Entrées 1 à 25" in first.content.decode()
    second = client.get(reverse("altm:audit_list"), {"page": 2})
    assert second.context["page"].has_previous and second.context["page"].start_index == 26
