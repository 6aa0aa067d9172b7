import uuid
from datetime import date

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from altm.forms import DateInput, SubmissionForm, add_service_errors, submit
from mediation.casework_forms import ConflictCaseForm
from mediation.forms import InterventionForm
from partners.forms import IncomingReferralForm
from tests.mediation.test_edit import make_line


class NameForm(forms.Form):
    name = forms.CharField(required=False)


def test_service_errors_go_next_to_the_field_they_name_the_rest_on_top():
    form = NameForm({"name": "x"})
    assert form.is_valid()
    add_service_errors(
        form, ValidationError({"name": "Nom refusé.", "site": "Site inconnu.", NON_FIELD_ERRORS: "Refusé."})
    )
    assert form.errors["name"] == ["Nom refusé."]
    assert form.non_field_errors() == ["Site inconnu.", "Refusé."]


def test_a_service_error_without_field_goes_on_top_of_the_form():
    form = NameForm({"name": "x"})
    assert form.is_valid()
    add_service_errors(form, ValidationError(["Premier refus.", "Second refus."]))
    assert form.non_field_errors() == ["Premier refus.", "Second refus."]
    assert "name" not in form.errors


def test_date_input_is_the_browser_picker_with_an_iso_value():
    html = DateInput().render("day", "2026-03-01")
    assert 'type="date"' in html and 'value="2026-03-01"' in html
    assert 'value="2026-03-01"' in DateInput().render("day", date(2026, 3, 1))


def test_every_create_form_carries_a_fresh_client_uuid(world):
    forms_ = [
        InterventionForm(user=world.mediator),
        ConflictCaseForm(user=world.mediator),
        IncomingReferralForm(),
    ]
    keys = set()
    for form in forms_:
        assert isinstance(form, SubmissionForm)
        assert isinstance(form.fields["uuid"].widget, forms.HiddenInput)
        keys.add(form.initial["uuid"])
    assert len(keys) == len(forms_) and all(isinstance(key, uuid.UUID) for key in keys)


def test_a_bound_submission_keeps_the_uuid_it_was_sent():
    key = uuid.uuid4()
    form = SubmissionForm({"uuid": str(key)})
    assert form.is_valid() and form.cleaned_data["uuid"] == key
    assert "uuid" not in form.initial


def test_editing_an_existing_line_gets_no_new_uuid(world):
    line = make_line(world)
    assert "uuid" not in InterventionForm(instance=line, user=world.mediator).initial


def test_submit_returns_the_service_result_or_puts_its_refusal_on_the_form():
    form = NameForm({"name": "Lina"})
    assert form.is_valid()
    assert submit(form, lambda **kwargs: kwargs, name="Lina") == {"name": "Lina"}
    assert not form.errors

    def refuse(**kwargs):
        raise ValidationError({"name": ["Ce nom est déjà pris."]})

    assert submit(form, refuse, name="Lina") is None
    assert form.errors == {"name": ["Ce nom est déjà pris."]}
