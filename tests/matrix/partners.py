"""Partners: organisations and conventions for agency staff, referrals by team, counsellors by organisation."""

from tests.matrix import Route, expect
from tests.partners.factories import partner_objects

STAFF = {"mediator": 200, "mediator_other_team": 200, "manager": 200, "manager_other_team": 200, "director": 200}
FIELD = {"mediator": 200, "mediator_other_team": 200, "manager": 200, "manager_other_team": 200}
READERS = {"manager": 200, "manager_other_team": 200, "director": 200}
COUNSELLORS = {"counsellor": 200, "counsellor_other_org": 200}
# An object of team A addressed to organisation A: the other team and the other organisation get 404.
TEAM_A_OBJECT = {"mediator": 200, "mediator_other_team": 404, "manager": 200, "manager_other_team": 404}


def obj(name):
    return lambda world: {"pk": partner_objects(world)[name].pk}


def organisation(world):
    return {"pk": world.organisation.pk}


def person(world):
    return {"pk": partner_objects(world)["person"].pk}


ROUTES = [
    Route("partners:register_page", expect(**READERS), kwargs=lambda world: {"register": "formations"}),
    Route("partners:organisation_list", expect(**STAFF)),
    Route("partners:organisation_detail", expect(**STAFF), kwargs=organisation),
    Route("partners:convention_list", expect(**READERS)),
    Route("partners:convention_create", expect(director=200)),
    Route("partners:convention_detail", expect(**READERS), kwargs=obj("convention")),
    Route("partners:convention_edit", expect(director=200), kwargs=obj("convention")),
    Route("partners:amendment_create", expect(director=200), kwargs=obj("convention")),
    Route("partners:commitment_create", expect(director=200), kwargs=obj("convention")),
    Route("partners:event_create", expect(**READERS), kwargs=obj("convention")),
    Route("partners:event_list", expect(**READERS)),
    Route("partners:referral_list", expect(**STAFF)),
    Route("partners:referral_create", expect(**FIELD)),
    Route(
        "partners:referral_detail",
        expect(**TEAM_A_OBJECT, director=200, counsellor=200, counsellor_other_org=404),
        kwargs=obj("referral"),
    ),
    # An empty POST is refused by the form (400) for those who may change the status; nothing changes.
    Route(
        "partners:referral_status",
        expect(
            mediator=400,
            mediator_other_team=404,
            manager=400,
            manager_other_team=404,
            counsellor=400,
            counsellor_other_org=404,
        ),
        kwargs=obj("referral"),
        method="post",
    ),
    Route("partners:situation_list", expect(**STAFF, **COUNSELLORS)),
    Route("partners:situation_create", expect(**FIELD)),
    Route(
        "partners:situation_detail",
        expect(**TEAM_A_OBJECT, director=200, counsellor=200, counsellor_other_org=404),
        kwargs=obj("situation"),
    ),
    # An empty POST is refused by the form (400) for both sides; the director reads but does not feed (403).
    Route(
        "partners:situation_outcome",
        expect(
            mediator=400,
            mediator_other_team=404,
            manager=400,
            manager_other_team=404,
            counsellor=400,
            counsellor_other_org=404,
        ),
        kwargs=obj("situation"),
        method="post",
    ),
    Route(
        "partners:situation_meeting",
        expect(**TEAM_A_OBJECT, director=302, counsellor=200, counsellor_other_org=404),
        kwargs=obj("situation"),
    ),
    # The mediator closes it (redirect); the manager of the same team is told it is closed already (redirect too).
    Route(
        "partners:situation_close",
        expect(mediator=302, mediator_other_team=404, manager=302, manager_other_team=404),
        kwargs=obj("situation"),
        method="post",
    ),
    Route("partners:counsellor_home", expect(**COUNSELLORS)),
    Route("partners:counsellor_referral_create", expect(**COUNSELLORS)),
    Route("partners:share_create", expect(**FIELD)),
    Route(
        "partners:share_detail",
        expect(**TEAM_A_OBJECT, director=200, counsellor=200, counsellor_other_org=404),
        kwargs=obj("share"),
    ),
    Route("partners:consent_create", expect(**FIELD)),
    # The first withdrawal redirects; the second (manager, same team) is refused with a message and redirects too.
    Route(
        "partners:consent_withdraw",
        expect(mediator=302, mediator_other_team=404, manager=302, manager_other_team=404),
        kwargs=obj("consent"),
        method="post",
    ),
    Route("partners:consent_mandate", expect(**TEAM_A_OBJECT, director=200), kwargs=obj("consent")),
    Route("partners:consent_mandate_pdf", expect(**TEAM_A_OBJECT, director=200), kwargs=obj("consent")),
    Route("partners:person_sharing", expect(**TEAM_A_OBJECT, director=200), kwargs=person),
    Route("partners:person_access", expect(director=200), kwargs=person),
    Route("partners:person_access_pdf", expect(director=200), kwargs=person),
]
