"""Celery task of the review part: the decisions' morning reminders (beat entry in
``objectives.parts.review``). Imported by the part's ``ready()`` so that the worker knows it."""

from celery import shared_task


@shared_task(name="objectives.tasks_review.send_reminders")
def send_reminders():
    from .services.review import review_decision_reminders_send

    return int(review_decision_reminders_send())
