"""The surveys part's background work: e-mail invitations, one per person (``services.surveys``)."""

from celery import shared_task


@shared_task(name="objectives.tasks_surveys.send_invitation", autoretry_for=(Exception,), retry_backoff=60,
             max_retries=5)
def send_invitation(**kwargs):
    from .services.surveys import send_invitation as send

    return send(**kwargs)
