"""The outbox, and e-mail sent after the commit, never inside an open transaction.

* ``enqueue(task, **kwargs)`` writes an ``OutboxMessage`` in the current transaction and dispatches
  it to Celery after the commit; ``flush_outbox`` (beat, every minute) re-dispatches what the broker
  missed.
* ``send_notification_email`` claims the notification in a short transaction (an UPDATE that sets
  ``email_claimed_at`` only where nobody did), commits, renders and sends in the recipient's
  language, then stamps ``emailed_at``. Two workers running the same task (beat and a retry, a
  redelivered message) cannot both claim it, so one notification is never e-mailed twice. A failed
  send clears the claim and raises (the task retries). A claim left by a worker that died for
  longer than ``QMS_EMAIL_CLAIM_SECONDS`` is released by ``flush_outbox`` and the e-mail queued
  again: the only way to get a second e-mail is a worker that died after the mail server accepted
  the message and before its stamp was written.
* ``send_daily_digests``: one e-mail a day per digest reader, claimed the same way.
* Password e-mails (the reset form and the set-password link for a new person) are rendered and
  sent by ``send_password_email`` in a task: the request only writes an outbox row, the same work
  whether or not the address is known.
* ``purge`` (nightly) deletes dispatched outbox rows and read notifications older than
  ``QMS_RETENTION_DAYS`` and reminder claims older than ``QMS_CLAIM_RETENTION_DAYS``.
"""

import logging
import time
from datetime import timedelta
from types import SimpleNamespace

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext

from .models import Notification, OutboxMessage, ReminderClaim

log = logging.getLogger(__name__)

EMAIL_TASK = "qms_portal.tasks.send_notification_email"
PASSWORD_TASK = "qms_portal.tasks.send_password_email"
PASSWORD_TEMPLATES = {"email_template_name": "registration/password_reset_email.txt",
                      "subject_template_name": "registration/password_reset_subject.txt"}


def enqueue(task, **kwargs):
    """Write an outbox row in the current transaction; dispatch it to Celery after the commit."""
    message = OutboxMessage.objects.create(task=task, kwargs=kwargs)
    transaction.on_commit(lambda: dispatch(message.pk))
    return message


# After the broker failed, messages wait in the outbox this many seconds before a request tries
# it again: a request that queues fifty e-mails while Redis is down waits for one attempt, not fifty.
BROKER_RETRY_AFTER = 10.0
_broker = SimpleNamespace(down_until=0.0)  # for the whole process


def dispatch(message_id):
    """Send one outbox row to the broker. A broker that is down leaves the row for ``outbox_flush``
    (and every row dispatched in the next ``BROKER_RETRY_AFTER`` seconds, without trying)."""
    if time.monotonic() < _broker.down_until:
        return False
    return bool(_dispatch(message_id))


def _dispatch(message_id):
    """True: sent; False: the broker failed; None: nothing to send (already sent)."""
    from .celery import app

    message = OutboxMessage.objects.filter(pk=message_id, dispatched_at__isnull=True).first()
    if message is None:
        return None
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
        _broker.down_until = time.monotonic() + BROKER_RETRY_AFTER
        log.warning("broker unavailable; outbox message %s kept for retry", message_id, exc_info=True)
        OutboxMessage.objects.filter(pk=message_id).update(attempts=message.attempts + 1)
        return False
    _broker.down_until = 0.0
    OutboxMessage.objects.filter(pk=message_id).update(dispatched_at=timezone.now(), attempts=message.attempts + 1)
    return True


def flush_outbox(older_than_seconds=30):
    """Dispatch outbox rows that were not sent right after their commit (the broker is tried
    whatever ``dispatch`` last saw, and the flush stops at its first failure), and queue again the
    e-mails whose worker died holding the claim."""
    release_stale_email_claims()
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    pending = OutboxMessage.objects.filter(dispatched_at__isnull=True, created_at__lte=cutoff)
    sent = 0
    for pk in pending.values_list("pk", flat=True)[:500]:
        result = _dispatch(pk)
        if result is False:
            break
        sent += bool(result)
    return sent


