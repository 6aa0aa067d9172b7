import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from altm.models import AuditEntry
from mediation import services
from mediation.models import ConflictCase, ConflictParties, ConflictSession, ConflictStatus, Intervention
from tests.clock import frozen

pytestmark = frozen()

DAY = date(2026, 11, 2)


def open_case(world, **extra):
    fields = {
        "actor": world.mediator,
        "title": "Nuisances sonores bâtiment C",
        "territory": world.territory_a,
        "parties": ConflictParties.RESIDENTS,
        "opened_on": DAY,
    } | extra
    case, _ = services.open_conflict_case(**fields)
    return case


def session_post(kind="shuttle", key=None, **extra):
    return {"uuid": str(key or uuid.uuid4()), "kind": kind, "date": "2026-11-05", "outcome": "Calme revenu"} | extra


def test_session_records_exactly_one_intervention_line(world, client):
    case = open_case(world)
    client.force_login(world.mediator)
    response = client.post(reverse("mediation:conflict_session_add", args=[case.pk]), session_post(women=1, men=2))
    assert response.status_code == 302
    session = ConflictSession.objects.get()
    line = Intervention.objects.get()
    assert session.intervention == line
    assert line.activity_type.code == "shuttle"
    assert (line.conflict_case, line.team, line.date, line.women, line.men) == (
        case,
        world.team_a,
        date(2026, 11, 5),
        1,
        2,
    )


def test_double_submit_of_a_session_creates_one_session_and_one_line(world, client):
    case = open_case(world)
    client.force_login(world.mediator)
    data = session_post(kind="round_table", agreement_reached="on")
    url = reverse("mediation:conflict_session_add", args=[case.pk])
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert ConflictSession.objects.count() == 1
    assert Intervention.objects.filter(activity_type__code="round_table").count() == 1
    assert ConflictSession.objects.get().agreement_reached


def test_service_called_twice_with_same_uuid_answers_with_the_first_session(world):
    case = open_case(world)
    key = uuid.uuid4()
    first, created = services.record_conflict_session(
        actor=world.mediator, case=case, kind="shuttle", date=DAY, uuid=key
    )
    again, created_again = services.record_conflict_session(
        actor=world.mediator, case=case, kind="shuttle", date=DAY, uuid=key
    )
    assert created and not created_again and first.pk == again.pk
    assert Intervention.objects.count() == 1


def test_real_time_case_records_its_line_once_and_deferred_contact_is_counted(world):
    key = uuid.uuid4()
    case = open_case(world, is_real_time=True, uuid=key)
    open_case(world, is_real_time=True, uuid=key)  # double submit
    assert ConflictCase.objects.count() == 1
    assert list(Intervention.objects.values_list("activity_type__code", flat=True)) == ["conflict_real_time"]
    services.record_conflict_session(actor=world.mediator, case=case, kind="conflict_deferred", date=DAY)
    assert Intervention.objects.filter(activity_type__code="conflict_deferred", conflict_case=case).count() == 1


def test_deferred_case_records_no_line_when_opened(world):
    open_case(world)
    assert Intervention.objects.count() == 0


def test_closing_requires_outcome_and_date_in_french(world, client):
    case = open_case(world)
    client.force_login(world.mediator)
    response = client.post(reverse("mediation:conflict_close", args=[case.pk]), {"closed_on": "", "outcome": ""})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["closed_on"] == ["Indiquez la date de clôture."]
    assert form.errors["outcome"] == ["Indiquez l'issue de la situation."]
    case.refresh_from_db()
    assert case.status == ConflictStatus.OPEN
    with pytest.raises(ValidationError) as exc:
        services.close_conflict_case(actor=world.mediator, case=case, closed_on=None, outcome="")
    assert exc.value.message_dict == {
        "closed_on": ["Indiquez la date de clôture."],
        "outcome": ["Indiquez l'issue de la situation."],
    }


