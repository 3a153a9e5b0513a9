"""Small helpers shared by the tests (not fixtures)."""

import os
import re
import socket
import subprocess
import time
from contextlib import contextmanager
from html import unescape
from types import SimpleNamespace

import pytest
from django.db import connection, transaction


def required(env_var):
    return os.environ.get(env_var, "").strip().lower() in {"1", "true", "yes", "on"}


def need(condition, reason, env_var):
    """Skip the test when ``condition`` is false — or fail it when ``env_var`` is set to 1, so a CI
    job that promises the service cannot go green by skipping."""
    if condition:
        return
    if required(env_var):
        pytest.fail(f"{reason} (and {env_var}=1 requires it)")
    pytest.skip(reason)


@contextmanager
def built_once(django_db_blocker, build):
    """Build test data once (per module) inside a transaction that is rolled back at the end; each
    test then runs in a savepoint inside it (pytest-django's ``db``), so what it writes is gone
    before the next one.

    The data's deferred constraints are checked here, in the outer transaction. Left pending, each
    test's own check at its end (Django's ``check_constraints`` before the savepoint's rollback)
    would fire them all again: PostgreSQL marks the checks fired inside a savepoint as not fired
    when the savepoint is rolled back, so every test re-checked every row of the module's data
    (14 ms a test in the access matrix)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            data = build()
            connection.check_constraints()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield data
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def fresh_world(world):
    """A test's own copy of a world ``built_once`` (a namespace): every person and unit read afresh
    from the database (permission caches kept on a user object must not pass from one test to the
    next), everything else copied, so a test that changes an object in memory (a transition sets its
    status) leaves the next test the object as it was built."""
    import copy

    from qms_portal.models import Unit, User

    values = vars(world)
    users = User.objects.in_bulk([v.pk for v in values.values() if isinstance(v, User)])
    units = Unit.objects.in_bulk([v.pk for v in values.values() if isinstance(v, Unit)])
    fresh = {}
    for name, value in values.items():
        if isinstance(value, User):
            value = users[value.pk]
        elif isinstance(value, Unit):
            value = units[value.pk]
        else:
            value = copy.deepcopy(value)
        fresh[name] = value
    return SimpleNamespace(**fresh)


def listed_codes(response):
    """The codes of the documents a register page lists, read from the page (its table is a cached
    fragment: a second visit has no documents in its context)."""
    assert response.status_code == 200, response.status_code
    return [unescape(code) for code in re.findall(r'<tr data-code="([^"]*)"', response.content.decode())]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ThrowawayRedis:
    """A ``redis-server`` on a free port, nothing saved to disk; stopped and started again on the
    same port as a test needs (a Redis outage, then Redis back)."""

    def __init__(self, binary, directory):
        self.binary, self.directory, self.port, self.process = binary, directory, free_port(), None

    def url(self, db=0):
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self, db=0):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, db=db, socket_timeout=2)

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 - the installed redis-server, arguments of our own
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while True:
            try:
                if self.client().ping():
                    return
            except Exception:  # noqa: BLE001 - not up yet
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.05)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None
