"""The nonconformities area's part of ``manage.py bench`` (registered as ``areas.register(bench=…)``):
the register (open in scope by default, filtered, searched, a deep page by cursor), the page of
the nonconformity with the most actions, the actions list; and apart from the round robin, the
escalation sweep at the data's size (``manage.py bench_escalation_sweep``, in a process of its own:
time and peak memory, as the documents area measures its acknowledgement sweep)."""

import json
import os
import subprocess
import sys
import tempfile
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.db.models import Count, F
from django.urls import reverse

from qms_portal.bench.tools import BenchPages
from qms_portal.pagination import KEYSET_PARAM, SALT, _make_cursor, keyset_columns

from .models import CorrectiveAction, Nonconformity
from .scale import SEARCH_VI
from .selectors import register_queryset

DEEP_ROWS = 5000  # the deep page starts after this many rows of the whole register
SWEEP_GOAL_S = 60.0
SWEEP_GOAL_MB = 200.0


def deep_cursor(user, rows=DEEP_ROWS):
    """The register's cursor (``?status=all``) pointing after its ``rows``-th row for ``user`` (half
    way through a shorter register), as the *Next* links would after ``rows / page size`` pages."""
    from .views.nonconformity import RegisterView

    columns = keyset_columns(Nonconformity, RegisterView.keyset)
    queryset = register_queryset(user).annotate(**{f"keyset_{i}": F(path) for i, (path, _d) in enumerate(columns)})
    order = [f"-{path}" if descending else path for path, descending in columns]
    rows = min(rows, queryset.count() // 2)  # (a small register: half way)
    if rows < 1:
        return None
    row = queryset.order_by(*order).select_related(None).only("pk", "detected_on")[rows - 1:rows].first()
    salt = f"{SALT}{RegisterView().get_keyset_salt()}"
    return _make_cursor(row, salt, columns, True, rows // 25 + 1)


def showcase(user):
    """The nonconformity ``user`` may see that has the most actions (then the newest)."""
    return (Nonconformity.objects.restrict(user, "view").annotate(n=Count("actions")).order_by("-n", "-pk")
            .only("pk").first())


class NonconformitiesBench(BenchPages):
    def add_arguments(self, parser):
        parser.add_argument("--nc-q", default=SEARCH_VI, help="Search term for the nonconformity register.")
        parser.add_argument("--no-escalation-sweep", action="store_true",
                            help="Skip the corrective actions' escalation sweep (also skipped by --no-sweep).")

    def pages(self, user, options):
        register = reverse("nonconformities:register")
        pages = [
            ("nc register", register),
            ("nc register ?filtered", register + "?" + urlencode({"status": "in_progress", "grade": "minor",
                                                                  "overdue": "true"})),
            ("nc register ?q=", register + "?" + urlencode({"q": options.get("nc_q") or SEARCH_VI, "status": "all"})),
        ]
        cursor = deep_cursor(user)
        if cursor:
            pages.append(("nc register deep", register + "?" + urlencode({"status": "all", KEYSET_PARAM: cursor})))
        nc = showcase(user)
        if nc is not None:
            pages.append(("nc detail", reverse("nonconformities:nonconformity_detail", args=[nc.pk])))
        pages.append(("nc actions", reverse("nonconformities:action_list")))
        return pages

    def measure(self, *, user, options, runs, warmup, secure):
        if options.get("no_sweep") or options.get("no_escalation_sweep") or not CorrectiveAction.objects.exists():
            return None
        return {"escalation": measure_sweep()}

    def format(self, result):
        return format_sweep((result or {}).get("escalation"))

    def problems(self, result):
        sweep = (result or {}).get("escalation") or {}
        return [f"escalation sweep ({sweep['error']})"] if sweep.get("error") else []


def measure_sweep():
    """``manage.py bench_escalation_sweep`` in a process of its own (its peak memory read from the
    operating system, ``os.wait4``); in this process under the tests or on an in-memory database."""
    goals = {"goal_s": SWEEP_GOAL_S, "goal_mb": SWEEP_GOAL_MB}
    if settings.TESTING or (connection.vendor == "sqlite" and connection.is_in_memory_db()):
        from io import StringIO

        from django.core.management import call_command

        out = StringIO()
        call_command("bench_escalation_sweep", "--json", stdout=out)
        return json.loads(out.getvalue().strip().splitlines()[-1]) | goals | {"isolated": False}
    manage = str(settings.BASE_DIR / "manage.py")
    with tempfile.TemporaryFile() as errors, subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, manage, "bench_escalation_sweep", "--json"], stdout=subprocess.PIPE, stderr=errors,
        env=os.environ.copy(),
    ) as child:
        stdout = child.stdout.read()
        _pid, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        stderr = errors.read()
    if child.returncode != 0:
        return goals | {"error": f"exit {child.returncode}: {stderr.decode(errors='replace')[-400:]}"}
    report = json.loads(stdout.decode().strip().splitlines()[-1])
    return report | goals | {"isolated": True, "child_peak_rss_mb": round(usage.ru_maxrss / 1024, 1)}


def format_sweep(sweep):
    if not sweep:
        return []
    lines = ["", "corrective actions' escalation sweep (manage.py bench_escalation_sweep"
                 + (", a process of its own)" if sweep.get("isolated") else ", in this process)")]
    if sweep.get("error"):
        return [*lines, f"  {sweep['error']}"]
    peak = sweep.get("child_peak_rss_mb", sweep["peak_rss_mb"])
    flag = "  > goal" if sweep["sweep_s"] > sweep["goal_s"] or peak > sweep["goal_mb"] else ""
    lines.append(f"  {sweep['due_rows']} actions due within 7 days or overdue, {sweep['claimed']} stages claimed in "
                 f"{sweep['batches']} batches: {sweep['messages']} messages (one per person), "
                 f"{sweep['emails_queued']} e-mails queued")
    lines.append(f"  sweep {sweep['sweep_s']:.1f} s ({sweep.get('sweep_cpu_s', 0):.1f} s of CPU in this process), "
                 f"peak memory {peak:.0f} MB (after the sweep {sweep['rss_after_sweep_mb']:.0f} MB; at start "
                 f"{sweep['rss_start_mb']:.0f} MB); goal ≤ {sweep['goal_s']:g} s and ≤ {sweep['goal_mb']:g} MB{flag}")
    lines.append(f"  then {sweep['emails_sent']} e-mails rendered and sent (not delivered) in "
                 f"{sweep['emails_s']:.1f} s, {sweep['email_kb']:.0f} KB")
    return lines
