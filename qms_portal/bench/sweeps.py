"""A reminder sweep measured at a province's size, for any area: the command that runs it once
(``measure_in_this_process``, called by the area's ``bench_<sweep>`` command), the bench's run of
that command in a process of its own (``measure_command``: ``child.run_child``, so the peak memory
is the sweep's alone), and its lines in the bench's report (``format_sweep``).

The sweep runs as its beat task would; the e-mails it queues are sent after it, timed apart,
rendered in each recipient's language and counted by a backend that sends nothing. Unless
``keep``, the run's claims, messages and outbox rows are deleted afterwards, so the next run finds
the same rows due."""

import json
import resource
import time

from django.conf import settings
from django.db import connection

GOAL_S = 60.0
GOAL_MB = 200.0


def cpu_s():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def add_arguments(parser):
    """The options of an area's ``bench_<sweep>`` command."""
    parser.add_argument("--keep", action="store_true", help="Keep the claims, messages and outbox rows the run wrote.")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--json", action="store_true", help="Print one JSON line (for the bench).")
    parser.add_argument("--no-emails", action="store_true", help="Queue the e-mails but do not send them.")


def measure_in_this_process(*, due, sweep, message_kind, options, stdout):
    """Run ``sweep(now=…, batch_size=…)`` (a service returning the core's ``SweepResult``) once and
    write what it cost to ``stdout``. ``due``: a queryset of the rows due, counted first;
    ``message_kind``: the kind of the grouped messages it writes (deleted afterwards unless
    ``--keep``)."""
    from django.utils import timezone

    from qms_portal import notifications, outbox
    from qms_portal.models import Notification, OutboxMessage, ReminderClaim

    from . import mail

    now = timezone.now()
    started = time.perf_counter()
    due_rows = due.count()
    count_s = time.perf_counter() - started
    rss_before = peak_rss_mb()
    dispatch = notifications.dispatch
    notifications.dispatch = lambda pk: None  # e-mails are sent below, timed apart
    started, cpu = time.perf_counter(), cpu_s()
    try:
        result = sweep(now=now, batch_size=options["batch_size"])
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
        "due_rows": due_rows, "claimed": result.claimed, "batches": result.batches, "messages": result.messages,
        "emails_queued": result.emails, "emails_sent": mail.SENT["count"],
        "email_kb": round(mail.SENT["bytes"] / 1024, 1), "sweep_s": round(sweep_s, 2),
        "sweep_cpu_s": round(sweep_cpu, 2), "emails_s": round(emails_s, 2), "count_s": round(count_s, 2),
        "rss_start_mb": rss_before, "rss_after_sweep_mb": rss_sweep, "peak_rss_mb": peak_rss_mb(),
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
    }
    if not options["keep"]:  # plain DELETEs: nothing refers to these rows, no instance is loaded
        for rows in (ReminderClaim.objects.filter(run=result.run),
                     Notification.objects.filter(kind=message_kind, created_at__gte=now), ours):
            rows._raw_delete(rows.db)
    if options["json"]:
        stdout.write(json.dumps(report))
    else:
        for key, value in report.items():
            stdout.write(f"{key}: {value}")


def measure_command(command):
    """``manage.py <command> --json`` in a process of its own (``child.run_child``: its peak memory
    is that process's alone). A test database in memory cannot be shared with another process:
    there it runs in this one (``isolated`` false, its memory figure is this process's), and so it
    does under the tests on any database (their data is in a transaction no other process sees)."""
    goals = {"goal_s": GOAL_S, "goal_mb": GOAL_MB}
    if settings.TESTING or (connection.vendor == "sqlite" and connection.is_in_memory_db()):
        from io import StringIO

        from django.core.management import call_command

        out = StringIO()
        call_command(command, "--json", stdout=out)
        return json.loads(out.getvalue().strip().splitlines()[-1]) | goals | {"isolated": False}
    from .child import run_child

    child = run_child([command, "--json"])
    if child["returncode"] != 0 or not isinstance(child["output"], dict):
        return goals | {"error": f"exit {child['returncode']}: {child['stderr'][-400:]}"}
    return child["output"] | goals | {"isolated": True, "child_peak_rss_mb": child["peak_mb"]}


def format_sweep(sweep, *, title, command, due):
    """The report's lines for a measured sweep: ``title`` ("acknowledgement reminder sweep"),
    ``due`` the words for what was due (``due.format(**sweep)``)."""
    if not sweep:
        return []
    lines = ["", f"{title} (manage.py {command}"
                 + (", a process of its own)" if sweep.get("isolated") else ", in this process)")]
    if sweep.get("error"):
        return [*lines, f"  {sweep['error']}"]
    peak = sweep.get("child_peak_rss_mb") or sweep["peak_rss_mb"]
    flag = "  > goal" if sweep["sweep_s"] > sweep["goal_s"] or peak > sweep["goal_mb"] else ""
    lines.append(f"  {due.format(**sweep)}: {sweep['messages']} messages (one per person), "
                 f"{sweep['emails_queued']} e-mails queued")
    lines.append(f"  sweep {sweep['sweep_s']:.1f} s ({sweep.get('sweep_cpu_s', 0):.1f} s of CPU in this process), "
                 f"peak memory {peak:.0f} MB (after the sweep {sweep['rss_after_sweep_mb']:.0f} MB; at start "
                 f"{sweep['rss_start_mb']:.0f} MB); goal ≤ {sweep['goal_s']:g} s and ≤ {sweep['goal_mb']:g} MB{flag}")
    lines.append(f"  then {sweep['emails_sent']} e-mails rendered and sent (not delivered) in "
                 f"{sweep['emails_s']:.1f} s, {sweep['email_kb']:.0f} KB")
    return lines
