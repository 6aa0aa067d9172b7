"""Every URL's GET parameters fuzzed with bad values, as the director, a manager and a mediator: no answer is a
500 (issue #10, item 14). An invalid value answers 400 or falls back with a French message."""

import django_filters
import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from altm.params import parse_day, parse_week
from tests.clock import frozen
from tests.test_url_matrix import ROUTES

pytestmark = frozen()

BAD_VALUES = [
    "2026-02-30",
    "0001-01-01",
    "9999-12-31",
    "9999-W52",
    "0000-W00",
    "2026-W99",
    "\x00",
    "a\x00b",
    "NaN",
    "inf",
    "-1",
    "99999999999999999999999",
    "2026-13",
    "9999",
    "-",
    "1e309",
    "é",
]
# Each name alone gets one value of each kind (a full run of BAD_VALUES per name would take minutes).
ONE_OF_EACH_KIND = ["2026-02-30", "0001-01-01", "9999-12-31", "9999-W52", "a\x00b", "NaN", "99999999999999999999999"]
# The names the views read from request.GET (grep `request.GET`), plus every filter form's and filterset's fields.
NAMES = {
    "date",
    "start",
    "end",
    "week",
    "year",
    "years",
    "annee",
    "month",
    "period",
    "page",
    "territory",
    "team",
    "site",
    "activity",
    "activity_type",
    "mediator",
    "author",
    "q",
    "personne",
    "person",
    "destinataire",
    "status",
    "statut",
    "format",
    "mine",
    "kind",
    "type",
    "source",
    "scope",
    "organisation",
    "landlord",
    "days",
    "next",
    "uuid",
    "mode",
    "counsellor",
    "family",
    "action",
    "actor",
}
FUZZED_ROLES = ["director", "manager", "mediator"]


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def parameter_names() -> list[str]:
    names = set(NAMES)
    for form in _subclasses(forms.Form):
        if form.__module__.split(".")[0] in {"mediation", "partners", "reporting", "altm", "accounts"}:
            names.update(form.base_fields)
    for filterset in _subclasses(django_filters.FilterSet):
        if filterset.__module__.split(".")[0] in {"mediation", "partners", "reporting", "altm", "accounts"}:
            for name, declared in filterset.base_filters.items():
                names.add(name)
                if isinstance(declared, django_filters.DateFromToRangeFilter | django_filters.RangeFilter):
                    names.update({f"{name}_after", f"{name}_before", f"{name}_min", f"{name}_max"})
    return sorted(names)


GET_ROUTES = [route for route in ROUTES if route.method == "get"]


@pytest.fixture
def read_names(monkeypatch):
    """The GET parameter names a request reads (the views, their forms and filtersets all go through these)."""
    names = set()
    for method in ("__getitem__", "get", "getlist", "__contains__"):
        original = getattr(MultiValueDict, method)

        def recording(self, key, *args, _original=original, _method=method, **kwargs):
            # Building a QueryDict asks `in` of every key while it is still mutable: that is not a read.
            if _method != "__contains__" or getattr(self, "_mutable", True) is False:
                names.add(key)
            return _original(self, key, *args, **kwargs)

        monkeypatch.setattr(MultiValueDict, method, recording)
    return names


@pytest.mark.parametrize("role", FUZZED_ROLES)
@pytest.mark.parametrize("route", GET_ROUTES, ids=lambda route: route.name)
def test_bad_get_parameters_never_answer_500(route, role, world, read_names):
    expected = route.expected(world) if callable(route.expected) else route.expected
    if expected.get(role) != 200:
        pytest.skip("ce rôle n'ouvre pas cette page")
    url = reverse(route.name, kwargs=route.kwargs(world) if route.kwargs else {})
    client = Client(raise_request_exception=False)
    client.force_login(world.user(role))
    names = parameter_names()
    failures = []
    # Without parameters, then every name at once (forms check every field): this tells which names the page reads.
    plain = client.get(url)
    assert plain.status_code < 500
    # A PDF takes a second to render: its page is probed with fewer values at once.
    at_once = ONE_OF_EACH_KIND[:1] if plain.get("Content-Type") == "application/pdf" else BAD_VALUES
    for value in at_once:
        if client.get(url, dict.fromkeys(names, value)).status_code >= 500:
            failures.append((value, "*"))
    # ... then each name the page read alone, with each value (a view may stop at its first bad parameter).
    for name in sorted(read_names & set(names)):
        for value in ONE_OF_EACH_KIND:
            if client.get(url, {name: value}).status_code >= 500:
                failures.append((value, name))
    assert not failures, f"{url} en 500 pour : {failures}"


@pytest.mark.parametrize("value", ["2026-02-30", "0001-01-01", "9999-12-31", "a\x00b", "NaN", ""])
def test_parse_day_refuses_what_date_arithmetic_cannot_hold(value):

    assert parse_day(value) is None


@pytest.mark.parametrize("value", ["9999-W52", "2026-W99", "0000-W01", "2026-W\x00", "NaN-W1", "2026-W"])
def test_parse_week_refuses_weeks_that_do_not_exist(value):

    assert parse_week(value) is None


def test_a_bad_date_falls_back_with_a_french_message(world, client):
    client.force_login(world.manager)
    response = client.get(reverse("mediation:daily_report"), {"date": "9999-12-31"}, follow=True)
    assert response.status_code == 200
    assert "Date illisible" in response.content.decode()
    response = client.get(reverse("mediation:technical_synthesis"), {"week": "9999-W52"})
    assert response.status_code == 400
    assert "Semaine invalide" in response.content.decode()
