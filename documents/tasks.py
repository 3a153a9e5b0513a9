"""Celery tasks of the documents area: take ids, call one service."""

from celery import shared_task

from . import services


@shared_task(name="documents.tasks.publish_due")
def publish_due():
    return services.revision_publish_due()


@shared_task(name="documents.tasks.publish_revision")
def publish_revision(revision_id):
    from .models import Revision

    revision = Revision.objects.filter(pk=revision_id).first()
    return bool(revision and services.revision_publish(revision=revision))


@shared_task(name="documents.tasks.send_reminders")
def send_reminders():
    return {"reviews": services.documents_remind_reviews().messages,
            "acknowledgements": services.acknowledgements_remind().messages}


@shared_task(name="documents.tasks.remind_announcements")
def remind_announcements():
    return services.announcements_remind().messages


@shared_task(name="documents.tasks.render_controlled_copy")
def render_controlled_copy(revision_id, language=None):
    from .pdf import render_controlled_copy as render

    return render(revision_id, language)


@shared_task(name="documents.tasks.purge_issued_copies")
def purge_issued_copies():
    from .pdf import purge_issued_copies as purge

    return purge()


@shared_task(name="documents.tasks.recover_stalled_copies")
def recover_stalled_copies():
    from .pdf import recover_stalled_copies as recover

    return recover()
