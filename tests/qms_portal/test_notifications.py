import time
from datetime import date

import pytest
from django.core import mail
from django.utils import translation

from qms_portal import notifications, outbox, services
from qms_portal.celery import app
from qms_portal.models import Notification, OutboxMessage, User
from qms_portal.notifications import KINDS, flush_outbox, notify, send_daily_digests, send_notification_email
from tests import factories

pytestmark = pytest.mark.django_db


def set_mode(user, mode, **fields):
    return services.user_update(acting_user=factories.make_superuser("factory-root"), user=user,
                                notification_mode=mode, **fields)


def tell(users, unit, key=None):
    from qms_portal.models import Role

    return notify(users, "role_assigned", params={"role": Role.objects.get(code="staff"), "unit": unit},
                  url="/admin/units/1/", key=key)


def test_notify_writes_inbox_rows_and_one_outbox_message_per_immediate_recipient(tree):
    set_mode(tree.ward1_mr, User.NotificationMode.DIGEST)
    set_mode(tree.outsider, User.NotificationMode.NONE)
    no_mail = factories.make_user("no-mail", tree.ward1, email="")
    created = tell([tree.ward1_staff, User.objects.get(pk=tree.ward1_mr.pk), User.objects.get(pk=tree.outsider.pk),
                    tree.district_steering, no_mail], tree.ward1)
    assert {n.recipient for n in created} == {tree.ward1_staff, tree.ward1_mr, tree.outsider,
                                             tree.district_steering, no_mail}
    assert all(n.kind == "role_assigned" and n.read_at is None and n.emailed_at is None for n in created)
    outbox = OutboxMessage.objects.filter(task="qms_portal.tasks.send_notification_email")
    assert sorted(m.kwargs["notification_id"] for m in outbox) == sorted(
        n.pk for n in created if n.recipient in (tree.ward1_staff, tree.district_steering))
    assert all(m.dispatched_at is None for m in outbox)  # nothing goes to the broker before the commit


def test_notify_skips_inactive_people_and_is_idempotent_with_a_key(tree):
    services.user_set_active(acting_user=tree.admin, user=tree.outsider, active=False)
    users = [tree.ward1_staff, User.objects.get(pk=tree.outsider.pk)]
    assert len(tell(users, tree.ward1, key="event:1")) == 1
    assert tell(users, tree.ward1, key="event:1") == []
    assert Notification.objects.filter(recipient=tree.ward1_staff).count() == 1
    assert not Notification.objects.filter(recipient=tree.outsider).exists()
    assert OutboxMessage.objects.count() == 1


def test_the_email_goes_out_after_the_commit_in_the_recipients_language(tree, django_capture_on_commit_callbacks):
    staff = services.user_set_preferences(acting_user=tree.ward1_staff, language="vi",
                                          notification_mode=User.NotificationMode.IMMEDIATE, phone="")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        [notification] = tell([staff], tree.ward1.code)
        assert mail.outbox == []  # not before the commit
    # the e-mail's dispatch (the others renew the recipient's cached unread count)
    assert [c for c in callbacks if c.__qualname__.startswith("write.")]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [staff.email]
    with translation.override("vi"):
        # the seeded role's name is shown in the reader's language too
        role = translation.gettext("Staff member")
        expected = str(KINDS["role_assigned"]) % {"role": role, "unit": tree.ward1.code}
    assert role != "Staff member"
    assert message.subject == expected
    assert tree.ward1.code in message.subject and role in message.subject
    assert staff.full_name in message.body
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    notification = Notification.objects.get(pk=notification.pk)
    assert notification.emailed_at is not None
    assert OutboxMessage.objects.get().dispatched_at is not None


def test_a_notification_is_emailed_only_once(tree):
    [notification] = tell([tree.ward1_staff], tree.ward1.code)
    mail.outbox.clear()
    assert send_notification_email(notification.pk) is True
    assert send_notification_email(notification.pk) is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [tree.ward1_staff.email]


def test_no_email_goes_to_a_person_deactivated_in_the_meantime(tree):
    [notification] = tell([tree.ward1_staff], tree.ward1.code)
    services.user_set_active(acting_user=tree.admin, user=tree.ward1_staff, active=False)
    mail.outbox.clear()
    assert send_notification_email(notification.pk) is False
    assert mail.outbox == []


