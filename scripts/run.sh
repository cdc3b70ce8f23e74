#!/usr/bin/env bash
# `make run`: migrate, load the demo, start the web server (and Celery when REDIS_URL is set).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
export DJANGO_DEBUG=${DJANGO_DEBUG:-1}
export PORTAL_BASE_URL=${PORTAL_BASE_URL:-http://$HOST:$PORT}

$PY manage.py migrate --noinput -v0
$PY manage.py load_demo

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

if [ -n "${REDIS_URL:-}" ]; then
  .venv/bin/celery -A case_portal worker -l info --concurrency 2 & pids+=($!)
  .venv/bin/celery -A case_portal beat -l info -s var/celerybeat-schedule & pids+=($!)
  mode="PostgreSQL/Redis with Celery worker and beat"
else
  mode="embedded demo: SQLite in var/, tasks run in-process"
fi

cat <<TXT

  CASE Portal is starting at  http://$HOST:$PORT/   ($mode)

  Demo logins (password: ${DEMO_PASSWORD:-case-demo-2026})
    examiner@au.demo   clerk@au.demo   admin@au.demo     (any office: au ca gb us ep jp kr cn il nz sg in br)
    operator@case.demo  (system operator; Django admin at /ops/)

TXT
$PY manage.py runserver "$HOST:$PORT" --noreload &
pids+=($!)
wait "${pids[-1]}"
