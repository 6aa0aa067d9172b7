"""Indicators as data (issue 15, point 9): the built-in indicators are rows loaded by a migration, and an
administrator defines a new activity type and a new indicator in /admin/ that reach the evaluation page, its PDF
and its CSV without a release."""

import csv
import io
import subprocess
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from mediation.models import ActivityType, AgeBand, Qpv, ReferralMode
from reporting import indicators
from reporting.indicators import ALL, EVALUATION_CODES, REGISTRY, Period, builtin
from reporting.models import IndicatorDefinition
from tests.mediation.factories import InterventionFactory, PersonFactory
from tests.reporting import dataset


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_migration_loaded_every_builtin_indicator_as_data(db):
    indicators.forget()  # read the rows, not the cache the tests start with
    loaded = indicators.active_indicators()
    assert loaded == builtin.as_loaded()
    assert IndicatorDefinition.objects.filter(is_builtin=True).count() == len(builtin.BUILTIN_INDICATORS)
    assert REGISTRY["conflict.interventions"].activities == tuple(sorted(builtin.CONFLICT_ACTIVITIES))
    assert builtin.load_builtin() == len(builtin.BUILTIN_INDICATORS)  # idempotent: the same rows, updated
    assert IndicatorDefinition.objects.count() == len(builtin.BUILTIN_INDICATORS)


def test_seed_figures_are_identical_when_read_from_the_rows(world):
    """Seed 001's 2014-2016 figures (tests/reporting/dataset.py) come out of the definitions read from the
    database exactly as from the code list they were loaded from."""
    dataset.build(world)
    period = Period(date(2014, 1, 1), date(2016, 12, 31))
    from_code = indicators.compute(period=period, by=("territory", "year"))
    indicators.forget()
    from_rows = indicators.compute(period=period, by=("territory", "year"))
    assert from_rows.values == from_code.values
    for code, cells in dataset.EXPECTED.items():
        for (territory, year), value in cells.items():
            assert from_rows.get(code, territory, year) == value, (code, territory, year)


