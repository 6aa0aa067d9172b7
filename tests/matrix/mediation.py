from datetime import date

from mediation import services
from mediation.landlord_links import make_token
from mediation.models import ConflictParties, ContactKind, FollowUpKind
from tests.matrix import Route, expect  # noqa: F401
from tests.mediation.factories import RecordedInterventionFactory

ROUTES: list = []


# --- Field activity: quick entry, tally, outbox endpoints, lists, edit, daily report -------------------------


def _team_a_line(world):
    """A line logged by team A's mediator: other-team users must get 404 on it."""
    return RecordedInterventionFactory(
        author=world.mediator,
        date=date(2026, 11, 2),
        territory=world.territory_a,
        activity_type=world.activity("active_listening"),
    )


_LOGGERS = {"mediator": 200, "mediator_other_team": 200, "manager": 200, "manager_other_team": 200}
_API = {"anonymous": 401, "mediator": 400, "mediator_other_team": 400, "manager": 400, "manager_other_team": 400}
_LINE_A = {"mediator": 200, "mediator_other_team": 404, "manager": 200, "manager_other_team": 404}

ROUTES += [
    Route("mediation:entry", expect(**_LOGGERS)),
    Route("mediation:tally", expect(**_LOGGERS)),
    # An empty (non-JSON) body: the logging roles get 400 with French errors; no session gives 401, not a redirect.
    Route("mediation:api_intervention", expect(**_API), method="post"),
    # The mediator (author) undoes the line; the roles asked after find nothing to undo (404). The manager's 403
    # on a team line they did not write is tested in tests/mediation/test_tally.py.
    Route(
        "mediation:api_intervention_undo",
        expect(anonymous=401, mediator=200, mediator_other_team=404, manager=404, manager_other_team=404),
        kwargs=lambda world: {"uuid": _team_a_line(world).uuid},
        method="post",
    ),
    Route("mediation:my_interventions", expect(**_LOGGERS)),
    Route("mediation:team_interventions", expect(manager=200, manager_other_team=200, director=200)),
    # The direction sees every line but does not correct them: 403 with the reason.
    Route("mediation:intervention_edit", expect(**_LINE_A), kwargs=lambda world: {"pk": _team_a_line(world).pk}),
    Route("mediation:intervention_delete", expect(**_LINE_A), kwargs=lambda world: {"pk": _team_a_line(world).pk}),
    Route("mediation:daily_report", expect(manager=200, manager_other_team=200, director=200)),
    # An empty form: the managers are sent back to the report with the French errors; other roles 403.
    Route("mediation:daily_report_save", expect(manager=302, manager_other_team=302), method="post"),
    Route("mediation:activity_preferences", expect(**_LOGGERS)),
]


# --- Case work: conflict cases, follow-ups, person records, technical watch (objects of team A) ---------------


def casework_objects(world) -> dict:
    """One conflict case, follow-up (and its person) and technical report of team A, made once per world."""
    if "casework" not in world.extra:
        day = date(2026, 11, 2)
        case, _ = services.open_conflict_case(
            actor=world.mediator,
            title="Nuisances sonores bâtiment C",
            territory=world.territory_a,
            parties=ConflictParties.RESIDENTS,
            opened_on=day,
        )
        followup, _ = services.record_followup(
            actor=world.mediator,
            kind=FollowUpKind.ISOLATED,
            team=world.team_a,
            started_on=day,
            new_person={"alias": "Mme R.", "birth_year": 1950, "gender": "F", "territory": world.territory_a},
        )
        report, _ = services.record_technical_report(
            actor=world.mediator,
            territory=world.territory_a,
            site=world.site_a,
            place="Allée 3, hall",
            problem="Éclairage du hall hors service",
            reported_on=day,
        )
        contact, _ = services.record_followup_contact(
            actor=world.mediator, followup=followup, date=day, kind=ContactKind.MEETING, note="Rencontre au marché"
        )
        party = services.add_conflict_party(
            actor=world.mediator, case=case, label="Locataire du 2e", consent_given_on=day
        )
        agreed, _ = services.open_conflict_case(
            actor=world.mediator,
            title="Jets d'objets allée 5",
            territory=world.territory_a,
            parties=ConflictParties.RESIDENTS,
            opened_on=day,
        )
        services.record_conflict_agreement(
            actor=world.mediator,
            case=agreed,
            agreement_on=day,
            followup_on=date(2026, 12, 2),
            points="Calme après 22 h",
        )
        world.extra["casework"] = {
            "case": case,
            "followup": followup,
            "report": report,
            "party": party,
            "contact": contact,
            "agreed_case": agreed,
        }
    return world.extra["casework"]


