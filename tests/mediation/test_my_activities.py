"""Each mediator's own activities: pinned favourites and the most used (last 30 days) first on the quick entry; the
tally's buttons chosen among those the administrator allows (12 at most); the count labelled, people apart."""

from datetime import timedelta
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from altm.models import AuditAction, AuditEntry
from mediation import services
from mediation.models import ActivityPreference, ActivityType
from tests.clock import TODAY, frozen
from tests.mediation.factories import RecordedInterventionFactory

pytestmark = frozen()


def lines(world, code, n, *, days_ago=1):
    for _ in range(n):
        RecordedInterventionFactory(
            author=world.mediator,
            date=TODAY - timedelta(days=days_ago),
            territory=world.territory_a,
            activity_type=world.activity(code),
        )


def mine(response):
    groups = dict(response.context["activity_groups"])
    return [item["activity"].code for item in groups.get("Mes activités", [])]


def test_quick_entry_shows_my_most_used_of_30_days_first_then_my_pins(client, world):
    lines(world, "presence", 3)
    lines(world, "rule_reminder", 1, days_ago=29)
    lines(world, "moral_support", 5, days_ago=31)  # too old
    client.force_login(world.mediator)
    response = client.get(reverse("mediation:entry"))
    assert mine(response) == ["presence", "rule_reminder"]
    assert response.context["activity_groups"][0][0] == "Mes activités"
    # Not repeated in their family below.
    others = [item["activity"].code for _, items in response.context["activity_groups"][1:] for item in items]
    assert "presence" not in others and "moral_support" in others
    services.set_activity_preferences(actor=world.mediator, pinned={world.activity("social_watch").pk}, in_tally=set())
    assert mine(client.get(reverse("mediation:entry"))) == ["social_watch", "presence", "rule_reminder"]


def test_the_count_is_labelled_and_people_are_apart_from_acts(client, world):
    client.force_login(world.mediator)
    html = unescape(client.get(reverse("mediation:entry")).content.decode())
    assert '<label class="count-label" for="id_count">Nombre d\'actes</label>' in html
    assert "Personnes rencontrées et note (facultatif)" in html
    assert "ce n'est pas le nombre d'actes" in html


def test_tally_shows_my_chosen_activities_else_my_most_used_allowed_ones(client, world):
    lines(world, "presence", 4)
    lines(world, "moral_support", 2)
    client.force_login(world.mediator)
    codes = [a["activity"].code for a in client.get(reverse("mediation:tally")).context["activities"]]
    assert codes[:2] == ["presence", "moral_support"]
    assert set(codes) == set(ActivityType.objects.filter(in_tally=True).values_list("code", flat=True))
    response = client.post(
        reverse("mediation:activity_preferences"),
        {"in_tally": [world.activity("active_listening").pk, world.activity("rule_reminder").pk], "next": "tally"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("mediation:tally")
    codes = [a["activity"].code for a in client.get(reverse("mediation:tally")).context["activities"]]
    assert codes == ["rule_reminder", "active_listening"]
    assert AuditEntry.objects.filter(content_type__model="activitypreference", action=AuditAction.CREATE).count() == 2


def test_tally_choice_is_limited_to_allowed_types_and_twelve(client, world):
    not_allowed = ActivityType.objects.filter(in_tally=False).first()
    with pytest.raises(ValidationError, match="pas proposée en tournée"):
        services.set_activity_preferences(actor=world.mediator, pinned=set(), in_tally={not_allowed.pk})
    ActivityType.objects.update(in_tally=True)
    too_many = set(ActivityType.objects.values_list("pk", flat=True)[:13])
    client.force_login(world.mediator)
    response = client.post(reverse("mediation:activity_preferences"), {"in_tally": list(too_many)})
    assert response.status_code == 400
    assert "Choisissez 12 activités au plus pour la tournée (vous en avez coché 13)." in unescape(
        response.content.decode()
    )
    assert not ActivityPreference.objects.exists()


def test_unchecking_everything_removes_the_preferences_audited(client, world):
    services.set_activity_preferences(
        actor=world.mediator, pinned={world.activity("presence").pk}, in_tally={world.activity("presence").pk}
    )
    client.force_login(world.mediator)
    page = client.get(reverse("mediation:activity_preferences"))
    assert page.status_code == 200 and 'name="pinned"' in page.content.decode()
    client.post(reverse("mediation:activity_preferences"), {})
    assert not ActivityPreference.objects.exists()
    assert AuditEntry.objects.filter(content_type__model="activitypreference", action=AuditAction.DELETE).count() == 1
