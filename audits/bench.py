"""The audits area's part of ``manage.py bench`` (registered by the certificates part as
``bench="audits.bench.AuditsBench"``): the province programme's coverage grid (every unit of the
tree, 250 by default), the audit list (default, filtered, searched), the checklist page of the
audit with the most items (200), the certificate register, the surveillance audits due, the
figures page and the programme entries' register (all, and those behind their month); and apart
from the round robin, the area's reminder sweep at the data's size (``manage.py
bench_audit_reminders``, in a process of its own: time and peak memory).

Pages are named by URL name: one whose part is not installed (``NoReverseMatch``) is left out."""

from urllib.parse import urlencode

from django.db.models import Count
from django.urls import NoReverseMatch, reverse

from qms_portal.bench import sweeps
from qms_portal.bench.tools import BenchPages

from .models import Audit, AuditProgramme


def grid_programme(user):
    """The programme with the most entries ``user`` may see (the province's, this year)."""
    return (AuditProgramme.objects.restrict(user, "view").annotate(n=Count("entries")).order_by("-n", "-year", "-pk")
            .only("pk").first())


def checklist_audit(user):
    return (Audit.objects.restrict(user, "view").annotate(n=Count("items")).order_by("-n", "-pk").only("pk")
            .first())


def _url(name, *args, query=None):
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(query)}" if query else url


class AuditsBench(BenchPages):
    def add_arguments(self, parser):
        parser.add_argument("--audit-q", default="định kỳ", help="Search term for the audit list.")
        parser.add_argument("--no-audit-sweep", action="store_true",
                            help="Skip the audits' reminder sweep (also skipped by --no-sweep).")

    def pages(self, user, options):
        pages = []
        programme = grid_programme(user)
        if programme is not None:
            pages.append(("audit programme grid", _url("audits:programme_detail", programme.pk)))
        pages += [
            ("audit list", _url("audits:audit_list")),
            ("audit list ?filtered", _url("audits:audit_list", query={"status": "closed", "kind": "internal"})),
            ("audit list ?q=", _url("audits:audit_list", query={"q": options.get("audit_q") or "định kỳ"})),
        ]
        audit = checklist_audit(user)
        if audit is not None:
            pages.append(("audit checklist", _url("audits:checklist", audit.pk)))
        pages += [
            ("certificate register", _url("audits:certificate_list")),
            ("surveillance audits due", _url("audits:surveillance_due", query={"when": "all"})),
            ("audit figures", _url("audits:figures")),
            ("programme entries", _url("audits:programme_entry_list")),
            ("programme entries ?behind", _url("audits:programme_entry_list", query={"state": "behind"})),
        ]
        return [(name, url) for name, url in pages if url]

    def measure(self, *, user, options, runs, warmup, secure):
        if options.get("no_sweep") or options.get("no_audit_sweep") or not Audit.objects.exists():
            return None
        return {"reminders": measure_sweep()}

    def format(self, result):
        return format_sweep((result or {}).get("reminders"))

    def problems(self, result):
        sweep = (result or {}).get("reminders") or {}
        return [f"audit reminder sweep ({sweep['error']})"] if sweep.get("error") else []


def measure_sweep():
    """The audits' reminder sweep over the data as it is, in a process of its own."""
    return sweeps.measure_command("bench_audit_reminders")


def format_sweep(sweep):
    return sweeps.format_sweep(sweep, title="audits' reminder sweep", command="bench_audit_reminders",
                               due="{due_rows} certificates, surveillance audits, coming audits and overdue reports "
                                   "due, {claimed} stages claimed in {batches} batches")
