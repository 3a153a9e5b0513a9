"""Celery tasks of the core. Tasks take ids and call one function that does the work."""

from celery import shared_task

from . import outbox, reminders


@shared_task(name="qms_portal.tasks.send_notification_email", autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def send_notification_email(notification_id):
    return outbox.send_notification_email(notification_id)


@shared_task(name="qms_portal.tasks.send_password_email", autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def send_password_email(**kwargs):
    return outbox.send_password_email(**kwargs)


@shared_task(name="qms_portal.tasks.send_daily_digests", autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)
def send_daily_digests():
    return outbox.send_daily_digests()


@shared_task(name="qms_portal.tasks.remind_pending_transitions")
def remind_pending_transitions():
    return reminders.remind_pending_transitions().messages


@shared_task(name="qms_portal.tasks.outbox_flush")
def outbox_flush():
    return outbox.flush_outbox()


@shared_task(name="qms_portal.tasks.purge")
def purge():
    return outbox.purge()
