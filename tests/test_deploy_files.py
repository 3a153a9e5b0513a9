"""The deployment files (docker-compose.yml, Dockerfile, entrypoint, .ci/run) keep their promises."""

import os
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def environment(service):
    env = service.get("environment", {})
    if isinstance(env, list):  # the "KEY=value" form
        env = dict(item.split("=", 1) for item in env)
    return env


def command(service):
    cmd = service.get("command", "")
    return cmd if isinstance(cmd, str) else " ".join(cmd)


def volume_targets(service):
    targets = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            source, target = volume.split(":")[:2]
        else:
            source, target = volume["source"], volume["target"]
        targets[source] = target
    return targets


def test_it_declares_the_five_production_services(services):
    assert {"web", "worker", "beat", "db", "redis"} <= set(services)


@pytest.mark.parametrize("name", APP_SERVICES)
def test_it_gives_every_app_service_the_database_redis_and_secret(services, name):
    env = environment(services[name])
    assert env["DATABASE_URL"].startswith("postgres://")
    assert "@db:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:6379")
    # the cache in a database of its own: emptying or evicting it never touches a queued task
    assert env["CACHE_URL"].startswith("redis://redis:6379/") and env["CACHE_URL"] != env["REDIS_URL"]
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?"), "SECRET_KEY must be required, not defaulted"
    assert str(env["DEBUG"]) == "0"
    assert "ALLOWED_HOSTS" in env
    assert services[name].get("env_file")


@pytest.mark.parametrize("name", ["web", "db", "redis"])
def test_it_health_checks_the_web_server_database_and_redis(services, name):
    healthcheck = services[name].get("healthcheck")
    assert healthcheck and not healthcheck.get("disable")
    assert healthcheck["test"]


def test_it_checks_web_health_on_healthz(services):
    test = services["web"]["healthcheck"]["test"]
    text = test if isinstance(test, str) else " ".join(test)
    assert "/healthz" in text and "urllib" in text


@pytest.mark.parametrize("name", APP_SERVICES)
def test_it_starts_app_services_only_after_db_and_redis_are_healthy(services, name):
    depends = services[name]["depends_on"]
    assert depends["db"]["condition"] == "service_healthy"
    assert depends["redis"]["condition"] == "service_healthy"


def test_it_keeps_uploads_in_a_media_volume_shared_by_web_and_worker(compose, services):
    assert "media" in compose["volumes"]
    for name in ("web", "worker"):
        media_root = environment(services[name])["MEDIA_ROOT"]
        assert volume_targets(services[name]).get("media") == media_root


def test_it_keeps_the_database_in_a_named_volume(compose, services):
    assert services["db"]["image"].startswith("postgres:15")
    source = next(iter(volume_targets(services["db"])))
    assert source in compose["volumes"]


def test_it_runs_worker_and_beat_as_separate_celery_processes(services):
    worker, beat = command(services["worker"]), command(services["beat"])
    assert re.search(r"celery -A qms_portal worker\b", worker) and " -B" not in worker
    assert re.search(r"celery -A qms_portal beat\b", beat)


def test_it_migrates_only_from_the_web_service(services):
    assert str(environment(services["web"]).get("RUN_MIGRATIONS")) == "1"
    for name in ("worker", "beat"):
        assert str(environment(services[name]).get("RUN_MIGRATIONS", "0")) != "1"
    entrypoint = (ROOT / "docker" / "entrypoint.sh").read_text(encoding="utf-8")
    assert 'RUN_MIGRATIONS:-0}" = "1"' in entrypoint
    assert "manage.py migrate" in entrypoint and "manage.py seed_roles" in entrypoint
    assert os.access(ROOT / "docker" / "entrypoint.sh", os.X_OK)


def test_it_builds_an_image_that_can_render_pdfs_in_every_language():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "FROM python:3.11-slim-bookworm" in dockerfile
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-noto-cjk", "gettext"):
        assert package in dockerfile
    assert "-c constraints.txt" in dockerfile
    assert re.search(r"^USER (?!root)\S+", dockerfile, re.M), "the image must run as a non-root user"
    assert "HEALTHCHECK" in dockerfile and "/healthz" in dockerfile
    assert "gunicorn" in dockerfile and "qms_portal.wsgi" in dockerfile


