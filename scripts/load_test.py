"""`make load`: gunicorn on 127.0.0.1 against PostgreSQL with the demo data plus 1M interventions, 50 locust users
for a bounded time, then p50/p95/p99 per page and the error rate. `--fault-after S` restarts PostgreSQL S seconds
into the run and reports how long errors lasted and whether the gunicorn workers survived (fault test).

    LOAD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/altm_load .venv/bin/python scripts/load_test.py \
        [--users 50] [--time 60] [--workers 3] [--rows 1000000] [--port 8006] [--fault-after 20 --pg-cluster "15 main"]

Everything listens on 127.0.0.1 only; gunicorn and locust are stopped at the end, even on Ctrl-C.
"""

import argparse
import csv
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import dj_database_url
import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/altm_load"
POST_GOAL_MS, PAGE_GOAL_MS = 100, 300


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--time", type=int, default=60, help="seconds of load")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (2-4 on a small server)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="interventions in the database")
    parser.add_argument("--port", type=int, default=8006)
    parser.add_argument("--fault-after", type=float, default=None, help="restart PostgreSQL after this many seconds")
    parser.add_argument("--pg-cluster", default="15 main", help="version and name for pg_ctlcluster")
    return parser.parse_args()


# --- Data --------------------------------------------------------------------------------------------------


def server_params(config: dict) -> dict:
    return {
        "host": config["HOST"] or "127.0.0.1",
        "port": config["PORT"] or 5432,
        "user": config["USER"] or "postgres",
        "password": config["PASSWORD"] or None,
    }


def prepare(url: str, rows: int, env: dict) -> None:
    """Create the database if needed, migrate, load the demo, then top interventions up to `rows` in SQL."""
    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        sys.exit("make load exige PostgreSQL (LOAD_DATABASE_URL=postgres://…).")
    params = server_params(config)
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
    for command in (["migrate", "--noinput", "-v0"], ["load_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )
    with psycopg.connect(dbname=config["NAME"], autocommit=True, **params) as conn:
        present = conn.execute("SELECT count(*) FROM mediation_intervention").fetchone()[0]
        missing = rows - present
        if missing <= 0:
            print(f"Base {config['NAME']} : {present:,} interventions, réutilisée.".replace(",", " "))
            return
        started = time.perf_counter()
        conn.execute(
            """
            CREATE TEMP TABLE load_author AS
            SELECT row_number() OVER (ORDER BY tm.team_id, tm.user_id, tt.territory_id) - 1 AS n,
                   tm.team_id, tm.user_id AS author_id, tt.territory_id
            FROM mediation_team_mediators tm JOIN mediation_team_territories tt ON tt.team_id = tm.team_id
            """
        )
        conn.execute(
            """
            CREATE TEMP TABLE load_activity AS
            SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM mediation_activitytype WHERE NOT uses_mode
            """
        )
        authors = conn.execute("SELECT count(*) FROM load_author").fetchone()[0]
        activities = conn.execute("SELECT count(*) FROM load_activity").fetchone()[0]
        # Three years up to today, every team member and territory, a realistic mix of counts and beneficiaries.
        conn.execute(
            sql.SQL(
                """
                INSERT INTO mediation_intervention
                    (uuid, date, territory_id, team_id, author_id, activity_type_id, mode, count, women, men,
                     unknown, duration_minutes, theme, partner_name, note, source, created_at, updated_at,
                     created_by_id, updated_by_id, age_band)
                SELECT gen_random_uuid(), CURRENT_DATE - (g % 1095), a.territory_id, a.team_id, a.author_id,
                       t.id, '', 1 + (g % 3), g % 3, (g / 7) % 2, 0,
                       CASE WHEN g % 5 = 0 THEN 30 + g % 90 END, '', '', '', 'import', now(), now(),
                       a.author_id, a.author_id, ''
                FROM generate_series(1, {missing}) AS g
                JOIN load_author a ON a.n = (g / 11) % {authors}
                JOIN load_activity t ON t.n = (g * 7 + g / 13) % {activities}
                """
            ).format(missing=sql.Literal(missing), authors=sql.Literal(authors), activities=sql.Literal(activities))
        )
        conn.execute("ANALYZE")
        seconds = time.perf_counter() - started
        print(f"{missing:,} interventions générées en {seconds:.0f} s (generate_series).".replace(",", " "))


SESSIONS_SNIPPET = """
import json, os
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from accounts.models import User
sessions = {}
for user in User.objects.filter(is_active=True, role__in=["mediator", "manager", "director", "counsellor"]):
    keys = []
    for _ in range(int(os.environ["LOAD_SESSIONS_PER_USER"])):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        keys.append(store.session_key)
    sessions[user.username] = keys
with open(os.environ["LOAD_SESSIONS"], "w") as handle:
    json.dump(sessions, handle)
"""


def open_sessions(path: Path, per_user: int, env: dict) -> None:
    """One logged-in session per simulated user, so the timed phase measures pages, not 50 password hashes."""
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SESSIONS_SNIPPET],
        cwd=ROOT,
        env={**env, "LOAD_SESSIONS": str(path), "LOAD_SESSIONS_PER_USER": str(per_user)},
        check=True,
        stdout=subprocess.DEVNULL,
    )


