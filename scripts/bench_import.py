"""Import rate of the interchange format (DOMAIN §8) on the database of DATABASE_URL.

Generates a 100,000-row CSV file (fixed random seed), then times `manage.py import_interventions` end to end
(reading, validation, bulk writes, audit entries) three times: first import (every row created), the same file
again (every row unchanged) and a modified file (every row updated). Runs on a throwaway test database
(`altm_bench_import_<pid>`, a file in the temporary directory on SQLite), never on your data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/altm .venv/bin/python scripts/bench_import.py [--rows N] [--xlsx]
"""

import argparse
import csv
import io
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "altm.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from mediation.interchange import COLUMNS  # noqa: E402


def generate(path: Path, rows: int, *, seed: int, bump: int = 0, xlsx: bool = False) -> None:
    from mediation.models import ActivityType, Site, Team

    rng = random.Random(seed)
    teams = []
    for team in Team.objects.prefetch_related("territories__sites", "mediators"):
        for territory in team.territories.all():
            teams.append(
                (
                    territory.code if rng.random() < 0.5 else territory.name,
                    [site.name for site in Site.objects.filter(territory=territory)],
                    [user.username for user in team.mediators.all()],
                )
            )
    activities = list(ActivityType.objects.values_list("code", flat=True))
    start = date(2024, 1, 1)
    data = []
    for number in range(rows):
        territory, sites, mediators = rng.choice(teams)
        activity = rng.choice(activities)
        day = start + timedelta(days=rng.randrange(900))
        data.append(
            [
                day.isoformat() if number % 2 else day.strftime("%d/%m/%Y"),
                territory,
                rng.choice(sites) if rng.random() < 0.7 else "",
                rng.choice(mediators),
                activity,
                rng.choice(["simple", "telephone", "physical"]) if activity == "referral" else "",
                rng.randint(1, 4) + bump,
                rng.randint(0, 2),
                rng.randint(0, 2),
                0,
                rng.choice(["", "30", "90"]),
                rng.choice(["", "", "", "relais bailleur", "voisinage, bruit"]),
                f"bench-{number}",
            ]
        )
    if xlsx:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(COLUMNS)
        for row in data:
            sheet.append(row)
        workbook.save(path)
    else:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            writer.writerows(data)


def timed_import(path: Path) -> tuple[float, float, str]:
    """(wall-clock seconds, CPU seconds of this process, the command's summary line)."""
    out = io.StringIO()
    started, cpu = time.perf_counter(), time.process_time()
    call_command("import_interventions", str(path), stdout=out)
    return time.perf_counter() - started, time.process_time() - cpu, out.getvalue().splitlines()[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--xlsx", action="store_true", help="Mesurer aussi un fichier XLSX (plus lent à lire).")
    args = parser.parse_args()

    vendor = connection.vendor
    # A database of its own, never the one of a test run going on next to it (`test_<name>`).
    bench_name = f"altm_bench_import_{os.getpid()}"
    if vendor == "sqlite":
        bench_name = str(Path(tempfile.gettempdir()) / f"{bench_name}.sqlite3")
    connection.settings_dict.setdefault("TEST", {})["NAME"] = bench_name
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        from demo.organisation import load_organisation
        from mediation.models import Intervention

        load_organisation()
        with tempfile.TemporaryDirectory() as tmp:
            first = Path(tmp) / "interventions.csv"
            second = Path(tmp) / "interventions-modifiees.csv"
            generate(first, args.rows, seed=2026)
            generate(second, args.rows, seed=2026, bump=1)
            runs = [("import (création)", first), ("même fichier (inchangé)", first), ("fichier modifié", second)]
            if args.xlsx:
                workbook = Path(tmp) / "interventions.xlsx"
                generate(workbook, args.rows, seed=2026, xlsx=True)
                runs.append(("XLSX (inchangé)", workbook))
            load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
            print(
                f"Import de {args.rows:,} lignes sur {vendor} ({test_name}), charge machine {load:.1f}".replace(
                    ",", " "
                )
            )
            rates = []
            for label, path in runs:
                seconds, cpu, summary = timed_import(path)
                rate = args.rows / seconds
                rates.append(rate)
                print(
                    f"  {label:<26} {seconds:6.1f} s  {rate:9,.0f} lignes/s  (CPU du processus {cpu:5.1f} s)"
                    f"   {summary.split(' : ', 1)[-1]}".replace(",", " ")
                )
            assert Intervention.objects.count() == args.rows
            if vendor == "postgresql":  # the goal is on PostgreSQL: the first import, every row created
                import resource

                from scripts.bench_results import record

                record(
                    import_rows_per_s=rates[0],
                    reimport_rows_per_s=rates[2],
                    peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                )
    finally:
        connection.creation.destroy_test_db(test_name, verbosity=0)


if __name__ == "__main__":
    main()
