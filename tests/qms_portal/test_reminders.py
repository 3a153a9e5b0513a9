import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from qms_portal import services
from qms_portal.models import Notification, ReminderClaim
from qms_portal.reminders import remind_pending_transitions
from tests import factories
from tests.helpers import need

ROOT = Path(__file__).resolve().parents[2]
DAYS = settings.QMS_PENDING_REMINDER_DAYS


def pending_request(tree, requester=None):
    return services.access_request_create(
        acting_user=requester or tree.ward1_staff, role=tree.roles["document_controller"], unit=tree.ward1,
        include_subunits=False, justification="I keep the document register.",
    )


def waiting(**filters):
    return Notification.objects.filter(kind="transition_waiting", **filters)


@pytest.fixture
def deciders(tree):
    """Who may decide a request on ward 1: the administrator (city and below), a district MR, and
    the ward's own MR (who here is the requester, so the separation-of-duties guard leaves them out)."""
    district_mr = factories.make_user(f"{tree.prefix}dist-mr", tree.district)
    factories.assign(district_mr, "management_representative", tree.district)
    return [tree.admin, district_mr]


@pytest.mark.django_db
class TestPendingReminders:
    def test_each_decider_gets_one_reminder_and_the_requester_none(self, tree, deciders):
        request = pending_request(tree, requester=tree.ward1_mr)
        later = timezone.now() + timedelta(days=DAYS, hours=1)
        assert remind_pending_transitions(now=later) == 2
        assert sorted(n.recipient_id for n in waiting()) == sorted(u.pk for u in deciders)
        assert not waiting(recipient=tree.ward1_mr).exists()
        assert not waiting(recipient=tree.ward1_staff).exists()
        n = waiting().first()
        assert n.url == request.get_absolute_url()
        assert n.params["days"] == str(DAYS)

    def test_a_second_sweep_and_a_late_sweep_send_nothing_new(self, tree, deciders):
        pending_request(tree, requester=tree.ward1_mr)
        later = timezone.now() + timedelta(days=DAYS, hours=1)
        assert remind_pending_transitions(now=later) == 2
        assert remind_pending_transitions(now=later) == 0
        assert remind_pending_transitions(now=later + timedelta(days=10)) == 0
        assert waiting().count() == 2
        for user in deciders:
            assert waiting(recipient=user).count() == 1

    def test_a_request_newer_than_the_window_is_not_reminded(self, tree, deciders):
        pending_request(tree, requester=tree.ward1_mr)
        assert remind_pending_transitions(now=timezone.now() + timedelta(days=DAYS) - timedelta(hours=1)) == 0
        assert not waiting().exists()
        assert not ReminderClaim.objects.exists()

    def test_a_decided_request_is_not_reminded(self, tree, deciders):
        request = pending_request(tree)
        services.access_request_transition(acting_user=tree.ward1_mr, access_request=request, name="reject",
                                           reason="Not needed.")
        assert remind_pending_transitions(now=timezone.now() + timedelta(days=DAYS + 5)) == 0
        assert not waiting().exists()

    def test_each_reminder_is_claimed_with_a_key_naming_record_state_and_person(self, tree, deciders):
        request = pending_request(tree, requester=tree.ward1_mr)
        remind_pending_transitions(now=timezone.now() + timedelta(days=DAYS, hours=1))
        keys = set(ReminderClaim.objects.values_list("key", flat=True))
        assert len(keys) == 2
        prefix = f"waiting:qms_portal.accessrequest:{request.pk}:pending:"
        assert all(k.startswith(prefix) for k in keys)
        assert {k.rsplit(":", 1)[1] for k in keys} == {str(u.pk) for u in deciders}
        # a reminder already claimed (a sweep that died after claiming) is not sent again
        ReminderClaim.objects.filter(key__endswith=f":{deciders[0].pk}").delete()
        Notification.objects.filter(kind="transition_waiting").delete()
        assert remind_pending_transitions(now=timezone.now() + timedelta(days=DAYS, hours=2)) == 1


def _database_url(settings_dict):
    user = quote(settings_dict.get("USER") or "")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password)}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_reminder_and_its_email(tmp_path):
    need(bool(os.environ.get("REDIS_URL")), "REDIS_URL is not set", "QMS_REQUIRE_REDIS")
    need(connection.vendor == "postgresql",
         "a worker process cannot share the in-memory SQLite test database; run with DATABASE_URL (PostgreSQL)",
         "QMS_REQUIRE_REDIS")
    from qms_portal.celery import app
    from qms_portal.tasks import remind_pending_transitions as remind_task

    tree = factories.small_tree()
    request = pending_request(tree)
    deciders = {tree.admin.pk, tree.ward1_mr.pk}
    queue = f"qms-test-{uuid.uuid4().hex[:12]}"  # our own queue: no other worker on this Redis takes our tasks
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(connection.settings_dict),
        "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
        "QMS_TEST_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "QMS_TESTING": "1",
        "QMS_VAR_DIR": str(tmp_path),
        "QMS_PENDING_REMINDER_DAYS": "0",  # the request created a moment ago is already "waiting"
        "PYTHONPATH": str(ROOT),
    }
    env.pop("EMAIL_HOST", None)  # e-mail to files under QMS_VAR_DIR
    worker = subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "qms_portal", "worker", "-P", "solo", "-c", "1",
         "--without-heartbeat", "--without-mingle", "--without-gossip", "-Q", queue, "-l", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    eager = app.conf.task_always_eager
    try:
        app.conf.task_always_eager = False
        remind_task.apply_async(queue=queue)
        deadline = time.monotonic() + 30
        done = False
        while time.monotonic() < deadline and worker.poll() is None:
            rows = list(waiting().values_list("recipient_id", "emailed_at"))
            if {r for r, _ in rows} == deciders and all(e is not None for _, e in rows):
                done = True
                break
            time.sleep(0.3)
    finally:
        app.conf.task_always_eager = eager
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(5)
        output = worker.stdout.read().decode(errors="replace")
        worker.stdout.close()
    assert done, f"no e-mailed reminder within 30 s; worker output:\n{output[-4000:]}"
    rows = list(waiting())
    assert len(rows) == 2
    assert all(n.url == request.get_absolute_url() for n in rows)
    assert not waiting(recipient=tree.ward1_staff).exists()
    mails = list((tmp_path / "mail").glob("*.log"))
    assert mails, "the worker wrote no e-mail file"
    text = "".join(p.read_text(errors="replace") for p in mails)
    assert tree.admin.email in text and tree.ward1_mr.email in text

