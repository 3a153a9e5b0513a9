#!/bin/sh
# Container entry point for web, worker and beat. Only the web service sets RUN_MIGRATIONS=1, so the
# schema and the seeded roles are brought up to date once per deployment, before gunicorn starts.
set -eu

if [ "${RUN_MIGRATIONS:-0}" = "1" ]; then
    python manage.py migrate --noinput
    python manage.py seed_roles
fi

exec "$@"