def time_logins(port: int, username: str, attempts: int = 3) -> list[float]:
    """Seconds for a real password login (PBKDF2), measured alone before the load."""
    import re

    import requests

    durations = []
    for _ in range(attempts):
        session = requests.Session()
        page = session.get(f"http://127.0.0.1:{port}/connexion/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        started = time.perf_counter()
        answer = session.post(
            f"http://127.0.0.1:{port}/connexion/",
            {
                "username": username,
                "password": os.environ.get("LOAD_PASSWORD", "altm-demo-2026"),
                "csrfmiddlewaretoken": token,
            },
            allow_redirects=False,
            timeout=30,
        )
        durations.append(time.perf_counter() - started)
        if answer.status_code != 302:
            print(f"Connexion de {username} refusée ({answer.status_code}).")
    return durations


# --- Processes ---------------------------------------------------------------------------------------------


def port_in_use(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def start_gunicorn(port: int, workers: int, env: dict, log: Path) -> subprocess.Popen:
    if port_in_use(port):
        sys.exit(f"Le port 127.0.0.1:{port} est déjà pris : choisissez --port.")
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "altm.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--timeout=30",
            "--graceful-timeout=5",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/connexion/", timeout=5) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.5)
        if process.poll() is not None:
            sys.exit("gunicorn s'est arrêté au démarrage.")
    stop(process)
    sys.exit("gunicorn ne répond pas après 60 s.")


def worker_pids(master: subprocess.Popen) -> set[int]:
    result = subprocess.run(["pgrep", "-P", str(master.pid)], capture_output=True, text=True)
    return {int(pid) for pid in result.stdout.split()}


# --- CPU per request, read from /proc ----------------------------------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_ticks(pid: int, *, children: bool = False) -> int:
    """utime + stime of a process (plus its reaped children's when `children`), in clock ticks; 0 once gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0
    # Fields after the command: state is [0], utime [11], stime [12], cutime [13], cstime [14].
    ticks = int(fields[11]) + int(fields[12])
    return ticks + (int(fields[13]) + int(fields[14]) if children else 0)


def app_cpu(master: subprocess.Popen) -> dict[int, int]:
    """CPU ticks of gunicorn: the master with its reaped workers, and each live worker."""
    return {master.pid: cpu_ticks(master.pid, children=True), **{pid: cpu_ticks(pid) for pid in worker_pids(master)}}


def db_cpu(database: str) -> dict[int, int]:
    """CPU ticks of the PostgreSQL backends serving `database` (other databases' work on this machine is left out)."""
    ticks = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if command.startswith("postgres: ") and f" {database} " in command:
            ticks[int(entry.name)] = cpu_ticks(int(entry.name))
    return ticks


def spent_ms(before: dict[int, int], after: dict[int, int]) -> float:
    """Milliseconds of CPU between two readings; a process born in between counts from zero."""
    spent = sum(ticks - before.get(pid, 0) for pid, ticks in after.items() if ticks >= before.get(pid, 0))
    return 1000 * spent / TICKS


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def restart_postgresql(cluster: str, at: float, log: dict, started_marker: Path) -> None:
    """Restart the cluster `at` seconds after locust has started sending requests."""
    deadline = time.monotonic() + 120
    while not started_marker.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(at)
    version, name = cluster.split()
    log["start"] = time.time()
    result = subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "restart"], capture_output=True, text=True
    )
    log["end"] = time.time()
    log["returncode"] = result.returncode
    log["stderr"] = result.stderr.strip()


# --- Report ------------------------------------------------------------------------------------------------


def read_csv(path: Path) -> list[dict]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def percentile(buckets: dict[str, int], fraction: float) -> float:
    """Percentile from locust's rounded response-time buckets (ms → count)."""
    total = sum(buckets.values())
    if not total:
        return 0.0
    seen = 0
    for value, count in sorted((float(k), v) for k, v in buckets.items()):
        seen += count
        if seen >= fraction * total:
            return value
    return max(float(k) for k in buckets)


def report(prefix: Path) -> dict:
    """p50/p95/p99 per page from locust's final JSON statistics, checked against the goals."""
    import json

    if not Path(f"{prefix}.json").exists():
        sys.exit(f"locust n'a pas produit de statistiques : voir {prefix.parent / 'locust.log'}")
    stats = json.loads(Path(f"{prefix}.json").read_text())
    print()
    print(f"{'page':<38} {'req.':>6} {'err.':>5} {'p50':>6} {'p95':>6} {'p99':>6}  objectif p95")
    total = failures = 0
    misses = []
    post_p95 = pages_p95 = 0.0
    for entry in sorted(stats, key=lambda e: e["name"]):
        name, count, failed = entry["name"], entry["num_requests"], entry["num_failures"]
        total, failures = total + count, failures + failed
        p50, p95, p99 = (percentile(entry["response_times"], f) for f in (0.50, 0.95, 0.99))
        goal = POST_GOAL_MS if "(POST)" in name else PAGE_GOAL_MS
        verdict = "ok" if p95 <= goal else f"dépassé (> {goal} ms)"
        if name.startswith("("):
            verdict = "(mise en route, hors objectif)"
        elif p95 > goal:
            misses.append(name)
        if not name.startswith("("):
            if "(POST)" in name:
                post_p95 = max(post_p95, p95)
            else:
                pages_p95 = max(pages_p95, p95)
        print(f"{name:<38} {count:>6} {failed:>5} {p50:>6.0f} {p95:>6.0f} {p99:>6.0f}  {verdict}")
    rate = 100 * failures / total if total else 0.0
    print(f"\nTotal : {total} requêtes, {failures} erreurs ({rate:.2f} %). Temps en millisecondes.")
    print(
        "Objectifs (POST p95 ≤ 100 ms, pages p95 ≤ 300 ms, 0 erreur) : "
        + ("tenus." if not misses and not failures else f"NON tenus ({', '.join(misses) or 'erreurs'}).")
    )
    failure_file = Path(f"{prefix}_failures.csv")
    for row in read_csv(failure_file)[:10] if failure_file.exists() else []:
        print(f"  erreur × {row['Occurrences']} : {row['Name']} → {row['Error'][:160]}")
    return {"total": total, "failures": failures, "post_p95": post_p95, "pages_p95": pages_p95}


def fault_report(prefix: Path, restart: dict, before: set[int], after: set[int]) -> None:
    print("\n== Test de panne : redémarrage de PostgreSQL pendant la charge ==")
    if restart.get("returncode") != 0:
        print(f"Redémarrage impossible : {restart.get('stderr') or restart}")
        return
    print(f"PostgreSQL redémarré en {restart['end'] - restart['start']:.1f} s.")
    history = [r for r in read_csv(Path(f"{prefix}_stats_history.csv")) if r["Name"] == "Aggregated"]
    failing, previous = [], 0
    for row in history:
        failed = int(row["Total Failure Count"])
        if failed > previous:
            failing.append(int(row["Timestamp"]))
        previous = failed
    if not failing:
        print("Aucune erreur vue par les utilisateurs.")
    else:
        first, last = failing[0], failing[-1]
        print(
            f"Erreurs vues entre t+{first - restart['start']:.0f} s et t+{last - restart['start']:.0f} s "
            f"après le début du redémarrage : {last - first + 1} s d'erreurs au plus."
        )
    answered_after = [r for r in history if int(r["Timestamp"]) > (failing[-1] if failing else restart["end"]) + 1]
    served = answered_after and int(answered_after[-1]["Total Request Count"]) > int(
        answered_after[0]["Total Request Count"]
    )
    print("Service rétabli ensuite : " + ("oui, les requêtes aboutissent de nouveau." if served else "NON."))
    same = before == after
    print(
        "Workers gunicorn : "
        + ("les mêmes processus avant et après (aucun redémarrage)." if same else f"changés {before} → {after}.")
    )


def main():
    args = parse_args()
    url = os.environ.get("LOAD_DATABASE_URL", DEFAULT_URL)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "ALTM_TWO_FACTOR": "false",  # load-test accounts have no phone; refused when ALTM_ENV=production
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("ALTM_ENV", None)
    prepare(url, args.rows, env)
    prefix = Path(tempfile.mkdtemp(prefix="altm-load-")) / "locust"
    sessions = prefix.parent / "sessions.json"
    open_sessions(sessions, per_user=max(1, args.users // 4), env=env)
    env["LOAD_SESSIONS"] = str(sessions)
    gunicorn = start_gunicorn(args.port, args.workers, env, prefix.parent / "gunicorn.log")
    restart: dict = {}
    try:
        logins = time_logins(args.port, "amina.benali")
        print(f"Connexion par mot de passe, seule : {1000 * min(logins):.0f} à {1000 * max(logins):.0f} ms (PBKDF2).")
        print(f"Charge : {args.users} utilisateurs, {args.time} s, gunicorn {args.workers} workers, port {args.port}")
        before = worker_pids(gunicorn)
        database = dj_database_url.parse(url)["NAME"]
        app_before, db_before, clock_before = app_cpu(gunicorn), db_cpu(database), time.monotonic()
        fault = None
        if args.fault_after is not None:
            fault = threading.Thread(
                target=restart_postgresql,
                args=(args.pg_cluster, args.fault_after, restart, Path(f"{prefix}_stats_history.csv")),
            )
            fault.start()
        subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "loadtest" / "locustfile.py"),
                "--headless",
                f"--users={args.users}",
                f"--spawn-rate={args.spawn_rate}",
                f"--run-time={args.time}s",
                f"--host=http://127.0.0.1:{args.port}",
                f"--csv={prefix}",
                f"--json-file={prefix}",
                "--csv-full-history",
                "--only-summary",
                "--loglevel=WARNING",
                "--stop-timeout=5",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(prefix.parent / "locust.log").open("w"),
        )
        if fault is not None:
            fault.join()
        after = worker_pids(gunicorn)
        app_ms, db_ms = spent_ms(app_before, app_cpu(gunicorn)), spent_ms(db_before, db_cpu(database))
        elapsed = time.monotonic() - clock_before
        figures = report(prefix)
        if args.fault_after is not None:
            fault_report(prefix, restart, before, after)
        print(f"\nFichiers CSV de locust : {prefix.parent}")
        served = max(1, figures["total"])
        print(
            f"CPU par requête : gunicorn {app_ms / served:.1f} ms, PostgreSQL {db_ms / served:.1f} ms "
            f"(lus dans /proc sur {elapsed:.0f} s, locust compris dans la durée)."
        )
        print(
            f"LOAD rps={figures['total'] / args.time:.1f} post_p95_ms={figures['post_p95']:.0f} "
            f"pages_p95_ms={figures['pages_p95']:.0f} errors={figures['failures']} "
            f"app_cpu_ms_per_req={app_ms / served:.1f} db_cpu_ms_per_req={db_ms / served:.1f}"
        )
    finally:
        stop(gunicorn)


if __name__ == "__main__":
    main()
