#!/usr/bin/env bash
# The production layout on one machine (docs/deploy.md), as `make serve-prod` and
# `make bench-web` start it: gunicorn, one RQ worker and the scheduler, on PostgreSQL and
# Redis, static files from WhiteNoise. Ctrl-C (or SIGTERM) stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."

export DJANGO_ENV=production
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/samen}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/1}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
export PORT="${PORT:-8000}"
export SITE_URL="${SITE_URL:-http://127.0.0.1:$PORT}"
# Plain HTTP on this machine; behind Caddy or nginx (docs/deploy.md) leave it at true.
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-false}"
export SECURE_HSTS_SECONDS="${SECURE_HSTS_SECONDS:-0}"
if [ -z "${SECRET_KEY:-}" ]; then
  # A key for this machine only, kept out of git (.gitignore) and stable across restarts.
  [ -s .secret-key-local ] || .venv/bin/python -c \
    "import secrets; print(secrets.token_urlsafe(64))" > .secret-key-local
  SECRET_KEY="$(cat .secret-key-local)"
  export SECRET_KEY
fi

database="${DATABASE_URL##*/}"
if [[ "$DATABASE_URL" == postgres* ]] && ! psql "${DATABASE_URL%/*}/postgres" -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1; then
  psql "${DATABASE_URL%/*}/postgres" -qc "CREATE DATABASE \"$database\""
fi
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py collectstatic --noinput -v 0

trap 'kill 0' EXIT INT TERM
.venv/bin/python manage.py rqworker default --job-class django_tasks_rq.backend.Job &
.venv/bin/python manage.py scheduler &
.venv/bin/gunicorn -c deploy/gunicorn.conf.py samen.wsgi:application
