"""Run the corrective actions' escalation sweep once, as the daily task does, and print what it cost
as JSON: the actions due, the time, this process's peak memory, the messages written and the
e-mails sent. The area's bench (``nonconformities.bench``) starts it in a process of its own, so the
peak memory it reads is the sweep's alone (as ``bench_acknowledgement_sweep`` does for documents).

The e-mails the sweep queues are sent after it, timed apart, rendered in each recipient's language
and counted by a backend that sends nothing. Unless ``--keep``, the run's claims, messages and
outbox rows are deleted afterwards, so the next run finds the same actions due."""

import json
import time
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from documents.management.commands.bench_acknowledgement_sweep import cpu_s, peak_rss_mb


class Command(BaseCommand):
    help = "Run the corrective actions' escalation sweep once and print its time, peak memory and messages."

    def add_arguments(self, parser):
        parser.add_argument("--keep", action="store_true", help="Keep the claims, messages and outbox rows.")
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--json", action="store_true", help="Print one JSON line (for the bench).")
        parser.add_argument("--no-emails", action="store_true", help="Queue the e-mails but do not send them.")

    def handle(self, *args, **options):
        from qms_portal import notifications, outbox
        from qms_portal.bench import mail
        from qms_portal.models import Notification, OutboxMessage, ReminderClaim

        from ...models import ACTIVE_ACTION_STATUSES, CorrectiveAction
        from ...services.escalation import MESSAGE, SOON_DAYS, actions_escalate

        now = timezone.now()
        today = timezone.localdate(now)
        started = time.perf_counter()
        due = CorrectiveAction.objects.filter(status__in=ACTIVE_ACTION_STATUSES,
                                              due__lte=today + timedelta(days=SOON_DAYS)).count()
        count_s = time.perf_counter() - started
        rss_before = peak_rss_mb()
        dispatch = notifications.dispatch
        notifications.dispatch = lambda pk: None  # e-mails are sent below, timed apart
        started, cpu = time.perf_counter(), cpu_s()
        try:
            result = actions_escalate(now=now, batch_size=options["batch_size"])
        finally:
            notifications.dispatch = dispatch
        sweep_s, sweep_cpu = time.perf_counter() - started, cpu_s() - cpu
        rss_sweep = peak_rss_mb()

        ours = OutboxMessage.objects.filter(task=outbox.EMAIL_TASK, created_at__gte=now)
        backend = settings.EMAIL_BACKEND
        mail.SENT.update(count=0, bytes=0)
        settings.EMAIL_BACKEND = "qms_portal.bench.mail.CountingBackend"
        started = time.perf_counter()
        try:
            for kwargs in [] if options["no_emails"] else list(ours.values_list("kwargs", flat=True)):
                outbox.send_notification_email(kwargs["notification_id"])
        finally:
            settings.EMAIL_BACKEND = backend
        emails_s = time.perf_counter() - started

        report = {
            "due_rows": due, "claimed": result.claimed, "batches": result.batches, "messages": result.messages,
            "emails_queued": result.emails, "emails_sent": mail.SENT["count"],
            "email_kb": round(mail.SENT["bytes"] / 1024, 1), "sweep_s": round(sweep_s, 2),
            "sweep_cpu_s": round(sweep_cpu, 2), "emails_s": round(emails_s, 2), "count_s": round(count_s, 2),
            "rss_start_mb": rss_before, "rss_after_sweep_mb": rss_sweep, "peak_rss_mb": peak_rss_mb(),
            "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        }
        if not options["keep"]:  # plain DELETEs: nothing refers to these rows, no instance is loaded
            for rows in (ReminderClaim.objects.filter(run=result.run),
                         Notification.objects.filter(kind=MESSAGE, created_at__gte=now), ours):
                rows._raw_delete(rows.db)
        if options["json"]:
            self.stdout.write(json.dumps(report))
        else:
            for key, value in report.items():
                self.stdout.write(f"{key}: {value}")
