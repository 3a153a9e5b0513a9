"""Celery task of the sessions part: the reminder before a session (beat entry in
``training.parts.sessions``). Imported by the part's ``ready()`` so that the worker knows it."""

from celery import shared_task


@shared_task(name="training.tasks_sessions.send_reminders")
def send_reminders():
    from .services.sessions_reminders import session_reminders_send

    return int(session_reminders_send())
