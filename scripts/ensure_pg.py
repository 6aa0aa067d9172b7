"""Exit 0 when the PostgreSQL server of DATABASE_URL answers (creating its database if needed), 1 otherwise."""

import os
import sys

import dj_database_url
import psycopg
from psycopg import sql

url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/altm")
config = dj_database_url.parse(url)
params = {
    "host": config["HOST"] or "127.0.0.1",
    "port": config["PORT"] or 5432,
    "user": config["USER"] or "postgres",
    "password": config["PASSWORD"] or None,
    "connect_timeout": 3,
}
try:
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
except psycopg.OperationalError as exc:
    print(f"PostgreSQL injoignable ({params['host']}:{params['port']}) : {exc}", file=sys.stderr)
    sys.exit(1)
