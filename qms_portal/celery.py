"""The Celery app and the whole beat schedule, in one place: the core's scheduled tasks here, and
each area's added when it registers (``areas.register(beat=…)``, from its ``AppConfig.ready()``,
which runs before a worker or beat starts). ``manage.py beat_schedule`` prints the whole of it."""

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
    # Background jobs (exports): stalled ones queued again (bounded), old files deleted at night.
    "jobs-recover-stalled": {"task": "qms_portal.tasks.recover_stalled_jobs", "schedule": crontab(minute="*/5")},
    "jobs-purge": {"task": "qms_portal.tasks.purge_jobs", "schedule": crontab(minute=50, hour=3)},
    "daily-digests": {
        "task": "qms_portal.tasks.send_daily_digests",
        "schedule": crontab(minute=0, hour=int(os.environ.get("QMS_DIGEST_HOUR", 7))),
    },
    # Old reminder claims, dispatched outbox rows and read notifications (QMS_RETENTION_DAYS…).
    "purge": {"task": "qms_portal.tasks.purge", "schedule": crontab(minute=30, hour=2)},
    # the dashboard's "now" figures read for their trends (the month's last reading stays)
    "figure-snapshots": {"task": "qms_portal.tasks.take_figure_snapshots", "schedule": crontab(minute=15, hour=23)},
}
