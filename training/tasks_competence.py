"""Celery task of the competence part: the morning reminders of qualifications that expire soon (beat
entry in ``training.parts.competence``). Imported by the part's ``ready()`` so that the worker knows it."""

from celery import shared_task


@shared_task(name="training.tasks_competence.send_expiry_reminders")
def send_expiry_reminders():
    from .services.competence_reminders import qualification_reminders_send

    return int(qualification_reminders_send())
