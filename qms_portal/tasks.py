"""Celery tasks of the core. Tasks take ids and call one function that does the work."""

from celery import shared_task
from django.conf import settings

from . import jobs, outbox, reminders


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


# A job stops (and fails with a message) after QMS_JOB_TIME_LIMIT seconds; a minute later the pool
# process is killed if it has not stopped by then.
@shared_task(name="qms_portal.tasks.run_job", soft_time_limit=settings.QMS_JOB_TIME_LIMIT,
             time_limit=settings.QMS_JOB_TIME_LIMIT + 60)
def run_job(job_id, attempt=1):
    return jobs.job_run(job_id=job_id, attempt=attempt)


@shared_task(name="qms_portal.tasks.recover_stalled_jobs")
def recover_stalled_jobs():
    return jobs.jobs_recover_stalled()


@shared_task(name="qms_portal.tasks.purge_jobs")
def purge_jobs():
    return jobs.jobs_purge()


@shared_task(name="qms_portal.tasks.purge")
def purge():
    return outbox.purge()


@shared_task(name="qms_portal.tasks.take_figure_snapshots")
def take_figure_snapshots():
    from .steering.snapshots import take_snapshots

    return take_snapshots()
