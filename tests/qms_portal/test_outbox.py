"""E-mail is sent after the commit, never inside an open transaction; one notification is never
e-mailed twice; password e-mails go through the outbox, the same work for known and unknown
addresses; old rows are purged."""

import re
import threading
import time
import uuid
from datetime import date, timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from qms_portal import outbox, services
from qms_portal.models import Notification, OutboxMessage, ReminderClaim, Role, User
from qms_portal.notifications import notify
from qms_portal.reminders import remind_pending_transitions
from tests import factories
from tests.helpers import need


def tell(users, unit):
    return notify(users, "role_assigned", params={"role": Role.objects.get(code="staff"), "unit": unit})


@pytest.fixture
def sending(monkeypatch):
    """Every e-mail sent, with whether a transaction was open and the notification claims then."""
    seen = []
    original = EmailBackend.send_messages

    def send_messages(self, messages):
        seen.append({"in_transaction": connection.in_atomic_block,
                     "claimed": list(Notification.objects.filter(email_claimed_at__isnull=False)
                                     .values_list("pk", flat=True))})
        return original(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    return seen


@pytest.mark.django_db(transaction=True)
def test_the_email_is_sent_after_the_commit_outside_any_transaction(sending):
    tree = factories.small_tree()
    mail.outbox.clear()
    with transaction.atomic():
        [notification] = tell([tree.ward1_staff], tree.ward1)
        assert mail.outbox == []
    assert len(mail.outbox) == 1
    [seen] = sending
    assert seen == {"in_transaction": False, "claimed": [notification.pk]}  # claimed and committed first
    notification.refresh_from_db()
    assert notification.emailed_at is not None and notification.email_claimed_at is None


@pytest.mark.django_db(transaction=True)
def test_the_digest_is_sent_outside_any_transaction(sending):
    tree = factories.small_tree()
    reader = services.user_update(acting_user=tree.admin, user=tree.ward1_mr,
                                  notification_mode=User.NotificationMode.DIGEST)
    tell([reader], tree.ward1)
    tell([reader], tree.district)
    mail.outbox.clear()
    assert outbox.send_daily_digests(today=date(2030, 1, 2)) == 1
    [seen] = sending
    assert seen["in_transaction"] is False and len(seen["claimed"]) == 2
    assert not Notification.objects.filter(recipient=reader, emailed_at__isnull=True).exists()


@pytest.mark.django_db
def test_a_failed_send_releases_the_claim_and_a_retry_sends_once(tree, monkeypatch):
    [notification] = tell([tree.ward1_staff], tree.ward1)
    mail.outbox.clear()
    original = EmailBackend.send_messages

    def broken(self, messages):
        raise OSError("mail server down")

    monkeypatch.setattr(EmailBackend, "send_messages", broken)
    with pytest.raises(OSError):
        outbox.send_notification_email(notification.pk)
    notification.refresh_from_db()
    assert (notification.emailed_at, notification.email_claimed_at) == (None, None)
    monkeypatch.setattr(EmailBackend, "send_messages", original)
    assert outbox.send_notification_email(notification.pk) is True
    assert outbox.send_notification_email(notification.pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_failed_digest_is_released_for_a_retry(tree, monkeypatch):
    reader = services.user_update(acting_user=tree.admin, user=tree.ward1_mr,
                                  notification_mode=User.NotificationMode.DIGEST)
    tell([reader], tree.ward1)
    mail.outbox.clear()
    original = EmailBackend.send_messages
    monkeypatch.setattr(EmailBackend, "send_messages", lambda self, messages: (_ for _ in ()).throw(OSError()))
    with pytest.raises(OSError):
        outbox.send_daily_digests(today=date(2030, 1, 2))
    monkeypatch.setattr(EmailBackend, "send_messages", original)
    assert outbox.send_daily_digests(today=date(2030, 1, 2)) == 1
    assert outbox.send_daily_digests(today=date(2030, 1, 2)) == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_notification_another_worker_is_sending_is_left_alone_until_its_claim_goes_stale(tree, settings):
    [notification] = tell([tree.ward1_staff], tree.ward1)
    mail.outbox.clear()
    Notification.objects.filter(pk=notification.pk).update(email_claimed_at=timezone.now())
    assert outbox.send_notification_email(notification.pk) is False
    assert outbox.flush_outbox(older_than_seconds=3600) == 0
    assert mail.outbox == []
    # the worker died: after QMS_EMAIL_CLAIM_SECONDS the flush queues the e-mail again, once
    stale = timezone.now() - timedelta(seconds=settings.QMS_EMAIL_CLAIM_SECONDS + 1)
    Notification.objects.filter(pk=notification.pk).update(email_claimed_at=stale)
    assert outbox.release_stale_email_claims() == 1
    assert outbox.release_stale_email_claims() == 0
    assert outbox.flush_outbox(older_than_seconds=0) >= 1
    assert len(mail.outbox) == 1
    assert Notification.objects.get(pk=notification.pk).emailed_at is not None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_the_same_notification_at_once_send_one_email(monkeypatch):
    need(connection.vendor == "postgresql", "needs concurrent PostgreSQL transactions", "QMS_REQUIRE_POSTGRES")
    tree = factories.small_tree()
    with transaction.atomic():
        notification = Notification.objects.create(recipient=tree.ward1_staff, kind="role_assigned", params={})
    original = EmailBackend.send_messages

    def slow(self, messages):
        time.sleep(0.5)  # the other worker tries while this one is sending
        return original(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", slow)
    mail.outbox.clear()
    barrier = threading.Barrier(2, timeout=20)
    outcomes = []

    def run():
        try:
            barrier.wait()
            outcomes.append(outbox.send_notification_email(notification.pk))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes, key=str) == [False, True], outcomes
    assert len(mail.outbox) == 1
    assert outbox.send_notification_email(notification.pk) is False  # the task run again later
    assert len(mail.outbox) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reminder_sweeps_at_once_remind_each_record_once(settings):
    need(connection.vendor == "postgresql", "needs concurrent PostgreSQL transactions", "QMS_REQUIRE_POSTGRES")
    tree = factories.small_tree()
    for code in ("document_controller", "internal_auditor", "staff"):
        services.access_request_create(acting_user=tree.ward1_staff, role=tree.roles[code], unit=tree.ward1,
                                       include_subunits=False, justification="ISO work")
    later = timezone.now() + timedelta(days=settings.QMS_PENDING_REMINDER_DAYS + 1)
    barrier = threading.Barrier(2, timeout=20)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(remind_pending_transitions(now=later, batch_size=1))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            results.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(not isinstance(r, str) for r in results), results
    assert sum(r.claimed for r in results) == 3
    listed = [ref["pk"] for n in Notification.objects.filter(kind="transitions_waiting", recipient=tree.ward1_mr)
              for ref in n.params["objects"]["$list"]]
    assert sorted(listed) == sorted(set(listed)) and len(listed) == 3


# --- Password e-mails ---------------------------------------------------------------------------


def post_reset(client, address):
    with CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("password_reset"), {"email": address})
    assert response.status_code == 302
    return [re.sub(r"'[^']*'|\"s\d+_x\d+\"|\b\d+\b", "?", q["sql"]) for q in captured.captured_queries]


@pytest.mark.django_db
def test_the_reset_request_sends_nothing_itself_and_the_task_sends_the_link(tree, client,
                                                                           django_capture_on_commit_callbacks):
    person = services.user_set_preferences(acting_user=tree.ward1_staff, language="vi",
                                           notification_mode=User.NotificationMode.IMMEDIATE, phone="")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_reset(client, person.email)
    assert mail.outbox == []  # no SMTP work in the request
    [queued] = OutboxMessage.objects.filter(task="qms_portal.tasks.send_password_email")
    assert queued.kwargs["email"] == person.email
    for callback in callbacks:  # after the commit: the task runs (eagerly here)
        callback()
    [message] = mail.outbox
    assert message.to == [person.email]
    with translation.override("vi"):
        assert message.subject == translation.gettext("QMS Portal: set your password")
    uid, token = re.search(r"/accounts/reset/([^/]+)/([^/]+)/", message.body).groups()
    assert default_token_generator.check_token(User.objects.get(pk=person.pk), token)  # Django's own token


@pytest.mark.django_db
def test_a_known_and_an_unknown_address_do_the_same_work(tree, client, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False):
        known = post_reset(client, tree.ward1_staff.email)
        unknown = post_reset(client, "nobody@example.org")
    assert known == unknown
    assert any(q.startswith("INSERT") and "outboxmessage" in q for q in known)
    assert mail.outbox == []
    assert OutboxMessage.objects.filter(task="qms_portal.tasks.send_password_email").count() == 2
    assert outbox.send_password_email(email="nobody@example.org", domain="qms.example.org", use_https=True) == 0


@pytest.mark.django_db
def test_the_set_password_link_of_a_new_person_is_queued_not_sent(tree, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        person = services.user_create(acting_user=tree.admin, username=f"{tree.prefix}queued", full_name="Hà Văn B",
                                      email="b@example.org", primary_unit=tree.ward1, send_set_password_link=True)
    assert mail.outbox == []
    [queued] = OutboxMessage.objects.filter(task="qms_portal.tasks.send_password_email")
    assert queued.kwargs["user_id"] == person.pk
    for callback in callbacks:
        callback()
    [message] = mail.outbox
    assert message.to == ["b@example.org"] and person.username in message.body


# --- Retention ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_purge_deletes_old_sent_rows_and_keeps_what_is_still_needed(tree, settings):
    now = timezone.now()
    old = now - timedelta(days=settings.QMS_RETENTION_DAYS + 1)
    very_old = now - timedelta(days=settings.QMS_CLAIM_RETENTION_DAYS + 1)
    read_old, read_new, unread_old = (
        Notification.objects.create(recipient=tree.ward1_staff, kind="role_assigned", read_at=old),
        Notification.objects.create(recipient=tree.ward1_staff, kind="role_assigned", read_at=now),
        Notification.objects.create(recipient=tree.ward1_staff, kind="role_assigned", created_at=old),
    )
    sent_old = OutboxMessage.objects.create(task="x", dispatched_at=old)
    pending_old = OutboxMessage.objects.create(task="x", created_at=old)
    claim_old = ReminderClaim.objects.create(kind="k", object_id=1, due=date(2020, 1, 1), created_at=very_old,
                                             sent_at=very_old)
    claim_kept = ReminderClaim.objects.create(kind="k", object_id=2, due=date(2020, 1, 1), created_at=old,
                                              run=uuid.uuid4(), sent_at=old)
    assert outbox.purge(now=now) == {"outbox": 1, "notifications": 1, "claims": 1}
    assert set(Notification.objects.values_list("pk", flat=True)) >= {read_new.pk, unread_old.pk}
    assert not Notification.objects.filter(pk=read_old.pk).exists()
    assert list(OutboxMessage.objects.values_list("pk", flat=True)) == [pending_old.pk]
    assert list(ReminderClaim.objects.values_list("pk", flat=True)) == [claim_kept.pk]
    assert not ReminderClaim.objects.filter(pk=claim_old.pk).exists() and not OutboxMessage.objects.filter(
        pk=sent_old.pk).exists()


def test_the_purge_runs_every_night():
    from qms_portal.celery import app

    assert app.conf.beat_schedule["purge"]["task"] == "qms_portal.tasks.purge"
