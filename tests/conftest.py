import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management.sql import sql_flush as _django_sql_flush
from django.test import Client, override_settings
from django.utils import translation

from qms_portal.roles import ensure_system_roles
from tests import factories, public_purpose  # noqa: F401 - public_purpose registers the tests' token-page purpose


def _flush_what_holds_rows(style, connection, reset_sequences=True, allow_cascade=False):
    """``manage.py flush``'s SQL, for a test that really commits (``transactional_db``: the browser
    tests, the live server's): on PostgreSQL it deletes the rows of the tables that hold any, in one
    transaction (Django's foreign keys are checked at its end), where Django truncates all 220
    tables, which took 0.7 s after each such test. Elsewhere, and when sequences are reset, Django's
    own."""
    if connection.vendor != "postgresql" or reset_sequences:
        return _django_sql_flush(style, connection, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
    names = sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(
            f"SELECT %s WHERE EXISTS (SELECT 1 FROM {quote(name)})" for name in names), names)
        holding = [row[0] for row in cursor.fetchall()]
    return [f"DELETE FROM {quote(name)}" for name in holding] or ["SELECT 1"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The seeded system roles, committed in the test database: nearly every test needs them
    (``factories.roles()``), and made inside each test's transaction they were made again for every
    test (40 queries, 0.17 s: a tenth of the suite's time), since the rollback took them away."""
    with django_db_blocker.unblock():
        ensure_system_roles()


@pytest.fixture(scope="session", autouse=True)
def _quick_flush():
    """A test that commits is cleaned by ``flush`` (which also makes Django's permissions again):
    quicker, and leaving the system roles in place for the tests that follow."""
    from django.core.management.commands import flush

    handle = flush.Command.handle

    def flush_and_seed(self, **options):
        handle(self, **options)
        if not options.get("inhibit_post_migrate"):  # Django's permissions are there again
            ensure_system_roles()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(flush, "sql_flush", _flush_what_holds_rows)
        patch.setattr(flush.Command, "handle", flush_and_seed)
        yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request as a Vietnamese user activates "vi" for
    the thread, and that must not leak into the next test."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session", autouse=True)
def _process_cache():
    """The tests keep the cache in their own process, even where ``REDIS_URL`` is set (CI): the
    parallel workers each have their own database, whose row ids overlap, and one Redis would let
    one worker read another's cached coverage or options, or empty them in the middle of a test."""
    with override_settings(CACHES={
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "qms-tests"},
    }):
        yield


@pytest.fixture(autouse=True)
def _empty_cache(_process_cache):
    """Each test starts with an empty cache: row ids repeat from one test to the next, and cached
    coverage counts or page fragments must not outlive their test. Outages a test caused (of the
    cache, of the broker) are forgotten too."""
    from qms_portal import cache as portal_cache
    from qms_portal import outbox

    cache.clear()
    portal_cache.reset()
    outbox._broker.down_until = 0.0
    yield


@pytest.fixture(autouse=True)
def _one_rate_window(monkeypatch):
    """Token pages count requests per minute (``public_links.rate_window``): within a test, every
    request falls in the same minute, so a test that crosses the turn of a minute is not let
    through by a fresh count."""
    monkeypatch.setattr("qms_portal.public_links.rate_window", lambda: 0)


@pytest.fixture
def redis_server(tmp_path):
    """A throwaway ``redis-server`` of the test's own on a free port: ``.url(db)``, ``.stop()``,
    ``.start()`` (the same port again)."""
    import shutil

    from tests.helpers import ThrowawayRedis, need

    binary = shutil.which("redis-server")
    need(binary is not None, "redis-server is not installed", "QMS_REQUIRE_REDIS")
    server = ThrowawayRedis(binary, tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def superuser(db):
    return factories.make_superuser()


@pytest.fixture
def tree(db):
    return factories.small_tree()


@pytest.fixture
def client_for(db):
    """``client_for(user)`` → a test Client logged in as ``user`` (force_login)."""

    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make