def test_digest_readers_get_no_immediate_mail_and_one_digest_a_day(tree, django_capture_on_commit_callbacks):
    reader = set_mode(tree.ward1_mr, User.NotificationMode.DIGEST)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tell([reader], "A", key="a")
        tell([reader], "B", key="b")
    assert mail.outbox == []
    assert not OutboxMessage.objects.exists()

    day = date(2030, 1, 2)
    assert send_daily_digests(today=day) == 1
    assert send_daily_digests(today=day) == 0
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == [reader.email]
    assert digest.subject == "QMS Portal: 2 new messages"
    assert "Staff member on A" in digest.body and "Staff member on B" in digest.body
    assert not Notification.objects.filter(recipient=reader, emailed_at__isnull=True).exists()

    # a new message the same day waits for tomorrow's digest
    tell([reader], "C", key="c")
    assert send_daily_digests(today=day) == 0
    assert len(mail.outbox) == 1
    assert send_daily_digests(today=date(2030, 1, 3)) == 1
    assert len(mail.outbox) == 2
    assert "Staff member on C" in mail.outbox[1].body
    assert "Staff member on A" not in mail.outbox[1].body


@pytest.fixture
def broker_down(settings):
    """The Celery app pointed at a broker nobody listens on, eager mode off; restored afterwards."""
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "broker_connection_timeout",
                                            "broker_transport_options", "task_publish_retry",
                                            "broker_connection_retry", "broker_connection_max_retries")}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app.conf.broker_connection_timeout = 1
    app.conf.broker_connection_retry = False
    app.conf.broker_connection_max_retries = 0
    app.conf.broker_transport_options = {"max_retries": 0, "socket_connect_timeout": 1}
    app.conf.task_publish_retry = False
    _reset_pool()
    yield
    for key, value in saved.items():
        app.conf[key] = value
    settings.CELERY_TASK_ALWAYS_EAGER = True
    _reset_pool()


def _reset_pool():
    """Forget the connection and producer pools made for the previous broker (not closing them: kombu
    keeps pools in a global registry keyed by broker URL, and a closed one would be handed out again)."""
    app._pool = None
    app.amqp._producer_pool = None


def test_a_message_survives_a_broker_outage_and_the_flush_delivers_it(tree, broker_down, caplog,
                                                                   django_capture_on_commit_callbacks):
    mail.outbox.clear()
    caplog.set_level("WARNING", logger="qms_portal.notifications")
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        [notification] = tell([tree.ward1_staff], tree.ward1.code)
    message = OutboxMessage.objects.get()
    assert message.dispatched_at is None
    assert message.attempts == 1
    assert notifications.dispatch(message.pk) is False  # within BROKER_RETRY_AFTER: not even tried
    assert OutboxMessage.objects.get().attempts == 1
    outbox._broker.down_until = 0.0  # … and once it has passed, tried again
    assert notifications.dispatch(message.pk) is False
    assert time.monotonic() - started < 10  # a dead broker must not hang the request
    message.refresh_from_db()
    assert (message.dispatched_at, message.attempts) == (None, 2)
    assert mail.outbox == []
    assert sum("broker unavailable" in r.getMessage() for r in caplog.records) == 2

    # the broker is back (eager again): the periodic flush delivers what was kept
    app.conf.task_always_eager = True
    assert flush_outbox(older_than_seconds=0) == 1
    message.refresh_from_db()
    assert message.dispatched_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [tree.ward1_staff.email]
    assert Notification.objects.get(pk=notification.pk).emailed_at is not None
    assert flush_outbox(older_than_seconds=0) == 0
    assert len(mail.outbox) == 1


@pytest.fixture
def broker_closed(settings):
    """The Celery app pointed at a closed port, eager mode off, and otherwise the portal's own
    settings (its connection timeout and publish retry policy)."""
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    _reset_pool()
    yield
    for key, value in saved.items():
        app.conf[key] = value
    settings.CELERY_TASK_ALWAYS_EAGER = True
    _reset_pool()


def test_a_request_that_queues_many_emails_while_the_broker_is_down_waits_for_one_attempt(
    tree, broker_closed, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level("WARNING", logger="qms_portal.notifications")
    people = [factories.make_user(f"mail-{i}", tree.ward1) for i in range(20)]
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        tell(people, tree.ward1.code)
    assert time.monotonic() - started < 3
    assert OutboxMessage.objects.filter(dispatched_at__isnull=True).count() == 20  # all kept for the flush
    assert sum("broker unavailable" in r.getMessage() for r in caplog.records) == 1


def test_the_flush_stops_at_the_first_broker_failure(tree, broker_closed):
    people = [factories.make_user(f"flush-{i}", tree.ward1) for i in range(5)]
    tell(people, tree.ward1.code)  # (no commit in the test: nothing dispatched yet)
    started = time.monotonic()
    assert flush_outbox(older_than_seconds=0) == 0
    assert time.monotonic() - started < 3
    assert sorted(OutboxMessage.objects.values_list("attempts", flat=True)) == [0, 0, 0, 0, 1]


def test_the_flush_leaves_recent_messages_to_the_commit_hook(tree):
    tell([tree.ward1_staff], tree.ward1.code)
    assert flush_outbox(older_than_seconds=3600) == 0
    assert OutboxMessage.objects.get().dispatched_at is None
