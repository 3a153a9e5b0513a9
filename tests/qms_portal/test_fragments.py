"""Cached pieces of pages and the generations that retire them (qms_portal/fragments.py), the unread
count in the navigation (a request piece: read with a view's own pieces), and the permission checks
that need no query."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from qms_portal import fragments
from qms_portal.context_processors import unread_count
from qms_portal.middleware import CurrentRequestMiddleware
from qms_portal.models import Notification, Unit
from qms_portal.notifications import notify
from qms_portal.permissions import can
from qms_portal.services import notification_mark_read

pytestmark = pytest.mark.django_db


def build_counter():
    calls = []

    def build():
        calls.append(1)
        return f"piece {len(calls)}"

    return calls, build


def test_a_piece_is_built_once_until_its_generation_is_bumped():
    calls, build = build_counter()
    key = fragments.entry_key("test", 1)
    assert fragments.cached(key, ("g1", "g2"), build, 60) == "piece 1"
    assert fragments.cached(key, ("g1", "g2"), build, 60) == "piece 1"
    fragments.bump("g2")
    assert fragments.cached(key, ("g1", "g2"), build, 60) == "piece 2"
    fragments.bump("another")
    assert fragments.cached(key, ("g1", "g2"), build, 60) == "piece 2"
    assert len(calls) == 2


@pytest.fixture
def fresh_release():
    fragments.release.cache_clear()
    yield fragments.release
    fragments.release.cache_clear()


def test_a_piece_written_by_another_release_is_never_read(settings, fresh_release):
    calls, build = build_counter()
    settings.RELEASE = "2026.11.1"
    fresh_release.cache_clear()
    assert fragments.cached(fragments.entry_key("test", 1), (), build, 60) == "piece 1"
    assert fragments.cached(fragments.entry_key("test", 1), (), build, 60) == "piece 1"
    settings.RELEASE = "2026.11.2"  # a deployment
    fresh_release.cache_clear()
    assert fragments.cached(fragments.entry_key("test", 1), (), build, 60) == "piece 2"


def test_without_a_named_release_a_changed_template_is_a_new_release(settings, tmp_path, fresh_release):
    templates = tmp_path / "templates"
    templates.mkdir()
    page = templates / "page.html"
    page.write_text("<p>{{ one }}</p>")
    settings.RELEASE = ""
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [templates]}]
    first = fresh_release()
    fresh_release.cache_clear()
    assert fresh_release() == first  # the same code on another server: the same release
    page.write_text("<p>{{ two }}</p>")
    fresh_release.cache_clear()
    assert fresh_release() != first


def test_a_generation_the_cache_lost_never_matches_an_old_piece():
    calls, build = build_counter()
    key = fragments.entry_key("test", 2)
    fragments.cached(key, ("lost",), build, 60)
    cache.delete("qms:gen:lost")  # evicted, or the cache was emptied but this entry survived
    assert fragments.cached(key, ("lost",), build, 60) == "piece 2"


def test_a_bump_inside_a_transaction_is_renewed_after_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        fragments.bump("tx")
        during = cache.get("qms:gen:tx")
    assert during is not None and cache.get("qms:gen:tx") != during


def test_forget_all_retires_every_piece_and_leaves_the_rest_of_the_cache(tree):
    calls, build = build_counter()
    key = fragments.entry_key("test", 4)
    cache.set("not-a-piece", "kept", None)
    fragments.cached(key, ("g1",), build, 60)
    fragments.forget_all()
    assert fragments.cached(key, ("g1",), build, 60) == "piece 2"
    assert cache.get("not-a-piece") == "kept"


def test_a_change_to_a_watched_field_bumps_and_a_change_to_another_does_not(tree):
    from qms_portal import services

    person = tree.ward1_staff
    before = cache.get("qms:gen:people")
    services.user_update(acting_user=tree.admin, user=person, phone="0912345678")  # a full save, no name change
    person.last_login = None
    person.save(update_fields=["last_login"])  # a sign-in: no query to tell
    assert cache.get("qms:gen:people") == before
    services.user_update(acting_user=tree.admin, user=person, full_name="Nguyễn Văn Đổi Tên")
    assert cache.get("qms:gen:people") != before


def test_saving_or_deleting_a_tracked_row_bumps_its_generations(tree):
    fragments.track("qms_portal.Unit", lambda unit: [f"test-unit:{unit.pk}"])
    try:
        calls, build = build_counter()
        key = fragments.entry_key("test", 3)
        name = f"test-unit:{tree.ward1.pk}"
        fragments.cached(key, (name,), build, 60)
        Unit.objects.get(pk=tree.ward1.pk).save()
        assert fragments.cached(key, (name,), build, 60) == "piece 2"
    finally:
        fragments._TRACKED["qms_portal.Unit"].pop()


class _Request:
    """Enough of a request for a request piece and the layout's context."""

    path = "/"

    def __init__(self, user):
        self.user = user


