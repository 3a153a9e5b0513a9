"""Celery task of the risks part: the morning reminders of risk reviews and overdue actions (beat
entry in ``objectives.parts.risks``). Imported by the part's ``ready()`` so that the worker knows it."""

from celery import shared_task


@shared_task(name="objectives.tasks_risks.send_reminders")
def send_reminders():
    from .services.risks_reminders import risk_reminders_send

    return int(risk_reminders_send())
