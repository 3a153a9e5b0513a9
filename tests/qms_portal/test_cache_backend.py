"""The portal's cache in production: Redis, in a database of its own (not the broker's), through a
backend that answers misses when Redis is down (``qms_portal/cache.py``). The other tests keep the
cache in their own process (tests/conftest.py); these talk to a real Redis: the CI's
(``REDIS_URL``), or a throwaway ``redis-server`` of their own that they stop and start again."""

import logging
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from qms_portal import fragments
from qms_portal.cache import PortalRedisCache
from qms_portal.settings import cache_url
from tests.helpers import free_port, need

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.redis
def test_options_coverage_and_fragments_round_trip_through_redis():
    url = os.environ.get("REDIS_URL")
    need(bool(url), "REDIS_URL is not set", "QMS_REQUIRE_REDIS")
    redis = PortalRedisCache(os.environ.get("CACHE_URL") or cache_url(url), {})
    prefix = f"qms-test-{uuid.uuid4().hex}:"
    values = {
        "options": (123, [("1", '  <option value="1">Sở Nội vụ</option>'),
                          ("2", '  <option value="2">区政府</option>')]),
        "coverage": [{"unit__code": "SNV", "unit__name": "Sở Nội vụ", "total": 6, "done": 1}],
        "fragment": "<div>第 1 页 · Quy trình</div>",
    }
    try:
        for name, value in values.items():
            redis.set(prefix + name, value, 30)
        assert redis.get_many([prefix + name for name in values]) == {prefix + k: v for k, v in values.items()}
    finally:
        redis.delete_many([prefix + name for name in values])


# --- Its own database --------------------------------------------------------------------------------


@pytest.mark.parametrize(("broker", "cache"), [
    ("redis://redis:6379/0", "redis://redis:6379/1"),
    ("redis://redis:6379", "redis://redis:6379/1"),
    ("redis://:secret@10.0.0.5:6380/7", "redis://:secret@10.0.0.5:6380/8"),
    ("rediss://cache.example.org:6379/2?ssl_cert_reqs=required", "rediss://cache.example.org:6379/3?ssl_cert_reqs=required"),
])
def test_the_cache_takes_the_database_after_the_brokers(broker, cache):
    assert cache_url(broker) == cache


@pytest.mark.parametrize("broker", ["redis://redis:6379/15", "unix:///run/redis.sock?db=0", "redis://redis/0?db=3"])
def test_a_cache_database_that_cannot_be_derived_must_be_named(broker):
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_url(broker)


def _settings(**env):
    code = ("from django.conf import settings; c = settings.CACHES['default']; "
            "print(c['BACKEND'], c['LOCATION'], settings.CELERY_BROKER_URL)")
    environment = {**os.environ, "DEBUG": "1", **env}
    for name in ("REDIS_URL", "CACHE_URL"):
        if name not in env:
            environment.pop(name, None)
    result = subprocess.run(  # noqa: S603 - this interpreter, this project's manage.py
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=environment, capture_output=True,
        text=True, timeout=120, check=True,
    )
    return result.stdout.strip().splitlines()[-1].split()


def test_the_broker_and_the_cache_never_share_a_redis_database():
    backend, location, broker = _settings(REDIS_URL="redis://127.0.0.1:6379/3")
    assert (backend, location, broker) == ("qms_portal.cache.PortalRedisCache", "redis://127.0.0.1:6379/4",
                                           "redis://127.0.0.1:6379/3")
    _backend, location, broker = _settings(REDIS_URL="redis://127.0.0.1:6379/3", CACHE_URL="redis://cache:6379/0")
    assert (location, broker) == ("redis://cache:6379/0", "redis://127.0.0.1:6379/3")


# --- Redis down: misses, a warning, and Redis left alone for a while ------------------------------------


def _cache(url, **options):
    return PortalRedisCache(url, {"OPTIONS": {"RETRY_AFTER": 0.3, **options}})


