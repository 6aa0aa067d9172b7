"""`make backup` / `make restore`: a restored backup holds the same rows as the database it was taken from."""

import importlib.util
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection

from mediation.models import Intervention
from tests.mediation.factories import RecordedInterventionFactory

ROOT = Path(__file__).resolve().parent.parent.parent
_spec = importlib.util.spec_from_file_location("altm_backup_script", ROOT / "scripts" / "backup.py")
backup_script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(backup_script)


def run_script(*args, url: str, cwd: Path):
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "backup.py"), *args], env=env, cwd=cwd, capture_output=True, text=True
    )


def tables() -> list[str]:
    return sorted({model._meta.db_table for model in apps.get_models()})


def sqlite_counts(path: Path) -> dict[str, int]:
    db = sqlite3.connect(path)
    try:
        return {table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables()}
    finally:
        db.close()


def populate(world):
    for day in range(1, 6):
        RecordedInterventionFactory(
            author=world.mediator,
            date=date(2026, 11, day),
            territory=world.territory_a,
            activity_type=world.activity("rule_reminder"),
            count=day,
        )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="passe SQLite")
def test_sqlite_backup_and_restore_give_back_the_same_rows(transactional_db, world, tmp_path):
    populate(world)
    live = tmp_path / "live.sqlite3"
    backup_script.sqlite_copy(connection.connection, live)  # the test database, as a file the script can read
    url = f"sqlite:///{live}"
    before = sqlite_counts(live)
    assert before["mediation_intervention"] == 5 and before["altm_auditentry"] == 5

    result = run_script("backup", "--dir", str(tmp_path / "backups"), url=url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (saved,) = (tmp_path / "backups").glob("altm-*.sqlite3")
    assert "Sauvegarde écrite" in result.stdout
    assert saved.stat().st_mode & 0o077 == 0  # personal data: owner only

    damaged = sqlite3.connect(live)
    with damaged:
        damaged.execute("DELETE FROM altm_auditentry")
        damaged.execute("DELETE FROM mediation_intervention")
    damaged.close()
    assert sqlite_counts(live)["mediation_intervention"] == 0

    result = run_script("restore", str(saved), "--yes", "--dir", str(tmp_path / "backups"), url=url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sqlite_counts(live) == before
    safety = list((tmp_path / "backups").glob("altm-avant-restauration-*.sqlite3"))
    assert len(safety) == 1 and sqlite_counts(safety[0])["mediation_intervention"] == 0


def test_restore_refuses_without_confirmation_and_a_wrong_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    missing = run_script("restore", str(tmp_path / "absent.sqlite3"), "--yes", url=url, cwd=tmp_path)
    assert missing.returncode == 2 and "Fichier introuvable" in missing.stderr
    no_tty = run_script("restore", str(tmp_path / "absent.sqlite3"), url=url, cwd=tmp_path)
    assert no_tty.returncode == 2 and "--yes" in no_tty.stderr


def test_prune_keeps_the_most_recent_backups(tmp_path):
    for n in range(5):
        path = tmp_path / f"altm-2026110{n}-120000.sqlite3"
        path.write_bytes(b"")
        os.utime(path, (1_700_000_000 + n, 1_700_000_000 + n))
    (tmp_path / "altm-avant-restauration-20261101-120000.sqlite3").write_bytes(b"")
    removed = backup_script.prune(tmp_path, 2)
    assert sorted(p.name for p in removed) == [f"altm-2026110{n}-120000.sqlite3" for n in range(3)]
    assert (tmp_path / "altm-avant-restauration-20261101-120000.sqlite3").exists()


def pg_counts(url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(backup_script.libpq_url(url)) as db:
        return {table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables()}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="passe PostgreSQL")
def test_postgresql_backup_and_restore_give_back_the_same_rows(transactional_db, world, tmp_path):
    import psycopg
    from psycopg import sql

    populate(world)
    settings = connection.settings_dict
    auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    server = f"postgres://{auth}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    url = f"{server}/{settings['NAME']}"
    before = pg_counts(url)
    assert before["mediation_intervention"] == 5

    result = run_script("backup", "--dir", str(tmp_path), url=url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (saved,) = tmp_path.glob("altm-*.dump")

    scratch = f"{settings['NAME']}_restauration"
    with psycopg.connect(backup_script.libpq_url(f"{server}/postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(scratch)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scratch)))
    try:
        result = run_script(
            "restore", str(saved), "--yes", "--dir", str(tmp_path), url=f"{server}/{scratch}", cwd=tmp_path
        )
        assert result.returncode == 0, result.stderr
        assert pg_counts(f"{server}/{scratch}") == before
    finally:
        with psycopg.connect(backup_script.libpq_url(f"{server}/postgres"), autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(scratch)))
    assert Intervention.objects.count() == 5