def test_closing_before_opening_is_refused_and_a_closed_case_takes_no_session(world, client):
    case = open_case(world)
    client.force_login(world.mediator)
    url = reverse("mediation:conflict_close", args=[case.pk])
    response = client.post(url, {"closed_on": "2026-10-01", "outcome": "resolved"})
    assert (
        "La date ne peut pas précéder l'ouverture de la situation (02/11/2026)."
        in response.context["form"].errors["closed_on"]
    )
    response = client.post(url, {"closed_on": "2026-11-20", "outcome": "resolved", "outcome_note": "Apaisé"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.closed_on, case.outcome) == (ConflictStatus.CLOSED, date(2026, 11, 20), "resolved")
    with pytest.raises(ValidationError):
        services.record_conflict_session(actor=world.mediator, case=case, kind="shuttle", date=DAY)
    response = client.post(reverse("mediation:conflict_session_add", args=[case.pk]), session_post())
    assert response.status_code == 302
    assert ConflictSession.objects.count() == 0
    assert [e.action for e in AuditEntry.objects.for_object(case).order_by("id")] == ["create", "update"]


def test_agreement_makes_the_case_due_for_follow_up_in_the_list(world, client):
    case = open_case(world, title="Conflit de parking")
    today = timezone.localdate()
    client.force_login(world.mediator)
    response = client.post(
        reverse("mediation:conflict_agreement", args=[case.pk]),
        {"agreement_on": DAY.isoformat(), "agreement_followup_on": (DAY - timedelta(days=1)).isoformat()},
    )
    assert response.context["form"].errors["agreement_followup_on"] == [
        "Le suivi de l'accord ne peut pas précéder sa signature."
    ]
    services.record_conflict_agreement(actor=world.mediator, case=case, agreement_on=DAY, followup_on=today)
    response = client.get(reverse("mediation:conflict_list"))
    assert response.context["due_count"] == 1
    assert "1 protocole d'accord à suivre." in response.content.decode()
    assert "À suivre" in response.content.decode()


def test_list_shows_open_cases_first_and_filters(world, client):
    closed = open_case(world, title="Ancienne situation", opened_on=date(2026, 11, 10))
    services.close_conflict_case(actor=world.mediator, case=closed, closed_on=date(2026, 11, 11), outcome="resolved")
    open_case(world, title="Situation ouverte", opened_on=date(2026, 10, 1))
    client.force_login(world.manager)
    response = client.get(reverse("mediation:conflict_list"))
    assert [c.title for c in response.context["page"]] == ["Situation ouverte", "Ancienne situation"]
    response = client.get(reverse("mediation:conflict_list"), {"status": "closed"})
    assert [c.title for c in response.context["page"]] == ["Ancienne situation"]


def test_other_team_gets_404_on_a_case_and_cannot_log_a_session(world, client):
    case = open_case(world)
    client.force_login(world.mediator_other_team)
    assert client.get(reverse("mediation:conflict_detail", args=[case.pk])).status_code == 404
    assert client.post(reverse("mediation:conflict_session_add", args=[case.pk]), session_post()).status_code == 404
    assert ConflictSession.objects.count() == 0
    assert client.get(reverse("mediation:conflict_list")).context["page"].paginator.count == 0


def test_create_page_opens_a_case_for_the_users_team(world, client):
    client.force_login(world.mediator)
    data = {
        "uuid": str(uuid.uuid4()),
        "is_real_time": "1",
        "title": "Dispute devant le hall",
        "parties": "residents",
        "territory": world.territory_a.pk,
        "site": world.site_a.pk,
        "opened_on": timezone.localdate().isoformat(),
    }
    response = client.post(reverse("mediation:conflict_create"), data)
    case = ConflictCase.objects.get()
    assert response["Location"] == case.get_absolute_url()
    assert case.team == world.team_a and case.is_real_time
    client.post(reverse("mediation:conflict_create"), data)
    assert ConflictCase.objects.count() == 1
    assert Intervention.objects.get().activity_type.code == "conflict_real_time"


def test_list_query_count_does_not_grow_with_rows(world, client, django_assert_num_queries):
    client.force_login(world.mediator)
    url = reverse("mediation:conflict_list")
    for n in range(3):
        case = open_case(world, title=f"Situation {n}")
        services.record_conflict_session(actor=world.mediator, case=case, kind="shuttle", date=DAY)
    client.get(url)
    with django_assert_num_queries(7) as few:
        client.get(url)
    for n in range(12):
        case = open_case(world, title=f"Autre {n}", is_real_time=True)
        services.record_conflict_session(actor=world.mediator, case=case, kind="round_table", date=DAY)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def test_a_session_line_is_managed_from_the_case_not_the_generic_edit(world, client):
    case = open_case(world)
    session, _ = services.record_conflict_session(actor=world.mediator, case=case, kind="shuttle", date=DAY)
    client.force_login(world.mediator)
    response = client.post(reverse("mediation:intervention_delete", args=[session.intervention_id]))
    assert response.status_code == 403
    assert "elle se gère depuis la situation ou le signalement" in response.content.decode()
    assert Intervention.objects.filter(pk=session.intervention_id).exists()