def _admin_adds_activity_type_and_indicator(world) -> ActivityType:
    admin = client_for(world.admin)
    response = admin.post(
        "/admin/mediation/activitytype/add/",
        {"code": "cafe_jeunes", "label": "Café des jeunes", "family": "partnership", "order": 300, "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    activity = ActivityType.objects.get(code="cafe_jeunes")
    response = admin.post(
        "/admin/reporting/indicatordefinition/add/",
        {
            "code": "local.cafe_jeunes_femmes",
            "label": "Cafés des jeunes : participantes",
            "section": "partnership",
            "order": 5000,
            "in_evaluation": "on",
            "is_active": "on",
            "source": "interventions",
            "activity_types": [activity.pk],
            "measure": "women",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return activity


def test_admin_defined_indicator_reaches_the_evaluation_page_pdf_and_csv(world, tmp_path):
    activity = _admin_adds_activity_type_and_indicator(world)
    InterventionFactory(date=date(2025, 3, 4), territory=world.territory_a, activity_type=activity, women=3, men=1)
    InterventionFactory(date=date(2025, 5, 6), territory=world.territory_b, activity_type=activity, women=2)
    InterventionFactory(date=date(2024, 5, 6), territory=world.territory_b, activity_type=activity, women=7)
    assert "local.cafe_jeunes_femmes" in EVALUATION_CODES

    director = client_for(world.director)
    page = director.get("/bilans/evaluation/?years=2025").content.decode()
    assert "Cafés des jeunes : participantes" in page

    response = director.get("/bilans/evaluation/export.csv?years=2024-2025")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["local.cafe_jeunes_femmes", "L8", "2025", "3"] in rows
    assert ["local.cafe_jeunes_femmes", "L9", "2025", "2"] in rows
    assert ["local.cafe_jeunes_femmes", ALL, "2025", "5"] in rows
    assert ["local.cafe_jeunes_femmes", ALL, "2024", "7"] in rows

    response = director.get("/bilans/evaluation/export.pdf?years=2025")
    assert response.status_code == 200
    pdf = tmp_path / "evaluation.pdf"
    pdf.write_bytes(b"".join(response.streaming_content) if response.streaming else response.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Cafés des jeunes : participantes" in " ".join(text.split())


def test_filters_mode_and_age_band(world):
    referral = world.activity("referral")
    young = PersonFactory(age_band=AgeBand.YOUNG_16_25, territory=world.territory_a)
    InterventionFactory(date=date(2025, 1, 2), territory=world.territory_a, activity_type=referral, mode="physical")
    InterventionFactory(date=date(2025, 1, 3), territory=world.territory_a, activity_type=referral, mode="simple")
    InterventionFactory(
        date=date(2025, 1, 4), territory=world.territory_a, activity_type=referral, mode="physical", person=young
    )
    physical = IndicatorDefinition.objects.create(
        code="local.physical_referrals",
        label="Mises en relation physiques",
        section="partnership",
        mode=ReferralMode.PHYSICAL,
    )
    physical.activity_types.set([referral])
    youth = IndicatorDefinition.objects.create(
        code="local.youth_referrals",
        label="Mises en relation 16-25 ans",
        section="partnership",
        age_band=AgeBand.YOUNG_16_25,
    )
    youth.activity_types.set([referral])
    table = indicators.compute(
        ["partnership.referrals", "local.physical_referrals", "local.youth_referrals"],
        period=Period.year(2025),
        by=("year",),
    )
    assert table.get("partnership.referrals", 2025) == 3
    assert table.get("local.physical_referrals", 2025) == 2
    assert table.get("local.youth_referrals", 2025) == 1
    assert "modalité « Physique (accompagnement) »" in REGISTRY["local.physical_referrals"].describe()


def test_an_indicator_filtered_on_qpv_counts_lines_in_or_out_of_one(world):
    """QPVs exist (issue 12): a line is in one through its site, or through its territory when it has no site."""
    listening = world.activity("active_listening")
    qpv = Qpv.objects.create(code="QP069999", name="Quartier test", is_demo=True)
    world.site_a.qpv = qpv
    world.site_a.save()
    InterventionFactory(date=date(2025, 3, 1), territory=world.territory_a, site=world.site_a, activity_type=listening)
    InterventionFactory(date=date(2025, 3, 2), territory=world.territory_a, activity_type=listening, count=4)
    for code, where in (("local.listening_qpv", "in"), ("local.listening_outside", "out")):
        definition = IndicatorDefinition.objects.create(code=code, label=code, section="other", qpv=where)
        definition.activity_types.set([listening])
    table = indicators.compute(
        ["local.listening_qpv", "local.listening_outside"], period=Period.year(2025), by=("year",)
    )
    assert table.get("local.listening_qpv", 2025) == 1
    assert table.get("local.listening_outside", 2025) == 4


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"source": "registers", "records": "projects:nope", "in_evaluation": False}, "records", "Compteur inconnu"),
        ({"source": "registers", "records": "projects", "in_evaluation": True}, "in_evaluation", "ventilent"),
        ({"source": "followups", "followup_kind": ""}, "followup_kind", "type de suivi"),
        ({"code": "Pas un code"}, "code", "minuscules"),
    ],
)
def test_a_definition_that_cannot_be_computed_is_refused_in_french(db, fields, field, message):
    definition = IndicatorDefinition(
        **{"code": "local.test", "label": "Test", "section": "other", "source": "interventions", **fields}
    )
    with pytest.raises(ValidationError) as error:
        definition.full_clean()
    assert message in " ".join(error.value.message_dict[field])


def test_admin_requires_an_activity_type_and_keeps_builtins(world):
    admin = client_for(world.admin)
    response = admin.post(
        "/admin/reporting/indicatordefinition/add/",
        {
            "code": "local.vide",
            "label": "Vide",
            "section": "other",
            "order": 1,
            "source": "interventions",
            "measure": "count",
        },
    )
    assert response.status_code == 200
    assert "Choisissez au moins un type d&#x27;activité à compter." in response.content.decode()
    assert not IndicatorDefinition.objects.filter(code="local.vide").exists()
    builtin_row = IndicatorDefinition.objects.get(code="conflict.interventions")
    response = admin.get(f"/admin/reporting/indicatordefinition/{builtin_row.pk}/delete/")
    assert response.status_code == 403
