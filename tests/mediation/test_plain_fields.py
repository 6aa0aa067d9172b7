"""The entry page and the list filters render their fields with `bootstrap_field` (altm/templatetags/fields.py)
instead of crispy's `as_crispy_field`: same label, ids, classes, errors and help text, for every field of the
forms involved, empty and with errors."""

import pytest
from django.template import engines
from django.test import RequestFactory
from django.test.html import parse_html

from mediation.filters import filtered_interventions
from mediation.forms import InterventionForm

CRISPY = engines["django"].from_string("{% load crispy_forms_tags %}{{ field|as_crispy_field }}")
PLAIN = engines["django"].from_string("{% load fields %}{{ field|bootstrap_field }}")


def same_html(make_form, name):
    # crispy adds its classes to the widget itself: each renders a form of its own.
    crispy = CRISPY.render({"field": make_form()[name]})
    plain = PLAIN.render({"field": make_form()[name]})
    assert parse_html(plain) == parse_html(crispy), f"{name}:\n{plain}\n---\n{crispy}"


@pytest.mark.parametrize("bound", [False, True])
def test_entry_fields_render_as_with_crispy(world, bound):
    data = {"date": "31/02/2026", "territory": "0", "count": "-1", "note": "x" * 3000, "duration_minutes": "9999"}

    def make_form():
        form = InterventionForm(
            data if bound else None, initial={"territory": world.territory_a.pk}, user=world.mediator
        )
        form.is_valid()
        return form

    for name in make_form().fields:
        if name != "uuid":  # a new UUID per form
            same_html(make_form, name)


@pytest.mark.parametrize("query", [{}, {"start": "demain", "end": "2026-01-01", "territory": "999", "site": "x"}])
def test_list_filters_render_as_with_crispy(world, query):
    def make_form():
        request = RequestFactory().get("/", query)
        request.user = world.manager
        return filtered_interventions(request, mine=False)[0]

    for name in make_form().fields:
        same_html(make_form, name)