def test_a_closed_port_is_a_miss_with_one_warning_and_no_wait(caplog):
    caplog.set_level(logging.WARNING, logger="qms_portal.cache")
    cache = _cache(f"redis://127.0.0.1:{free_port()}/1")
    started = time.monotonic()
    for _ in range(200):
        assert cache.get("k", "default") == "default"
        assert cache.get_many(["a", "b"]) == {}
        assert cache.add("k", 1) is False
        cache.set("k", 1)
        cache.set_many({"a": 1})
        cache.delete("k")
    assert time.monotonic() - started < 2  # 1200 calls: Redis was tried once (the breaker)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "unavailable" in warnings[0].getMessage() and "Pages are built without it" in warnings[0].getMessage()


@pytest.mark.redis
def test_the_cache_is_used_again_when_redis_comes_back_and_what_it_kept_is_retired(redis_server, caplog, db,
                                                                                   settings):
    caplog.set_level(logging.WARNING, logger="qms_portal.cache")
    settings.CACHES = {"default": {"BACKEND": "qms_portal.cache.PortalRedisCache", "LOCATION": redis_server.url(1),
                                   "OPTIONS": {"RETRY_AFTER": 0.3}}}
    calls = []
    piece = fragments.Piece(fragments.entry_key("test", "back"), ("g",), lambda: calls.append(1) or len(calls), 60)
    assert fragments.cached_many({"p": piece})["p"] == 1
    assert fragments.cached_many({"p": piece})["p"] == 1  # from Redis
    redis_server.stop()
    assert fragments.cached_many({"p": piece})["p"] == 2  # built again, no error
    fragments.bump("g")  # lost: Redis is down
    assert sum("unavailable" in r.getMessage() for r in caplog.records) == 1
    redis_server.start()  # (empty: nothing was saved; a Redis that kept its data is the same case)
    time.sleep(0.4)
    assert fragments.cached_many({"p": piece})["p"] == 3
    assert fragments.cached_many({"p": piece})["p"] == 3  # from Redis again
    assert any("available again" in r.getMessage() for r in caplog.records)
    assert redis_server.client(1).get(":1:qms:gen:*") is not None  # every piece from before the outage retired


@pytest.mark.redis
def test_pieces_kept_through_an_outage_are_never_read_after_a_change_made_during_it(redis_server, settings, db):
    """The web server lost its connection (Redis itself kept running): a document changed then,
    and its bump was lost. When the connection is back, what Redis kept is not used."""
    settings.CACHES = {"default": {"BACKEND": "qms_portal.cache.PortalRedisCache", "LOCATION": redis_server.url(1),
                                   "OPTIONS": {"RETRY_AFTER": 0.3}}}
    from django.core.cache import cache

    calls = []
    piece = fragments.Piece(fragments.entry_key("test", "kept"), ("doc",), lambda: calls.append(1) or len(calls), 60)
    assert fragments.cached_many({"p": piece})["p"] == 1
    real = cache._cache.get_client

    def unreachable(*args, **kwargs):
        raise ConnectionError("network unreachable")

    cache._cache.get_client = unreachable
    fragments.bump("doc")  # lost
    cache._cache.get_client = real
    time.sleep(0.4)
    assert fragments.cached_many({"p": piece})["p"] == 2


# --- The benchmark's first visits ------------------------------------------------------------------------


@pytest.mark.redis
def test_the_benchmarks_first_visits_leave_the_brokers_queued_tasks_alone(redis_server, settings, tree):
    """Even with the cache in the broker's own database (as ``REDIS_URL`` once set both), the
    first-visit pass retires the portal's pieces and deletes nothing else."""
    from qms_portal.bench.runner import run_bench

    settings.CACHES = {"default": {"BACKEND": "qms_portal.cache.PortalRedisCache", "LOCATION": redis_server.url(0)}}
    broker = redis_server.client(0)
    broker.lpush("celery", b'{"headers": {"task": "qms_portal.tasks.outbox_flush"}, "body": "W10="}')
    built = []
    original = fragments._build
    fragments._build = lambda piece: built.append(piece) or original(piece)
    try:
        report = run_bench(user=tree.admin, pages=[("floor", "/floor/"), ("inbox", "/inbox/")], runs=3, warmup=1,
                           tools=[])
    finally:
        fragments._build = original
    assert broker.llen("celery") == 1
    assert all(row["status"] == 200 for row in report["pages"])
    # the inbox's messages and its unread count: built once warm, then again before each of the
    # first visits
    assert len(built) == 2 * (1 + report["cold_runs"] + 1)