def test_the_unread_count_comes_with_the_first_pieces_a_view_reads(tree, monkeypatch):
    """One round trip for a view's pieces and the navigation's count: the view names only its own."""
    from qms_portal.context_processors import portal

    reads = []
    original = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: reads.append(list(keys)) or original(keys))
    calls, build = build_counter()
    request = _Request(tree.ward1_staff)

    def view(request):
        fragments.cached(fragments.entry_key("test", 5), ("g",), build, 60)
        return portal(request)["unread_count"]

    assert CurrentRequestMiddleware(view)(request) == 0
    assert len(reads) == 1 and any(key.startswith("qms:frag:") for key in reads[0])
    notify([tree.ward1_staff], "role_assigned", params={"role": "Staff member", "unit": "W1"})
    reads.clear()
    assert CurrentRequestMiddleware(view)(_Request(tree.ward1_staff)) == 1
    assert len(reads) == 1


def test_a_page_that_reads_no_piece_counts_the_unread_messages_without_the_cache(tree, monkeypatch):
    """Alone, the count (one query on an index) is cheaper than reading it from the cache: one round
    trip when kept, three when not (read, count, write)."""
    from qms_portal.context_processors import portal

    reads, writes = [], []
    original_get, original_set = cache.get_many, cache.set_many
    monkeypatch.setattr(cache, "get_many", lambda keys: reads.append(list(keys)) or original_get(keys))
    monkeypatch.setattr(cache, "set_many", lambda d, t=None: writes.append(d) or original_set(d, t))
    notify([tree.ward1_staff], "role_assigned", params={"role": "Staff member", "unit": "W1"})
    reads.clear()
    writes.clear()  # (the message's own renewal of the reader's count)
    with CaptureQueriesContext(connection) as queries:  # (asked twice: once per template rendered)
        response = CurrentRequestMiddleware(lambda request: [portal(request), portal(request)][1])(
            _Request(tree.ward1_staff))
    assert response["unread_count"] == 1
    assert reads == [] and writes == []
    assert [q["sql"] for q in queries if "notification" in q["sql"]] and len(queries) == 1
    notification_mark_read(acting_user=tree.ward1_staff)
    response = CurrentRequestMiddleware(lambda request: portal(request))(_Request(tree.ward1_staff))
    assert response["unread_count"] == 0


def test_the_unread_count_is_kept_until_a_notification_arrives_or_is_read(tree):
    user = tree.ward1_staff
    assert unread_count(user) == 0
    with CaptureQueriesContext(connection) as queries:
        assert unread_count(user) == 0
    assert len(queries) == 0
    notify([user], "role_assigned", params={"role": "Staff member", "unit": "W1"})  # in bulk
    assert unread_count(user) == 1
    Notification.objects.create(recipient=user, kind="role_assigned", params={"role": "x", "unit": "y"})
    assert unread_count(user) == 2
    notification_mark_read(acting_user=user)  # one UPDATE
    assert unread_count(user) == 0


def test_the_navigation_shows_the_new_count(tree, client):
    client.force_login(tree.ward1_staff)
    assert 'data-testid="unread-count"' not in client.get("/inbox/").content.decode()
    notify([tree.ward1_staff], "role_assigned", params={"role": "Staff member", "unit": "W1"})
    assert 'data-testid="unread-count">1<' in client.get("/inbox/").content.decode()


def test_a_permission_held_nowhere_is_refused_without_a_query(tree):
    user = tree.ward1_staff
    unit = Unit.objects.get(pk=tree.ward1.pk)
    can(user, "view", unit)  # the grants are read once per request
    with CaptureQueriesContext(connection) as queries:
        assert can(user, "qms_portal.delete_unit", unit) is False
        assert can(user, "view", unit) is True
    assert len(queries) == 0


def test_without_redis_the_web_server_and_the_worker_share_one_cache(tmp_path):
    """``make run`` has no Redis: what the Celery worker retires (a scheduled publication bumps the
    register) must be retired for the web server too, so the default cache lives in files."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "DEBUG": "1", "CACHE_DIR": str(tmp_path)}
    env.pop("REDIS_URL", None)

    def shell(code):
        result = subprocess.run(  # noqa: S603 - this interpreter, this project's manage.py
            [sys.executable, "manage.py", "shell", "-c", code], cwd=Path(__file__).resolve().parents[2],
            env=env, capture_output=True, text=True, timeout=120, check=True,
        )
        return result.stdout.strip()


    shell("from qms_portal import fragments; fragments.bump('shared')")
    token = shell("from django.core.cache import cache; print(cache.get('qms:gen:shared'))")
    assert token.splitlines()[-1].isdigit()  # (the shell first says what it imported)
