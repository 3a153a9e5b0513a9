"""Celery task of the certificates part: the audits area's morning reminders (beat entry in
``audits.parts.certificates``). Imported by the part's ``ready()`` so that the worker knows it."""

from celery import shared_task


@shared_task(name="audits.tasks_certificates.send_reminders")
def send_reminders():
    from .services.certificates_reminders import audit_reminders_send

    return int(audit_reminders_send())
