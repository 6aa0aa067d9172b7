"""Edit and delete: authors for 7 days, managers for their team, every change kept (who, when, what)."""

from datetime import date, timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from altm.models import AuditAction, AuditEntry
from mediation import services
from mediation.models import Intervention
from tests.accounts.factories import UserFactory
from tests.mediation.factories import RecordedInterventionFactory


def make_line(world, *, days_old=0):
    line = RecordedInterventionFactory(
        date=date(2026, 11, 2),
        territory=world.territory_a,
        site=world.site_a,
        activity_type=world.activity("rule_reminder"),
        count=2,
    )
    if days_old:
        Intervention.objects.filter(pk=line.pk).update(created_at=timezone.now() - timedelta(days=days_old))
        line.refresh_from_db()
    return line


def edit_data(world, line, **changes):
    data = {
        "date": line.date.isoformat(),
        "territory": line.territory_id,
        "site": line.site_id or "",
        "activity_type": line.activity_type_id,
        "count": line.count,
        "women": line.women,
        "men": line.men,
        "unknown": line.unknown,
        "note": line.note,
    }
    data.update(changes)
    return data


def test_author_edits_within_seven_days_and_the_change_is_in_the_history(client, world):
    line = make_line(world, days_old=6)
    client.force_login(world.mediator)
    url = reverse("mediation:intervention_edit", args=[line.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, edit_data(world, line, count=5, note="Deux jeunes devant le hall"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("mediation:my_interventions")
    line.refresh_from_db()
    assert (line.count, line.note, line.updated_by) == (5, "Deux jeunes devant le hall", world.mediator)
    html = unescape(client.get(url).content.decode())
    assert "Historique" in html
    assert "Nombre d'actes : 2 → " in html and "<strong>5</strong>" in html
    assert "Note : — → <strong>Deux jeunes devant le hall</strong>" in html


def test_after_seven_days_the_author_is_told_why_and_nothing_changes(client, world):
    line = make_line(world, days_old=8)
    client.force_login(world.mediator)
    url = reverse("mediation:intervention_edit", args=[line.pk])
    response = client.get(url)
    assert response.status_code == 403
    assert "Le délai de 7 jours pour modifier ou supprimer votre saisie est dépassé" in unescape(
        response.content.decode()
    )
    assert client.post(url, edit_data(world, line, count=9)).status_code == 403
    assert client.post(reverse("mediation:intervention_delete", args=[line.pk])).status_code == 403
    line.refresh_from_db()
    assert line.count == 2


def test_manager_corrects_an_old_team_line_and_the_history_names_them(client, world):
    line = make_line(world, days_old=30)
    client.force_login(world.manager)
    url = reverse("mediation:intervention_edit", args=[line.pk])
    response = client.post(url, edit_data(world, line, activity_type=world.activity("active_listening").pk))
    assert response.status_code == 302
    assert response["Location"] == reverse("mediation:team_interventions")
    line.refresh_from_db()
    assert line.activity_type.code == "active_listening"
    update = AuditEntry.objects.for_object(line).get(action=AuditAction.UPDATE)
    assert update.actor == world.manager
    history = [item for item in client.get(url).context["history"] if item["entry"].action == AuditAction.UPDATE]
    assert history[0]["entry"].actor == world.manager
    assert history[0]["changes"] == [{"field": "Activité", "before": "Rappel à la règle", "after": "Écoute active"}]
    html = unescape(client.get(url).content.decode())
    assert "Sophie Lambert" in html and "Activité : Rappel à la règle → <strong>Écoute active</strong>" in html


def test_changing_to_a_type_without_mode_drops_the_mode(client, world):
    line = make_line(world)
    services.update_intervention(
        actor=world.mediator, intervention=line, activity_type=world.activity("referral"), mode="simple"
    )
    client.force_login(world.mediator)
    url = reverse("mediation:intervention_edit", args=[line.pk])
    client.post(url, edit_data(world, line, activity_type=world.activity("rule_reminder").pk, mode="simple"))
    line.refresh_from_db()
    assert (line.activity_type.code, line.mode) == ("rule_reminder", "")


def test_edit_errors_are_french_and_keep_the_input(client, world):
    line = make_line(world)
    client.force_login(world.mediator)
    url = reverse("mediation:intervention_edit", args=[line.pk])
    response = client.post(url, edit_data(world, line, count=0, note="à garder"))
    assert response.status_code == 200
    assert response.context["form"].errors["count"] == ["Au moins 1 acte."]
    assert "à garder" in unescape(response.content.decode())


@pytest.mark.parametrize("name", ["intervention_edit", "intervention_delete"])
def test_other_teams_get_404(client, world, name):
    line = make_line(world)
    for user in (world.mediator_other_team, world.manager_other_team):
        client.force_login(user)
        assert client.get(reverse(f"mediation:{name}", args=[line.pk])).status_code == 404
        assert client.post(reverse(f"mediation:{name}", args=[line.pk])).status_code == 404
    assert Intervention.objects.filter(pk=line.pk).exists()


def test_a_teammate_may_not_edit_someone_elses_line(client, world):
    teammate = UserFactory(username="mediateur.a2", role=Role.MEDIATOR, first_name="Léa", last_name="Rousseau")
    world.team_a.mediators.add(teammate)
    line = make_line(world)
    client.force_login(teammate)
    response = client.get(reverse("mediation:intervention_edit", args=[line.pk]))
    assert response.status_code == 403
    assert "Seuls l'auteur de la saisie" in unescape(response.content.decode())


def test_director_reads_but_does_not_correct(client, world):
    line = make_line(world)
    client.force_login(world.director)
    response = client.get(reverse("mediation:intervention_edit", args=[line.pk]))
    assert response.status_code == 403
    assert "La direction consulte les saisies sans les modifier." in response.content.decode()


def test_delete_asks_first_then_deletes_with_a_trace(client, world):
    line = make_line(world)
    client.force_login(world.mediator)
    url = reverse("mediation:intervention_delete", args=[line.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Supprimer cette saisie ?" in confirm.content.decode()
    assert Intervention.objects.filter(pk=line.pk).exists()
    response = client.post(url, follow=True)
    assert "Saisie supprimée" in unescape(response.content.decode())
    assert not Intervention.objects.filter(pk=line.pk).exists()
    assert AuditEntry.objects.for_object(line).filter(action=AuditAction.DELETE, actor=world.mediator).exists()
