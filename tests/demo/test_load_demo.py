from django.apps import apps
from django.core.management import call_command

from accounts.models import Role, User
from altm.models import Agency
from demo import activity


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_load_demo_twice_leaves_same_row_counts(db, capsys, monkeypatch):
    # Three years of activity lines take a while: the same code path on the last weeks only.
    monkeypatch.setattr(activity, "PERIOD_DAYS", 21)
    call_command("load_demo")
    first = row_counts()
    call_command("load_demo")
    assert row_counts() == first
    assert first["mediation.Territory"] == 4
    assert first["mediation.Team"] == 3
    assert User.objects.filter(role=Role.MEDIATOR).count() == 12
    assert first["mediation.Intervention"] > 100
    assert first["altm.Agency"] == 1
    assert Agency.current().footer == "ALTM · 23 rue Renan · 69007 Lyon · www.altm.fr"
    out = capsys.readouterr().out
    assert "direction" in out and "altm-demo-2026" in out


def test_load_demo_if_empty_skips_a_used_database(db, capsys):
    User.objects.create_user("quelqu.un", password="x" * 12)
    call_command("load_demo", "--if-empty")
    assert User.objects.count() == 1
