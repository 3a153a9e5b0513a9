"""Run the acknowledgement reminder sweep once, as the 6-hourly task does, and print what it cost as
JSON: the rows due, the time, this process's peak memory, the messages written and the e-mails
sent. The documents area's bench (``documents.bench``) starts it in a process of its own, so the
peak memory it reads is the sweep's alone.

The e-mails the sweep queues are sent after it, timed apart, rendered in each recipient's language
and counted by a backend that sends nothing. Unless ``--keep``, the run's claims, messages and
outbox rows are deleted afterwards, so the next run finds the same rows due."""

import json
import resource
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone


def cpu_s():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class Command(BaseCommand):
    help = "Run the acknowledgement reminder sweep once and print its time, peak memory, messages and e-mails."

    def add_arguments(self, parser):
        parser.add_argument("--keep", action="store_true",
                            help="Keep the claims, messages and outbox rows the run wrote.")
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--json", action="store_true", help="Print one JSON line (for the bench).")
        parser.add_argument("--no-emails", action="store_true", help="Queue the e-mails but do not send them.")

    def handle(self, *args, **options):
        from qms_portal import notifications, outbox
        from qms_portal.bench import mail
        from qms_portal.models import Notification, OutboxMessage, ReminderClaim

        from ...models import Acknowledgement
        from ...services import acknowledgements_remind

        now = timezone.now()
        started = time.perf_counter()
        due = Acknowledgement.objects.filter(
            acknowledged_at__isnull=True, user__is_active=True, revision__status="effective",
            created_at__lte=now - timezone.timedelta(days=settings.QMS_ACK_REMINDER_DAYS)).count()
        count_s = time.perf_counter() - started
        rss_before = peak_rss_mb()
        dispatch = notifications.dispatch
        notifications.dispatch = lambda pk: None  # e-mails are sent below, timed apart
        started, cpu = time.perf_counter(), cpu_s()
        try:
            result = acknowledgements_remind(now=now, batch_size=options["batch_size"])
        finally:
            notifications.dispatch = dispatch
        sweep_s, sweep_cpu = time.perf_counter() - started, cpu_s() - cpu
        rss_sweep = peak_rss_mb()

        # the outbox rows the sweep wrote (those dispatched after its commit were held back above)
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
            "sweep_cpu_s": round(sweep_cpu, 2),
            "emails_s": round(emails_s, 2), "count_s": round(count_s, 2), "rss_start_mb": rss_before,
            "rss_after_sweep_mb": rss_sweep,
            "peak_rss_mb": peak_rss_mb(), "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        }
        if not options["keep"]:  # plain DELETEs: nothing refers to these rows, no instance is loaded
            for rows in (ReminderClaim.objects.filter(run=result.run),
                         Notification.objects.filter(kind="acknowledgements_overdue", created_at__gte=now), ours):
                rows._raw_delete(rows.db)
        if options["json"]:
            self.stdout.write(json.dumps(report))
        else:
            for key, value in report.items():
                self.stdout.write(f"{key}: {value}")
        return None