def _photo(world):
    from altm.photos import clean_photo
    from tests.mediation.test_photos import jpeg_with_gps

    report = casework_objects(world)["report"]
    photo = services.add_technical_photo(actor=world.mediator, report=report, image=clean_photo(jpeg_with_gps()))
    return {"pk": report.pk, "photo_pk": photo.pk}


def _pk(kind):
    def kwargs(world):
        objects = casework_objects(world)
        target = objects["followup"].person if kind == "person" else objects[kind]
        return {"pk": target.pk}

    return kwargs


def _landlord_link(world):
    report = casework_objects(world)["report"]
    return {"pk": report.pk, "token": make_token(report)}


_READERS = {"mediator": 200, "mediator_other_team": 200, "manager": 200, "manager_other_team": 200, "director": 200}
_WORKERS = {"mediator": 200, "mediator_other_team": 200, "manager": 200, "manager_other_team": 200}
_TEAM_A_WORK = {"mediator": 200, "mediator_other_team": 404, "manager": 200, "manager_other_team": 404}
_TEAM_A_READ = {**_TEAM_A_WORK, "director": 200}

ROUTES += [
    Route("mediation:conflict_list", expect(**_READERS)),
    Route("mediation:conflict_create", expect(**_WORKERS)),
    Route("mediation:conflict_detail", expect(**_TEAM_A_READ), kwargs=_pk("case")),
    Route("mediation:conflict_session_add", expect(**_TEAM_A_WORK), kwargs=_pk("case")),
    Route("mediation:conflict_agreement", expect(**_TEAM_A_WORK), kwargs=_pk("case")),
    Route("mediation:conflict_close", expect(**_TEAM_A_WORK), kwargs=_pk("case")),
    Route("mediation:conflict_party_add", expect(**_TEAM_A_WORK), kwargs=_pk("case")),
    # The mediator's withdrawal ends the mediation (redirect); the manager is told it is withdrawn already (redirect).
    Route(
        "mediation:conflict_party_withdraw",
        expect(**{**_TEAM_A_WORK, "mediator": 302, "manager": 302}),
        kwargs=lambda world: {
            "pk": casework_objects(world)["case"].pk,
            "party_pk": casework_objects(world)["party"].pk,
        },
        method="post",
    ),
    Route("mediation:conflict_agreement_pdf", expect(**_TEAM_A_READ), kwargs=_pk("agreed_case")),
    Route("mediation:followup_list", expect(**_WORKERS)),
    Route("mediation:followup_create", expect(**_WORKERS)),
    Route("mediation:followup_edit", expect(**_TEAM_A_WORK), kwargs=_pk("followup")),
    # An empty form: the team's workers get the page back with the errors (400); other teams 404.
    Route(
        "mediation:followup_contact_add",
        expect(mediator=400, mediator_other_team=404, manager=400, manager_other_team=404),
        kwargs=_pk("followup"),
        method="post",
    ),
    # Only the author corrects a contact: the manager is sent back to the follow-up with the reason.
    Route(
        "mediation:followup_contact_edit",
        expect(mediator=200, mediator_other_team=404, manager=302, manager_other_team=404),
        kwargs=_pk("contact"),
    ),
    Route("mediation:api_followup_contact", expect(**_API), method="post"),
    # The director is outside every team: asked why, then logged. Other roles: 404 unless a rule allows.
    Route("mediation:person_search", expect(**_WORKERS)),
    Route("mediation:person_detail", expect(404, **_TEAM_A_READ), kwargs=_pk("person")),
    Route("mediation:technical_list", expect(**_READERS)),
    Route("mediation:technical_create", expect(**_WORKERS)),
    Route("mediation:technical_detail", expect(**_TEAM_A_READ), kwargs=_pk("report")),
    Route("mediation:technical_photo", expect(**_TEAM_A_READ), kwargs=lambda world: _photo(world)),
    Route("mediation:technical_synthesis", expect(**_READERS)),
    # The landlord's page: public (a signed link is the key), the same for every role and for no session.
    Route("mediation:landlord_report", expect(default=200, anonymous=200), kwargs=_landlord_link),
]


# --- Import / export of intervention lines (interchange format, DOMAIN §8) ----------------------------------

ROUTES += [
    # Whoever sees intervention lines may export them (their scope only); counsellors and administrators do not.
    Route(
        "mediation:intervention_export",
        expect(mediator=200, mediator_other_team=200, manager=200, manager_other_team=200, director=200),
    ),
]
