"""Frozen years are closed (issue #10, item 10): an entry dated in a year whose annual report is frozen is refused
on every path, except by the director (the frozen report then shows the change); the 7-day edit window counts from
the line's entry by its author, and imported lines are corrected by managers only."""

import json
import uuid
from datetime import date, timedelta
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError
from django.urls import reverse
from django.utils import timezone

from mediation import services
from mediation.models import ConflictParties, Intervention, InterventionSource
from partners.models import PartnerEvent
from reporting import services as reporting_services
from reporting.models import FrozenReport
from tests.clock import frozen
from tests.mediation.factories import RecordedInterventionFactory
from tests.mediation.test_followups import start_followup
from tests.mediation.test_import import HEADER, run_import, write
from tests.partners.factories import make_convention

pytestmark = frozen()

CLOSED_DAY = date(2025, 6, 12)
CLOSED = "L'année 2025 est close : son bilan annuel est figé."


def close_2025(world):
    return FrozenReport.objects.create(
        year=2025, figures={"territories": [], "values": {}}, pdf=b"", frozen_by=world.director
    )


@pytest.fixture
def closed_2025(world):
    return close_2025(world)


def line_in(world, day, **extra):
    return RecordedInterventionFactory(
        date=day,
        territory=world.territory_a,
        site=world.site_a,
        activity_type=world.activity("rule_reminder"),
        count=2,
        **extra,
    )


def entry_data(world, day, **extra):
    return {
        "uuid": str(uuid.uuid4()),
        "date": day.isoformat(),
        "territory": world.territory_a.pk,
        "site": world.site_a.pk,
        "activity_type": world.activity("rule_reminder").pk,
        "count": 2,
        **extra,
    }


def test_the_entry_form_refuses_a_line_in_a_frozen_year(world, client, closed_2025):
    client.force_login(world.mediator)
    response = client.post(reverse("mediation:entry"), entry_data(world, CLOSED_DAY))
    assert response.status_code == 200
    assert CLOSED in unescape(response.content.decode())
    assert not Intervention.objects.exists()
    # The year after is open.
    client.post(reverse("mediation:entry"), entry_data(world, date(2026, 1, 5)))
    assert Intervention.objects.count() == 1


