"""The review part of the objectives bench (``objectives.bench.ObjectivesBench``): the review list,
the decisions list (all, overdue), and the page of the province's management review while it is
planned — its inputs compiled live from every area for the whole province; and apart from the round
robin, that compilation itself (``compile_inputs``: time and queries, goal ≤ 2 s and a number of
queries that does not grow with the data)."""

import statistics
import time

from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from qms_portal.bench.tools import BenchPages

from .models import ManagementReview

GOAL_SECONDS = 2.0


def province_review(user):
    """The planned review of the unit highest in the tree ``user`` may see (the province's)."""
    return (ManagementReview.objects.restrict(user, "view").filter(status=ManagementReview.Status.PLANNED)
            .select_related("unit").order_by("unit__depth", "-meeting_on", "pk").first())


def _url(name, *args, query=""):
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return None


class Bench(BenchPages):
    def pages(self, user, options):
        pages = [("review list", _url("objectives:review_list")),
                 ("review decisions", _url("objectives:decision_list")),
                 ("review decisions ?overdue", _url("objectives:decision_list", query="?overdue=true"))]
        review = province_review(user)
        if review is not None:
            pages.append(("management review (province, planned: inputs live)",
                          _url("objectives:review_detail", review.pk)))
        return [(name, url) for name, url in pages if url]

    def measure(self, *, user, options, runs, warmup, secure):
        from .selectors.review_inputs import compile_inputs

        review = province_review(user)
        if review is None:
            return None
        for _ in range(max(warmup, 1)):
            compile_inputs(review)
        times, queries = [], set()
        for _ in range(max(runs // 10, 5)):
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                tick = time.perf_counter()
                compile_inputs(review)
                times.append(time.perf_counter() - tick)
            queries.add(len(captured))
        times.sort()
        return {"compilation": {"unit": review.unit.code, "runs": len(times), "p50": statistics.median(times),
                                "max": times[-1], "queries": sorted(queries)}}

    def format(self, result):
        c = (result or {}).get("compilation")
        if not c:
            return []
        return [f"management review inputs compiled for {c['unit']} (province, {c['runs']} runs): "
                f"p50 {c['p50'] * 1000:.0f} ms, max {c['max'] * 1000:.0f} ms, queries {c['queries']} "
                f"(goal ≤ {GOAL_SECONDS:.0f} s, constant)"]

    def problems(self, result):
        c = (result or {}).get("compilation")
        if not c:
            return []
        problems = []
        if c["p50"] > GOAL_SECONDS:
            problems.append(f"management review compilation p50 {c['p50']:.2f} s > {GOAL_SECONDS:.0f} s")
        if len(c["queries"]) > 1:
            problems.append(f"management review compilation queries vary: {c['queries']}")
        return problems