def release_stale_email_claims(now=None):
    """Notifications claimed for e-mail longer than ``QMS_EMAIL_CLAIM_SECONDS`` ago and never
    stamped (the worker died): release the claim and queue the e-mail again, once."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.QMS_EMAIL_CLAIM_SECONDS)
    ids = list(Notification.objects.filter(emailed_at__isnull=True, email_claimed_at__lt=stale)
               .values_list("pk", flat=True)[:500])
    if not ids:
        return 0
    with transaction.atomic():
        released = list(Notification.objects.select_for_update(skip_locked=True)
                        .filter(pk__in=ids, emailed_at__isnull=True, email_claimed_at__lt=stale)
                        .values_list("pk", flat=True))
        Notification.objects.filter(pk__in=released).update(email_claimed_at=None)
        for pk in released:
            enqueue(EMAIL_TASK, notification_id=pk)
    return len(released)


# --- Sending ------------------------------------------------------------------------------------


def _send(user, subject, template, context):
    """Render and send one e-mail in ``user``'s language. Never call it inside a transaction."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {"user": user, "site_url": settings.QMS_SITE_URL, **context}
        subject = str(subject) if not callable(subject) else subject()
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
        message = EmailMultiAlternatives(" ".join(subject.split())[:180], text, to=[user.email])
        message.attach_alternative(html, "text/html")
        message.send()


def _claim_email(ids, now):
    """Claim these notifications for e-mail (those nobody claimed or sent): one committed UPDATE."""
    stale = now - timedelta(seconds=settings.QMS_EMAIL_CLAIM_SECONDS)
    with transaction.atomic():
        return Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).filter(
            Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=stale)).update(email_claimed_at=now)


def _release(ids, claimed_at):
    Notification.objects.filter(pk__in=ids, email_claimed_at=claimed_at).update(email_claimed_at=None)


def _stamp(ids, claimed_at):
    Notification.objects.filter(pk__in=ids, email_claimed_at=claimed_at, emailed_at__isnull=True).update(
        emailed_at=timezone.now(), email_claimed_at=None)


def send_notification_email(notification_id):
    """E-mail one notification once: claim (committed), send, stamp. False when there was nothing
    to send (already sent or being sent, no address, deactivated)."""
    from .notifications import render

    claimed_at = timezone.now()
    if not _claim_email([notification_id], claimed_at):
        return False
    n = Notification.objects.select_related("recipient").get(pk=notification_id)
    user = n.recipient
    if not user.email or not user.is_active:
        _release([n.pk], claimed_at)
        return False
    try:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            rendered = render(n)
            _send(user, rendered.title, "notification", {"notification": n, "title": rendered.title,
                                                         "message": rendered})
    except BaseException:
        _release([n.pk], claimed_at)
        raise
    _stamp([n.pk], claimed_at)
    return True


def send_daily_digests(today=None):
    """One e-mail per digest reader with what they have not been e-mailed yet; once per day."""
    from .models import User

    today = today or timezone.localdate()
    readers = User.objects.filter(
        is_active=True, notification_mode=User.NotificationMode.DIGEST, notifications__emailed_at__isnull=True,
        notifications__email_claimed_at__isnull=True,
    ).exclude(email="").distinct().order_by("pk")
    return sum(send_digest(user, today) for user in readers)


DIGEST_MAX = 200