def test_the_json_api_refuses_a_line_in_a_frozen_year(world, client, closed_2025):
    client.force_login(world.mediator)
    response = client.post(
        reverse("mediation:api_intervention"),
        json.dumps(entry_data(world, CLOSED_DAY)),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert CLOSED in json.dumps(response.json(), ensure_ascii=False)
    assert not Intervention.objects.exists()


def test_the_edit_page_keeps_a_frozen_line_and_keeps_lines_out_of_a_frozen_year(world, client):
    old = line_in(world, CLOSED_DAY)
    current = line_in(world, date(2026, 11, 2))
    close_2025(world)
    client.force_login(world.manager)
    data = {"territory": world.territory_a.pk, "site": world.site_a.pk, "activity_type": old.activity_type_id}
    moved_out = client.post(
        reverse("mediation:intervention_edit", args=[old.pk]), {**data, "date": "2026-01-05", "count": 2}
    )
    assert CLOSED in unescape(moved_out.content.decode())
    moved_in = client.post(
        reverse("mediation:intervention_edit", args=[current.pk]), {**data, "date": "2025-12-31", "count": 2}
    )
    assert CLOSED in unescape(moved_in.content.decode())
    response = client.post(reverse("mediation:intervention_delete", args=[old.pk]), follow=True)
    assert CLOSED in unescape(response.content.decode())
    assert Intervention.objects.get(pk=old.pk).date == CLOSED_DAY
    assert Intervention.objects.get(pk=current.pk).date == date(2026, 11, 2)


def test_the_import_refuses_a_row_in_a_frozen_year(world, tmp_path, closed_2025):
    path = write(tmp_path, f"{HEADER}\n2025-03-04,L8,,mediateur,active_listening,,2,,,,,,\n")
    with pytest.raises(CommandError, match="rien n'a été importé"):
        run_import(path)
    assert not Intervention.objects.exists()
    # The same row a year later imports: the year was the fault.
    run_import(write(tmp_path, f"{HEADER}\n2026-03-04,L8,,mediateur,active_listening,,2,,,,,,\n"))
    assert Intervention.objects.count() == 1


def test_the_import_cannot_move_a_line_out_of_a_frozen_year(world, tmp_path):
    line = line_in(world, CLOSED_DAY)
    close_2025(world)
    path = write(tmp_path, f"{HEADER}\n2026-03-04,L8,,mediateur,rule_reminder,,2,,,,,,altm-{line.uuid}\n")
    with pytest.raises(CommandError, match="rien n'a été importé"):
        run_import(path)
    line.refresh_from_db()
    assert line.date == CLOSED_DAY


def test_case_work_services_refuse_a_line_in_a_frozen_year(world, closed_2025):
    case, _ = services.open_conflict_case(
        actor=world.mediator,
        title="Nuisances",
        territory=world.territory_a,
        parties=ConflictParties.RESIDENTS,
        opened_on=date(2025, 3, 1),
    )
    with pytest.raises(ValidationError) as exc:
        services.record_conflict_session(actor=world.mediator, case=case, kind="shuttle", date=CLOSED_DAY)
    assert CLOSED in exc.value.message_dict["date"][0]
    with pytest.raises(ValidationError):
        services.record_technical_report(
            actor=world.mediator,
            territory=world.territory_a,
            site=world.site_a,
            place="Hall",
            problem="Porte",
            reported_on=CLOSED_DAY,
        )
    assert not Intervention.objects.exists()


def test_the_director_may_still_correct_and_the_frozen_report_shows_the_change(world, client):
    line_in(world, CLOSED_DAY)
    reporting_services.freeze_annual_report(actor=world.director, year=2025)
    with pytest.raises(ValidationError):
        services.record_intervention(
            actor=world.manager, date=CLOSED_DAY, territory=world.territory_a, activity_type=world.activity("presence")
        )
    services.record_intervention(
        actor=world.director,
        author=world.mediator,
        date=CLOSED_DAY,
        territory=world.territory_a,
        activity_type=world.activity("rule_reminder"),
        count=3,
    )
    client.force_login(world.director)
    page = unescape(client.get(reverse("reporting:frozen_detail", args=[2025])).content.decode())
    assert "diffère aujourd'hui des chiffres figés" in page or "diffèrent aujourd'hui des chiffres figés" in page


def test_the_edit_window_counts_from_the_entry_not_from_the_line_date(world, client):
    client.force_login(world.mediator)
    # Dated a month ago, entered today by its author: still editable.
    recent = line_in(world, timezone.localdate() - timedelta(days=30), author=world.mediator, actor=world.mediator)
    assert client.get(reverse("mediation:intervention_edit", args=[recent.pk])).status_code == 200
    # The same line entered 8 days ago: locked, whatever its date.
    Intervention.objects.filter(pk=recent.pk).update(created_at=timezone.now() - timedelta(days=8))
    assert client.get(reverse("mediation:intervention_edit", args=[recent.pk])).status_code == 403


def test_imported_lines_are_corrected_by_managers_not_by_their_mediator(world, client):
    line = line_in(world, date(2026, 11, 20), author=world.mediator, actor=world.mediator)
    Intervention.objects.filter(pk=line.pk).update(source=InterventionSource.IMPORT)
    client.force_login(world.mediator)
    locked = client.get(reverse("mediation:intervention_edit", args=[line.pk]))
    assert locked.status_code == 403
    assert "seul le manager de l'équipe peut la corriger" in unescape(locked.content.decode())
    assert client.post(reverse("mediation:intervention_delete", args=[line.pk])).status_code == 403
    client.force_login(world.manager)
    assert client.get(reverse("mediation:intervention_edit", args=[line.pk])).status_code == 200


def test_follow_ups_and_partner_events_counted_by_year_are_refused_in_a_frozen_year(world, client, closed_2025):
    with pytest.raises(ValidationError) as exc:
        start_followup(world, started_on=CLOSED_DAY)
    assert CLOSED in exc.value.message_dict["started_on"][0]
    followup = start_followup(world, started_on=date(2026, 1, 10))
    with pytest.raises(ValidationError):
        services.update_followup(actor=world.mediator, followup=followup, next_action_on=None, ended_on=CLOSED_DAY)
    convention = make_convention(world, signed_on=date(2024, 5, 15))
    client.force_login(world.manager)
    event = {"kind": "meeting", "date": CLOSED_DAY.isoformat(), "site": world.site_a.pk, "days": 0}
    response = client.post(reverse("partners:event_create", args=[convention.pk]), event | {"situations_reviewed": 1})
    assert CLOSED in unescape(response.content.decode())
    assert not PartnerEvent.objects.exists()


def test_the_json_undo_of_a_line_in_a_frozen_year_is_refused(world, client):
    line = line_in(world, date(2025, 12, 31), author=world.mediator, actor=world.mediator)
    close_2025(world)
    client.force_login(world.mediator)
    response = client.post(reverse("mediation:api_intervention_undo", args=[line.uuid]))
    assert response.status_code == 400
    assert CLOSED in json.dumps(response.json(), ensure_ascii=False)
    assert Intervention.objects.filter(pk=line.pk).exists()
