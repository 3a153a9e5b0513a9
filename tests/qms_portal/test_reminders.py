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
from django.urls import reverse
from django.utils import timezone

from qms_portal import services
from qms_portal.models import Notification, ReminderClaim
from qms_portal.notifications import render
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
    return Notification.objects.filter(kind="transitions_waiting", **filters)


def listed(notification):
    """The (model, pk) of the records a grouped message lists."""
    return [(ref["$ref"], ref["pk"]) for ref in notification.params["objects"]["$list"]]


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
        result = remind_pending_transitions(now=later)
        assert (result.claimed, result.messages) == (1, 2)
        assert sorted(n.recipient_id for n in waiting()) == sorted(u.pk for u in deciders)
        assert not waiting(recipient=tree.ward1_mr).exists()
        assert not waiting(recipient=tree.ward1_staff).exists()
        n = waiting().first()
        assert n.url == reverse("home")
        assert n.params["days"] == DAYS and n.params["count"] == 1
        assert listed(n) == [("qms_portal.accessrequest", request.pk)]
        rendered = render(n)
        assert rendered.title == "1 record waits for your decision"
        assert rendered.items[0][1] == request.get_absolute_url()

    def test_every_waiting_record_is_listed_in_one_message_per_person(self, tree, deciders):
        first = pending_request(tree, requester=tree.ward1_mr)
        second = services.access_request_create(
            acting_user=tree.ward1_mr, role=tree.roles["internal_auditor"], unit=tree.ward1, include_subunits=False,
            justification="I audit the ward.")
        result = remind_pending_transitions(now=timezone.now() + timedelta(days=DAYS, hours=1))
        assert (result.claimed, result.messages) == (2, 2)
        for user in deciders:
            [n] = waiting(recipient=user)
            assert sorted(pk for _, pk in listed(n)) == sorted([first.pk, second.pk])
            assert render(n).title == "2 records wait for your decision"

    def test_a_second_sweep_and_a_late_sweep_send_nothing_new(self, tree, deciders):
        pending_request(tree, requester=tree.ward1_mr)
        later = timezone.now() + timedelta(days=DAYS, hours=1)
        assert remind_pending_transitions(now=later).messages == 2
        assert remind_pending_transitions(now=later).messages == 0
        assert remind_pending_transitions(now=later + timedelta(days=10)).messages == 0
        assert waiting().count() == 2
        for user in deciders:
            assert waiting(recipient=user).count() == 1

    def test_a_request_newer_than_the_window_is_not_reminded(self, tree, deciders):
        pending_request(tree, requester=tree.ward1_mr)
        assert remind_pending_transitions(now=timezone.now() + timedelta(days=DAYS) - timedelta(hours=1)).messages == 0
        assert not waiting().exists()
        assert not ReminderClaim.objects.exists()

    def test_a_decided_request_is_not_reminded(self, tree, deciders):
        request = pending_request(tree)
        services.access_request_transition(acting_user=tree.ward1_mr, access_request=request, name="reject",
                                           reason="Not needed.")
        assert remind_pending_transitions(now=timezone.now() + timedelta(days=DAYS + 5)).messages == 0
        assert not waiting().exists()

    def test_the_claim_names_record_state_and_the_day_it_entered_the_state(self, tree, deciders):
        request = pending_request(tree, requester=tree.ward1_mr)
        remind_pending_transitions(now=timezone.now() + timedelta(days=DAYS, hours=1))
        [claim] = ReminderClaim.objects.all()
        assert (claim.kind, claim.object_id, claim.stage, claim.due) == (
            "waiting:qms_portal.accessrequest", request.pk, "pending", timezone.localdate(request.created_at))
        assert claim.sent_at is not None

    def test_claims_of_a_run_that_died_are_sent_by_a_later_run_once(self, tree, deciders):
        pending_request(tree, requester=tree.ward1_mr)
        later = timezone.now() + timedelta(days=DAYS, hours=1)
        remind_pending_transitions(now=later)
        # as if the run had died after claiming, before writing its messages
        Notification.objects.filter(kind="transitions_waiting").delete()
        ReminderClaim.objects.update(run=uuid.uuid4(), sent_at=None, created_at=later)
        # a run started while the other may still be running leaves its claims alone
        soon = later + timedelta(seconds=settings.QMS_SWEEP_STALE_SECONDS - 60)
        assert remind_pending_transitions(now=soon).messages == 0
        # a run after the claims went stale sends them, once
        late = later + timedelta(seconds=settings.QMS_SWEEP_STALE_SECONDS + 60)
        assert remind_pending_transitions(now=late).messages == 2
        assert remind_pending_transitions(now=late).messages == 0
        assert waiting().count() == 2
        assert ReminderClaim.objects.get().sent_at is not None


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
    assert all(n.params["objects"]["$list"][0]["pk"] == request.pk for n in rows)
    assert not waiting(recipient=tree.ward1_staff).exists()
    mails = list((tmp_path / "mail").glob("*.log"))
    assert mails, "the worker wrote no e-mail file"
    text = "".join(p.read_text(errors="replace") for p in mails)
    assert tree.admin.email in text and tree.ward1_mr.email in text