def send_digest(user, today):
    """``user``'s digest for ``today``, at most once: the day is claimed, then the messages (both
    committed before anything is sent); a failed send releases both, for a retry."""
    from .notifications import render_many
    from .reminders import claim_once

    claimed_at = timezone.now()
    with transaction.atomic():
        day = claim_once("digest", user.pk, today)
        if day is None:
            return 0
        ids = list(Notification.objects.filter(recipient=user, emailed_at__isnull=True, email_claimed_at__isnull=True)
                   .order_by("created_at", "pk").values_list("pk", flat=True)[:DIGEST_MAX])
    if not ids or not _claim_email(ids, claimed_at):
        return 0
    items = list(Notification.objects.filter(pk__in=ids, email_claimed_at=claimed_at).order_by("created_at", "pk"))
    try:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            rendered = render_many(items)
            subject = ngettext("QMS Portal: %(count)s new message", "QMS Portal: %(count)s new messages",
                               len(items)) % {"count": len(items)}
            _send(user, subject, "digest", {"items": rendered})
    except BaseException:
        _release([n.pk for n in items], claimed_at)
        ReminderClaim.objects.filter(pk=day).delete()
        raise
    _stamp([n.pk for n in items], claimed_at)
    return 1


# --- Password e-mails ---------------------------------------------------------------------------


def queue_password_email(*, domain, use_https, email=None, user_id=None, site_name=None):
    """Queue the password e-mail (Django's reset link and token) for every active account with
    ``email`` that has a usable password, or for the one person ``user_id`` (a new account without
    a password yet). Writes one outbox row, nothing else: the same work for a known or an unknown
    address."""
    return enqueue(PASSWORD_TASK, email=email, user_id=user_id, domain=domain, site_name=site_name or domain,
                   use_https=bool(use_https))


def send_password_email(*, domain, use_https, email=None, user_id=None, site_name=None):
    """The task's side of ``queue_password_email``: Django's ``PasswordResetForm`` builds the link
    with Django's token; each e-mail is rendered in its recipient's language. Returns how many
    e-mails were sent."""
    from django.contrib.auth.forms import PasswordResetForm

    from .models import User

    class _Form(PasswordResetForm):
        sent = 0

        def get_users(self, address):
            if user_id is None:
                return super().get_users(address)
            user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
            return [user] if user else []

        def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
            with translation.override(context["user"].language or settings.LANGUAGE_CODE):
                super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
            self.sent += 1

    if user_id is not None:
        email = User.objects.filter(pk=user_id).values_list("email", flat=True).first()
    form = _Form({"email": email or ""})
    if not form.is_valid():
        return 0
    form.save(domain_override=domain, use_https=use_https, extra_email_context={"site_name": site_name or domain},
              **PASSWORD_TEMPLATES)
    return form.sent


# --- Retention ----------------------------------------------------------------------------------


def purge(now=None, chunk=5000):
    """Delete what the outbox, the inbox and the reminders leave behind: outbox rows dispatched more
    than ``QMS_RETENTION_DAYS`` ago, notifications read more than ``QMS_RETENTION_DAYS`` ago, reminder
    claims older than ``QMS_CLAIM_RETENTION_DAYS`` (a record still due then is reminded once more).
    In chunks, each its own short transaction. Returns ``{what: rows deleted}``."""
    now = now or timezone.now()
    kept = now - timedelta(days=settings.QMS_RETENTION_DAYS)
    claims_kept = now - timedelta(days=settings.QMS_CLAIM_RETENTION_DAYS)
    return {
        "outbox": _delete(OutboxMessage.objects.filter(dispatched_at__lt=kept), chunk),
        "notifications": _delete(Notification.objects.filter(read_at__lt=kept), chunk),
        "claims": _delete(ReminderClaim.objects.filter(created_at__lt=claims_kept), chunk),
    }


def _delete(queryset, chunk):
    deleted = 0
    while True:
        ids = list(queryset.values_list("pk", flat=True)[:chunk])
        if not ids:
            return deleted
        with transaction.atomic():
            # A plain DELETE: nothing refers to these rows, so no instance needs loading.
            rows = queryset.model.objects.filter(pk__in=ids)
            deleted += rows._raw_delete(rows.db)
        if len(ids) < chunk:
            return deleted

