#!/usr/bin/env bash
# Fault test: restart PostgreSQL in the middle of a load run, then report how long users saw errors and whether the
# gunicorn workers recovered by themselves (CONN_HEALTH_CHECKS) without being restarted.
#
#   scripts/fault_test.sh                         # cluster "15 main", database altm_load on 127.0.0.1:5432
#   PG_CLUSTER="15 altmload" LOAD_DATABASE_URL=postgres://postgres@127.0.0.1:5439/altm_load scripts/fault_test.sh
#
# Needs to run as root (or postgres) for pg_ctlcluster. Every other user of that cluster sees the restart too:
# on a shared machine, point it at a cluster of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
exec "$PY" -W ignore scripts/load_test.py \
  --users "${LOAD_USERS:-50}" --time "${LOAD_TIME:-60}" --workers "${LOAD_WORKERS:-3}" --rows "${LOAD_ROWS:-1000000}" \
  --port "${LOAD_PORT:-8006}" --fault-after "${FAULT_AFTER:-20}" --pg-cluster "${PG_CLUSTER:-15 main}"
