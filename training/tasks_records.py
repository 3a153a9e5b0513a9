"""Celery task of the records part: the morning reminder of the effectiveness checks falling due
(beat entry in ``training.parts.records``). Imported by the part's ``ready()`` so that the worker knows it."""

from celery import shared_task


@shared_task(name="training.tasks_records.send_effectiveness_reminders")
def send_effectiveness_reminders():
    from .services.records_reminders import effectiveness_reminders_send

    return int(effectiveness_reminders_send())