def test_it_documents_every_required_variable_in_the_env_example(compose):
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    required = set(re.findall(r"\$\{(\w+):\?", yaml.safe_dump(compose)))
    assert required >= {"SECRET_KEY", "POSTGRES_PASSWORD"}
    for name in required:
        assert re.search(rf"^{name}=", example, re.M), f"{name} is missing from .env.example"


def test_it_runs_make_test_from_an_executable_ci_script():
    script = ROOT / ".ci" / "run"
    assert os.access(script, os.X_OK)
    text = script.read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash") and "set -euo pipefail" in text
    assert re.search(r"^make test\b", text, re.M)
    for flag in ("DATABASE_URL=postgres://", "REDIS_URL=redis://", "CACHE_URL=redis://", "QMS_REQUIRE_BROWSER=1",
                 "QMS_REQUIRE_REDIS=1"):
        assert flag in text


def _manage(*args):
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items()
           if k not in {"SECRET_KEY", "DEBUG", "PYTEST_VERSION", "QMS_TESTING", "ALLOWED_HOSTS",
                        "QMS_OFFLINE_COMMAND"}}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=root, env=env, capture_output=True,
                          text=True, timeout=120)


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = _manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_offline_commands_run_without_a_secret_key():
    result = _manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def _settings(env, code):
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    base = {k: v for k, v in os.environ.items()
            if k not in {"SECRET_KEY", "DEBUG", "PYTEST_VERSION", "QMS_TESTING", "ALLOWED_HOSTS",
                         "QMS_OFFLINE_COMMAND", "BEHIND_PROXY", "HTTPS"}}
    program = "import django; django.setup(); from django.conf import settings as s; " + code
    return subprocess.run([sys.executable, "-c", program], cwd=root, capture_output=True, text=True, timeout=60,
                          env={**base, "DJANGO_SETTINGS_MODULE": "qms_portal.settings", "SECRET_KEY": "x" * 60,
                               "ALLOWED_HOSTS": "qms.example.org", **env}, check=False)


def test_forwarded_proto_is_trusted_only_when_a_proxy_is_declared():
    """A client's own X-Forwarded-Proto must not make a plain HTTP request count as secure."""
    plain = _settings({}, "print(s.SECURE_PROXY_SSL_HEADER)")
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.strip() == "None"
    proxied = _settings({"BEHIND_PROXY": "1"}, "print(s.SECURE_PROXY_SSL_HEADER)")
    assert proxied.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_production_settings_can_be_tried_over_plain_http_on_loopback():
    code = "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)"
    assert _settings({}, code).stdout.strip() == "True True True 31536000"
    assert _settings({"HTTPS": "0"}, code).stdout.strip() == "False False False 0"


def test_the_compose_web_service_is_declared_behind_its_proxy(services):
    assert services["web"]["environment"]["BEHIND_PROXY"] == "1"


def _gunicorn_flags(text):
    flags = re.findall(r'"(--[a-z-]+)",\s*(?:\\\s*)?"([^"]*)"', text)
    return dict(flags)


def test_gunicorn_runs_short_requests_only_with_the_same_flags_in_the_image_and_compose(services):
    """Long work runs as background jobs: a request that runs 30 s is killed, workers are recycled,
    and the Dockerfile's CMD and the web service agree."""
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    cmd = dockerfile[dockerfile.index("CMD ["):]
    compose_flags = _gunicorn_flags(str(services["web"]["command"]).replace("'", '"'))
    image_flags = _gunicorn_flags(cmd)
    assert compose_flags == image_flags
    assert int(image_flags["--timeout"]) <= 30 and int(image_flags["--graceful-timeout"]) <= 30
    assert int(image_flags["--max-requests"]) > 0 and int(image_flags["--max-requests-jitter"]) > 0
    assert image_flags["--worker-tmp-dir"] == "/dev/shm"
    assert "--timeout" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_web_worker_leaves_what_it_loaded_out_of_the_garbage_collectors_full_collections():
    """qms_portal/wsgi.py freezes what is loaded (Django, the apps, their models): the full
    collections that some requests trigger no longer walk it (the dashboard's p95 302 → 244 ms)."""
    import subprocess
    import sys

    code = "import gc; before = gc.get_freeze_count(); import qms_portal.wsgi; print(before, gc.get_freeze_count())"
    environ = {**os.environ, "DJANGO_SETTINGS_MODULE": "qms_portal.settings", "DEBUG": "1"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True,
                         check=True)
    before, after = map(int, out.stdout.split()[-2:])
    assert before == 0 and after > 10_000
