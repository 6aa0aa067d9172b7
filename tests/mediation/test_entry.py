"""Quick entry: the plain form (no JavaScript) and the JSON endpoint behind the outbox share one validation."""

import json
import uuid
from datetime import date, timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from altm.models import AuditEntry
from mediation.models import Intervention, InterventionSource, ReferralMode
from tests.accounts.factories import UserFactory
from tests.clock import frozen
from tests.mediation.factories import RecordedInterventionFactory, SiteFactory

pytestmark = frozen()


def post_json(client, payload):
    return client.post(reverse("mediation:api_intervention"), json.dumps(payload), content_type="application/json")


def payload(world, **extra):
    return {
        "uuid": str(uuid.uuid4()),
        "date": timezone.localdate().isoformat(),
        "territory": world.territory_a.pk,
        "site": world.site_a.pk,
        "activity_type": world.activity("rule_reminder").pk,
        "count": 2,
        **extra,
    }


def test_page_prefills_today_territory_and_last_site(client, world):
    other_site = SiteFactory(territory=world.territory_a, name="Mermoz Sud")
    RecordedInterventionFactory(
        author=world.mediator,
        date=timezone.localdate() - timedelta(days=1),
        territory=world.territory_a,
        site=other_site,
        activity_type=world.activity("presence"),
    )
    client.force_login(world.mediator)
    response = client.get(reverse("mediation:entry"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["date"].value() == timezone.localdate()
    assert form["territory"].value() == world.territory_a.pk
    assert form["site"].value() == other_site.pk  # the last site used, not the first one
    html = unescape(response.content.decode())
    assert "Aujourd'hui · Lyon 8 · Mermoz Sud" in html
    # Activity types as buttons, grouped by family, carrying the extra fields their type asks for.
    assert "Gestion de conflits" in html and "Développement partenarial" in html
    referral = world.activity("referral")
    assert f'value="{referral.pk}" id="activity-{referral.pk}"' in html
    assert 'data-extras="mode partner_name"' in html
    # Sites of other territories are not offered; only the mediator's territory is.
    assert "La Duchère" not in html
    assert list(form.fields["territory"].queryset) == [world.territory_a]


def test_plain_form_round_trip_records_one_line_and_confirms(client, world):
    client.force_login(world.mediator)
    key = uuid.uuid4()
    data = {
        "uuid": str(key),
        "date": timezone.localdate().isoformat(),
        "territory": world.territory_a.pk,
        "site": world.site_a.pk,
        "activity_type": world.activity("active_listening").pk,
        "count": 3,
        "women": 1,
        "men": "",
        "unknown": 2,
        "mode": "telephone",  # left over from another choice: the listening does not use a mode
    }
    response = client.post(reverse("mediation:entry"), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("mediation:entry")
    assert "Enregistré ✓ Écoute active × 3 · Santy" in unescape(response.content.decode())
    line = Intervention.objects.get()
    assert (line.uuid, line.count, line.women, line.men, line.unknown) == (key, 3, 1, 0, 2)
    assert line.mode == ""
    assert (line.author, line.team, line.source) == (world.mediator, world.team_a, InterventionSource.ENTRY)
    # A double submit of the same page (same hidden UUID) does not create a second line.
    client.post(reverse("mediation:entry"), data)
    assert Intervention.objects.count() == 1


def test_plain_form_errors_are_french_next_to_the_field_and_keep_the_input(client, world):
    client.force_login(world.mediator)
    data = {
        "date": (timezone.localdate() + timedelta(days=1)).isoformat(),
        "territory": world.territory_a.pk,
        "site": world.site_b.pk,  # another territory's site
        "activity_type": world.activity("referral").pk,
        "count": 0,
        "partner_name": "Mission Locale de Lyon",
        "note": "Jeune orienté vers un conseiller",
    }
    response = client.post(reverse("mediation:entry"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["date"] == ["La date ne peut pas être dans le futur."]
    assert errors["count"] == ["Au moins 1 acte."]
    assert errors["mode"] == ["Choisissez la modalité de la mise en relation."]
    assert "site" in errors
    html = unescape(response.content.decode())
    assert "Au moins 1 acte." in html
    assert "Jeune orienté vers un conseiller" in html  # nothing typed is lost
    assert 'value="Mission Locale de Lyon"' in html
    assert Intervention.objects.count() == 0


def test_missing_activity_is_asked_for_in_french(client, world):
    client.force_login(world.mediator)
    response = client.post(reverse("mediation:entry"), {"date": "", "territory": world.territory_a.pk, "count": 1})
    errors = response.context["form"].errors
    assert errors["activity_type"] == ["Choisissez une activité."]
    assert errors["date"] == ["Indiquez la date."]


def test_json_round_trip_then_same_uuid_answers_200_with_one_row(client, world):
    client.force_login(world.mediator)
    body = payload(world)
    first = post_json(client, body)
    assert first.status_code == 201
    line = Intervention.objects.get()
    assert first.json()["uuid"] == body["uuid"] == str(line.uuid)
    assert first.json()["label"] == "Rappel à la règle"
    again = post_json(client, body)  # a retry after a lost answer, or a double tap
    assert again.status_code == 200
    assert again.json()["id"] == line.pk
    assert Intervention.objects.count() == 1
    assert AuditEntry.objects.for_object(line).count() == 1


def test_json_validation_errors_are_french_by_field(client, world):
    client.force_login(world.mediator)
    response = post_json(client, payload(world, count=0, activity_type="", site=world.site_b.pk))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["count"] == ["Au moins 1 acte."]
    assert errors["activity_type"] == ["Choisissez une activité."]
    assert "site" in errors
    assert Intervention.objects.count() == 0


def test_json_extra_fields_follow_the_activity(client, world):
    client.force_login(world.mediator)
    response = post_json(
        client,
        payload(world, activity_type=world.activity("referral").pk, mode="simple", partner_name="Mission Locale"),
    )
    assert response.status_code == 201
    line = Intervention.objects.get()
    assert (line.mode, line.partner_name) == (ReferralMode.SIMPLE, "Mission Locale")


@pytest.mark.parametrize("body", [b"pas du json", b"[1, 2]"])
def test_json_unreadable_body_is_400(client, world, body):
    client.force_login(world.mediator)
    response = client.post(reverse("mediation:api_intervention"), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"]["__all__"] == ["Requête illisible : envoyez un objet JSON."]


def test_json_without_uuid_is_refused(client, world):
    client.force_login(world.mediator)
    body = payload(world)
    del body["uuid"]
    response = post_json(client, body)
    assert response.status_code == 400
    assert response.json()["errors"]["uuid"] == ["Identifiant de saisie manquant."]


def test_json_cannot_log_in_another_teams_territory(client, world):
    client.force_login(world.mediator)
    response = post_json(client, payload(world, territory=world.territory_b.pk, site=""))
    assert response.status_code == 400
    assert "territory" in response.json()["errors"]
    assert Intervention.objects.count() == 0


def test_json_uuid_of_someone_else_is_not_confirmed(client, world):
    body = payload(world)
    client.force_login(world.mediator)
    assert post_json(client, body).status_code == 201
    client.force_login(world.manager)
    response = post_json(client, body)
    assert response.status_code == 400
    assert response.json()["errors"]["uuid"] == ["Cet identifiant de saisie est déjà utilisé."]


def test_json_session_lost_is_401_not_a_login_page(client, world):
    response = post_json(client, payload(world))
    assert response.status_code == 401
    assert "reconnectez-vous" in response.json()["errors"]["__all__"][0]


def test_json_csrf_is_enforced(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.mediator)
    response = post_json(client, payload(world))
    assert response.status_code == 403
    assert Intervention.objects.count() == 0


def test_an_old_date_is_accepted(client, world):
    client.force_login(world.mediator)
    response = post_json(client, payload(world, date=date(2026, 1, 5).isoformat()))
    assert response.status_code == 201


def test_a_mediator_without_team_is_told_what_to_do(client, world):
    newcomer = UserFactory(username="nouvelle", role=Role.MEDIATOR)
    client.force_login(newcomer)
    for name in ("mediation:entry", "mediation:tally"):
        response = client.get(reverse(name))
        assert "Vous n'êtes rattaché(e) à aucune équipe" in unescape(response.content.decode())


def test_entry_suggests_the_partner_organisations(client, world):
    client.force_login(world.mediator)
    html = client.get(reverse("mediation:entry")).content.decode()
    assert '<option value="Mission Locale de Lyon">' in html
    assert '<option value="ADSEA 69">' in html


def test_recording_a_line_costs_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    client.force_login(world.mediator)
    data = payload(world)
    post_json(client, payload(world))  # warm the content-type cache as a running server has it
    # One reads the closed (frozen) years, one the validated days, one looks for a tally tap with this UUID.
    with django_assert_max_num_queries(21):
        response = post_json(client, data)
    assert response.status_code == 201
