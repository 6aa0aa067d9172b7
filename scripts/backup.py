"""Back up and restore the ALTM database named by DATABASE_URL.

    python scripts/backup.py backup [--dir backups] [--keep 30]
    python scripts/backup.py restore backups/altm-20261125-2200.dump [--yes]

PostgreSQL: `pg_dump -Fc` (custom format, compressed) and `pg_restore --clean --single-transaction`.
SQLite: the online backup API of sqlite3, safe while the application is running.
Backups hold personal data: files are created readable by their owner only (0600).
Before a restore, the current database is saved next to the backups (`…-avant-restauration…`).
"""

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_URL = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DEFAULT_DIR = BASE_DIR / "backups"


class BackupError(Exception):
    pass


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_URL


def engine_of(url: str) -> str:
    engine = dj_database_url.parse(url)["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"Base non prise en charge : {engine}")


def libpq_url(url: str) -> str:
    """pg_dump and pg_restore accept a libpq URI; Django's `postgres://` spelling is one."""
    return "postgresql://" + url.split("://", 1)[1]


def sqlite_path(url: str) -> Path:
    return Path(dj_database_url.parse(url)["NAME"])


def sqlite_copy(source: sqlite3.Connection, target_path: Path) -> None:
    """Copy a live SQLite database page by page (consistent even while others write)."""
    target = sqlite3.connect(target_path)
    try:
        with target:
            source.backup(target)
    finally:
        target.close()


def _private(path: Path) -> None:
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)


def backup_name(engine: str, label: str = "") -> str:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = ".dump" if engine == "postgresql" else ".sqlite3"
    return f"altm{label}-{stamp}{suffix}"


def backup(url: str, directory: Path, *, label: str = "") -> Path:
    engine = engine_of(url)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / backup_name(engine, label)
    counter = 1
    while target.exists():  # two backups in the same second
        target = directory / backup_name(engine, f"{label}-{counter}")
        counter += 1
    _private(target)
    if engine == "sqlite":
        source_path = sqlite_path(url)
        if not source_path.exists():
            raise BackupError(f"Base SQLite introuvable : {source_path}")
        source = sqlite3.connect(source_path)
        try:
            sqlite_copy(source, target)
        finally:
            source.close()
    else:
        run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", libpq_url(url)])
    return target


def restore(url: str, file: Path) -> None:
    engine = engine_of(url)
    if not file.is_file():
        raise BackupError(f"Fichier introuvable : {file}")
    if engine == "sqlite":
        if file.suffix == ".dump":
            raise BackupError("Ce fichier vient de PostgreSQL (pg_dump) : il ne se restaure pas dans SQLite.")
        source = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
        try:
            if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"Sauvegarde endommagée : {file}")
            sqlite_copy(source, sqlite_path(url))
        finally:
            source.close()
    else:
        if file.suffix != ".dump":
            raise BackupError("Pour PostgreSQL, restaurez un fichier .dump produit par pg_dump.")
        run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={libpq_url(url)}",
                str(file),
            ]
        )


def prune(directory: Path, keep: int) -> list[Path]:
    """Keep the `keep` most recent regular backups; safety copies taken before a restore are never pruned."""
    backups = sorted(
        (
            p
            for p in directory.glob("altm-*")
            if p.suffix in {".dump", ".sqlite3"} and "avant-restauration" not in p.name
        ),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    removed = backups[keep:]
    for path in removed:
        path.unlink()
    return removed


def run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"Commande {command[0]} absente : installez postgresql-client.")
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} a échoué :\n{result.stderr.strip()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Sauvegarde et restauration de la base ALTM (DATABASE_URL).")
    commands = parser.add_subparsers(dest="command", required=True)
    save = commands.add_parser("backup", help="sauvegarder la base dans un fichier horodaté")
    save.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="dossier des sauvegardes (défaut : backups/)")
    save.add_argument("--keep", type=int, default=0, help="ne garder que les N sauvegardes les plus récentes")
    load = commands.add_parser("restore", help="remplacer la base par le contenu d'une sauvegarde")
    load.add_argument("file", type=Path)
    load.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="où ranger la copie de sécurité")
    load.add_argument("--yes", action="store_true", help="ne pas demander de confirmation")
    args = parser.parse_args(argv)
    url = database_url()
    try:
        if args.command == "backup":
            target = backup(url, args.dir)
            print(f"Sauvegarde écrite : {target} ({target.stat().st_size // 1024} Ko)")
            if args.keep:
                for path in prune(args.dir, args.keep):
                    print(f"Ancienne sauvegarde supprimée : {path}")
        else:
            if not args.yes:
                if not sys.stdin.isatty():
                    raise BackupError("Restauration sans terminal : ajoutez --yes (make restore FILE=… YES=1).")
                answer = input(f"Remplacer la base actuelle par {args.file} ? Tapez OUI pour confirmer : ")
                if answer.strip() != "OUI":
                    print("Restauration annulée.")
                    return 1
            if engine_of(url) == "postgresql" or sqlite_path(url).exists():
                safety = backup(url, args.dir, label="-avant-restauration")
                print(f"Base actuelle sauvegardée d'abord : {safety}")
            restore(url, args.file)
            print(f"Base restaurée depuis {args.file}.")
    except BackupError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
