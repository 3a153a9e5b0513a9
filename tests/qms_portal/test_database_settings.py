"""The PostgreSQL connection's settings: the JIT compiler off for the portal's connections (it spent
far more time compiling the portal's correlated subqueries than running them), unless
``QMS_DB_JIT=1``; options given in ``DATABASE_URL`` are kept."""

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

from qms_portal.settings import BASE_DIR


def database_settings(**env):
    code = ("import json, qms_portal.settings as s; d = s.DATABASES['default'];"
            "print(json.dumps({'engine': d['ENGINE'], 'options': d.get('OPTIONS', {})}))")
    environ = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "QMS_DB_JIT")}
    environ.update(DJANGO_SETTINGS_MODULE="qms_portal.settings", DEBUG="1", **env)
    out = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=environ, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_postgresql_connections_turn_the_jit_off_and_keep_the_urls_options():
    found = database_settings(DATABASE_URL="postgres://u@db:5432/qms")
    assert found["options"]["options"] == "-c jit=off"
    kept = database_settings(DATABASE_URL="postgres://u@db:5432/qms?options=-c%20statement_timeout%3D5000")
    assert kept["options"]["options"] == "-c statement_timeout=5000 -c jit=off"
    assert "options" not in database_settings(DATABASE_URL="postgres://u@db:5432/qms", QMS_DB_JIT="1")["options"]
    assert "options" not in database_settings()["options"]  # SQLite


@pytest.mark.django_db
def test_the_connection_in_use_has_the_jit_off():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (the SQLite run has no JIT)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
