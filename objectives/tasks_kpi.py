"""Celery task of the kpi part: the morning reminder of indicator values not entered (beat entry in
``objectives.parts.kpi``). Imported by the part's ``ready()`` so that the worker knows it."""

from celery import shared_task


@shared_task(name="objectives.tasks_kpi.send_reminders")
def send_reminders():
    from .services.kpi_reminders import indicator_reminders_send

    return int(indicator_reminders_send())
