"""Celery tasks of the nonconformities area: take ids, call one service."""

from celery import shared_task


@shared_task(name="nonconformities.tasks.escalate_actions")
def escalate_actions():
    """The corrective actions' reminders and escalation (``services.escalation.actions_escalate``)."""
    from .services.escalation import actions_escalate

    result = actions_escalate()
    return {"claimed": result.claimed, "messages": result.messages}
