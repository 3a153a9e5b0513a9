"""In-portal messages and e-mail, the outbox, and idempotent reminders.

* ``notify()`` writes ``Notification`` rows and, for people who want e-mail at once, an
  ``OutboxMessage`` in the same transaction; the outbox row is dispatched to Celery after the
  commit, and ``outbox_flush`` (beat, every minute) re-dispatches whatever the broker missed.
* A notification's text is rendered when it is read, in the reader's language; e-mail is rendered
  in the recipient's preferred language from ``templates/emails/``.
* ``claim(key)`` inserts a unique ``ReminderClaim`` row; a reminder is sent only by whoever claimed
  it, so a sweep that runs twice, late or concurrently sends each reminder once.
"""

import logging
import re
import threading
from contextlib import contextmanager
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .models import Notification, OutboxMessage, ReminderClaim

log = logging.getLogger(__name__)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")  # a date parameter, as ``_plain`` stores it

# kind → the title shown in the inbox and as the e-mail subject ("%(name)s" placeholders). The core's
# kinds; each area adds its own (``areas.register(notification_kinds=…)`` → ``register_kinds``).
KINDS = {
    "transition_waiting": _("Waiting for your decision for %(days)s days: %(object)s"),
    "accessrequest_submitted": _("New access request to decide: %(object)s"),
    "accessrequest_approved": _("Your access request was approved: %(object)s"),
    "accessrequest_rejected": _("Your access request was rejected: %(object)s"),
    "role_assigned": _("You were given the role %(role)s on %(unit)s"),
}


def register_kinds(kinds):
    """Add an area's message kinds. A kind is registered once: two areas cannot claim one name."""
    clash = set(kinds) & set(KINDS)
    if clash:
        raise ValueError(f"Notification kinds registered twice: {sorted(clash)}")
    KINDS.update(kinds)


def render_title(notification):
    template = KINDS.get(notification.kind)
    if template is None:
        return notification.kind
    # Values were stored as text when the message was made; seeded names (roles, document types)
    # are catalogue entries, so they are shown in the reader's language too, and dates (stored
    # ISO: 2026-12-04) as the reader's language writes them (4 Dec 2026, 04/12/2026, 2026年12月4日).
    params = {key: _shown(value) for key, value in notification.params.items()}
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)


def _shown(value):
    if not isinstance(value, str) or not value:
        return value
    if ISO_DATE.fullmatch(value):
        try:
            return formats.date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except ValueError:
            return value
    return gettext(value)


def claim(key):
    """Claim a reminder: True for exactly one caller per key, ever."""
    try:
        with transaction.atomic():
            ReminderClaim.objects.create(key=key[:200])
        return True
    except IntegrityError:
        return False


def enqueue(task, **kwargs):
    """Write an outbox row in the current transaction; dispatch it to Celery after the commit."""
    message = OutboxMessage.objects.create(task=task, kwargs=kwargs)
    transaction.on_commit(lambda: dispatch(message.pk))
    return message


def dispatch(message_id):
    """Send one outbox row to the broker. A broker that is down leaves the row for ``outbox_flush``."""
    from .celery import app

    message = OutboxMessage.objects.filter(pk=message_id, dispatched_at__isnull=True).first()
    if message is None:
        return False
    try:
        task = app.tasks.get(message.task)
        if task is None:
            # Task autodiscovery is lazy outside a worker: import the apps' tasks modules, so a web
            # process also knows its tasks (and honours task_always_eager). Not through
            # loader.import_default_modules(): that re-runs django.setup() and the system checks.
            app.autodiscover_tasks(force=True)
            task = app.tasks.get(message.task)
        if task is not None:  # honours task_always_eager (tests, one-process runs)
            task.apply_async(kwargs=message.kwargs, task_id=str(message.pk))
        else:
            app.send_task(message.task, kwargs=message.kwargs, task_id=str(message.pk))
    except Exception:  # noqa: BLE001 - any broker failure: keep the row, try again later
        log.warning("broker unavailable; outbox message %s kept for retry", message_id, exc_info=True)
        OutboxMessage.objects.filter(pk=message_id).update(attempts=message.attempts + 1)
        return False
    OutboxMessage.objects.filter(pk=message_id).update(dispatched_at=timezone.now(), attempts=message.attempts + 1)
    return True


