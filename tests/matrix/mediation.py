from tests.matrix import Route, expect  # noqa: F401

ROUTES: list = []


# --- Field activity: quick entry, tally, outbox endpoints, lists, edit, daily report -------------------------


def _team_a_line(world):
    """A line logged by team A's mediator: other-team users must get 404 on it."""
    from datetime import date

    from mediation import services

    line, _ = services.record_intervention(
        actor=world.mediator,
        date=date(2026, 11, 2),
        territory=world.territory_a,
        activity_type=world.activity("active_listening"),
    )
    return line


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
]


# --- Import / export of intervention lines (interchange format, DOMAIN §8) ----------------------------------

ROUTES += [
    # Whoever sees intervention lines may export them (their scope only); counsellors and administrators do not.
    Route(
        "mediation:intervention_export",
        expect(mediator=200, mediator_other_team=200, manager=200, manager_other_team=200, director=200),
    ),
]
