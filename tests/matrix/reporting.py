from tests.matrix import Route, expect

DIRECTOR_ONLY = expect(director=200)


def project_2017(world):
    from reporting.models import ServiceProject

    return {"pk": ServiceProject.objects.get(start_year=2017).pk}


def frozen_2025(world):
    from reporting.models import FrozenReport

    FrozenReport.objects.get_or_create(
        year=2025,
        defaults={"figures": {"territories": [], "values": {}}, "pdf": b"%PDF-1.7 test", "frozen_by": world.director},
    )
    return {"year": 2025}


def convention(world):
    from datetime import date

    from partners.models import Convention

    item, _created = Convention.objects.get_or_create(
        organisation=world.organisation, title="Convention ALTM – Mission Locale", signed_on=date(2024, 3, 1)
    )
    return {"pk": item.pk, "year": 2025}


def funder(world):
    from tests.partners.factories import AttributionFactory, FunderFactory

    item = FunderFactory(code="ville-lyon", name="Ville de Lyon")
    AttributionFactory(dispositif__funder=item, territory=world.territory_a)
    return {"code": item.code, "year": 2025}


def post(world):
    from tests.partners.factories import AdultRelayPostFactory

    item = AdultRelayPostFactory(holder=world.mediator)
    return {"pk": item.pk, "year": 2025}


CONVENTION_READERS = expect(manager=200, manager_other_team=200, director=200)

ROUTES = [
    Route("reporting:registers", expect(manager=200, manager_other_team=200, director=200)),
    Route("reporting:team_dashboard", expect(manager=200, manager_other_team=200, director=200)),
    Route(
        "reporting:team_dashboard_figures",
        expect(manager=200, manager_other_team=200, director=200),
        kwargs=lambda world: {"fmt": "csv"},
    ),
    Route("reporting:overview", DIRECTOR_ONLY),
    Route("reporting:overview_figures", DIRECTOR_ONLY, kwargs=lambda world: {"fmt": "xlsx"}),
    Route("reporting:evaluation", DIRECTOR_ONLY),
    Route("reporting:evaluation_export", DIRECTOR_ONLY, kwargs=lambda world: {"fmt": "csv"}),
    # Freezing needs a POST; the director is sent to the frozen report.
    Route("reporting:freeze", expect(director=302), method="post", data={"year": 2024}),
    Route("reporting:frozen_detail", DIRECTOR_ONLY, kwargs=frozen_2025),
    Route("reporting:frozen_pdf", DIRECTOR_ONLY, kwargs=frozen_2025),
    Route("reporting:convention_review", CONVENTION_READERS, kwargs=convention),
    Route("reporting:convention_review_pdf", CONVENTION_READERS, kwargs=convention),
    Route("reporting:convention_review_xlsx", CONVENTION_READERS, kwargs=convention),
    # Writing the comments and freezing them are the director's; both answer with the review page.
    Route(
        "reporting:review_note",
        expect(director=302),
        kwargs=convention,
        method="post",
        data={"comments": "Bonne année", "perspectives": ""},
    ),
    Route("reporting:review_freeze", expect(director=302), kwargs=convention, method="post"),
    Route("reporting:funder_list", DIRECTOR_ONLY),
    Route("reporting:funder_report", DIRECTOR_ONLY, kwargs=funder),
    Route("reporting:funder_report_export", DIRECTOR_ONLY, kwargs=lambda world: {**funder(world), "fmt": "csv"}),
    Route("reporting:post_summary", DIRECTOR_ONLY, kwargs=post),
    Route("reporting:post_summary_pdf", DIRECTOR_ONLY, kwargs=post),
    # The partner version: the counsellor of the convention's organisation (another organisation gets 404), and the
    # agency's readers, who may check what the partner sees.
    Route(
        "reporting:partner_review",
        expect(manager=200, manager_other_team=200, director=200, counsellor=200, counsellor_other_org=404),
        kwargs=convention,
    ),
    Route(
        "reporting:partner_review_pdf",
        expect(manager=200, manager_other_team=200, director=200, counsellor=200, counsellor_other_org=404),
        kwargs=convention,
    ),
    Route("reporting:partner_conventions", expect(counsellor=200, counsellor_other_org=200)),
    Route("reporting:project_list", DIRECTOR_ONLY),
    Route("reporting:project_detail", DIRECTOR_ONLY, kwargs=project_2017),
    Route("reporting:project_pdf", DIRECTOR_ONLY, kwargs=project_2017),
    Route("reporting:project_entry", DIRECTOR_ONLY, kwargs=lambda world: {**project_2017(world), "year": 2017}),
]