def flush_outbox(older_than_seconds=30):
    """Dispatch outbox rows that were not sent right after their commit."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    pending = OutboxMessage.objects.filter(dispatched_at__isnull=True, created_at__lte=cutoff)
    return sum(dispatch(pk) for pk in pending.values_list("pk", flat=True)[:500])


_muted = threading.local()


@contextmanager
def muted():
    """Within this block ``notify`` sends nothing (bulk seeding of demo and benchmark data)."""
    _muted.on = True
    try:
        yield
    finally:
        _muted.on = False


def notify(recipients, kind, *, params, url="", key=None):
    """Tell each recipient in the portal, and by e-mail as they chose. ``key`` makes it idempotent:
    the same key and recipient never produce a second notification. A fixed number of queries
    whatever the number of recipients (notifications are not history-tracked: bulk inserts)."""
    from .context_processors import forget_unread
    from .models import User

    if getattr(_muted, "on", False):
        return []
    people = {user.pk: user for user in recipients if user.is_active}
    if not people:
        return []
    keys = {pk: f"{key}:u{pk}" if key else None for pk in people}
    if key:
        done = set(Notification.objects.filter(key__in=[k for k in keys.values() if k]).values_list("key", flat=True))
        people = {pk: u for pk, u in people.items() if keys[pk] not in done}
    plain = _plain(params)
    created = Notification.objects.bulk_create(
        [Notification(recipient=user, kind=kind, params=plain, url=url, key=keys[pk]) for pk, user in people.items()]
    )
    forget_unread(people)
    by_email = [n for n in created
                if n.recipient.notification_mode == User.NotificationMode.IMMEDIATE and n.recipient.email]
    if by_email:
        messages = OutboxMessage.objects.bulk_create(
            [OutboxMessage(task="qms_portal.tasks.send_notification_email", kwargs={"notification_id": n.pk})
             for n in by_email]
        )
        ids = [m.pk for m in messages]
        transaction.on_commit(lambda: [dispatch(pk) for pk in ids])
    return created


def _plain(params):
    return {k: str(v) for k, v in params.items()}


def _send(user, subject, template, context):
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {"user": user, "site_url": settings.QMS_SITE_URL, **context}
        subject = str(subject) if not callable(subject) else subject()
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
        message = EmailMultiAlternatives(" ".join(subject.split())[:180], text, to=[user.email])
        message.attach_alternative(html, "text/html")
        message.send()


def send_notification_email(notification_id):
    """E-mail one notification once: the row is locked and stamped in the same transaction."""
    with transaction.atomic():
        n = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if n is None or not n.recipient.email or not n.recipient.is_active:
            return False
        with translation.override(n.recipient.language):
            _send(n.recipient, render_title(n), "notification", {"notification": n, "title": render_title(n)})
        n.emailed_at = timezone.now()
        n.save(update_fields=["emailed_at"])
    return True


def send_daily_digests(today=None):
    """One e-mail per digest reader with what they have not been e-mailed yet; once per day."""
    from .models import User

    today = today or timezone.localdate()
    sent = 0
    readers = User.objects.filter(
        is_active=True, notification_mode=User.NotificationMode.DIGEST, notifications__emailed_at__isnull=True
    ).exclude(email="").distinct()
    for user in readers:
        with transaction.atomic():
            if not claim(f"digest:{user.pk}:{today.isoformat()}"):
                continue
            items = list(
                Notification.objects.select_for_update().filter(recipient=user, emailed_at__isnull=True)
            )
            if not items:
                continue
            with translation.override(user.language):
                titles = [render_title(n) for n in items]
                _send(user, ngettext("QMS Portal: %(count)s new message", "QMS Portal: %(count)s new messages",
                                     len(items)) % {"count": len(items)}, "digest",
                      {"items": list(zip(items, titles, strict=True))})
            now = timezone.now()
            for n in items:
                n.emailed_at = now
                n.save(update_fields=["emailed_at"])
            sent += 1
    return sent
