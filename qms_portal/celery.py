"""The Celery app and the whole beat schedule, in one place."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qms_portal.settings")

app = Celery("qms_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


app.conf.beat_schedule = {
    "outbox-flush": {"task": "qms_portal.tasks.outbox_flush", "schedule": 60.0},
    "remind-pending-transitions": {
        "task": "qms_portal.tasks.remind_pending_transitions",
        "schedule": crontab(minute="*/15"),
    },
    "documents-publish-due": {
        "task": "documents.tasks.publish_due",
        "schedule": crontab(minute=5, hour="*"),
    },
    "documents-reminders": {
        "task": "documents.tasks.send_reminders",
        "schedule": crontab(minute=20, hour="*/6"),
    },
    "documents-purge-issued-copies": {
        "task": "documents.tasks.purge_issued_copies",
        "schedule": crontab(minute=40, hour=3),
    },
    "daily-digests": {
        "task": "qms_portal.tasks.send_daily_digests",
        "schedule": crontab(minute=0, hour=int(os.environ.get("QMS_DIGEST_HOUR", 7))),
    },
}
