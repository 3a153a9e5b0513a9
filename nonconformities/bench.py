"""The nonconformities area's part of ``manage.py bench`` (registered as ``areas.register(bench=…)``):
the register (open in scope by default, filtered, searched, a deep page by cursor), the page of
the nonconformity with the most actions, the actions list; and apart from the round robin, the
escalation sweep at the data's size (``manage.py bench_escalation_sweep``, in a process of its own:
time and peak memory, as the documents area measures its acknowledgement sweep)."""

from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse

from qms_portal.bench import sweeps
from qms_portal.bench.tools import BenchPages
from qms_portal.pagination import KEYSET_PARAM, cursor_after

from .models import CorrectiveAction, Nonconformity
from .scale import SEARCH_VI
from .selectors import register_queryset

DEEP_ROWS = 5000  # the deep page starts after this many rows of the whole register


def deep_cursor(user, rows=DEEP_ROWS):
    """The register's cursor (``?status=all``) pointing after its ``rows``-th row for ``user`` (half
    way through a shorter register), as the *Next* links would after ``rows / page size`` pages."""
    from .views.nonconformity import RegisterView

    queryset = register_queryset(user)
    rows = min(rows, queryset.count() // 2)  # (a small register: half way)
    return cursor_after(queryset.select_related(None), RegisterView.keyset, rows,
                        salt=RegisterView().get_keyset_salt()) if rows >= 1 else None


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
    """The corrective actions' escalation sweep over the data as it is, in a process of its own."""
    return sweeps.measure_command("bench_escalation_sweep")


def format_sweep(sweep):
    return sweeps.format_sweep(sweep, title="corrective actions' escalation sweep", command="bench_escalation_sweep",
                               due="{due_rows} actions due within 7 days or overdue, {claimed} stages claimed in "
                                   "{batches} batches")
