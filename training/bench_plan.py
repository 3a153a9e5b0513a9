"""The plan part of ``manage.py bench`` (in ``training.bench.TrainingBench``): the plans list (all,
this year), the register of plan items (all, and this year's done: where the dashboard links), the
page of the plan highest in the tree (the province's), its needs found in the data; and apart from
the round robin, the steering committee's figures (each counted for the reader, as the dashboard
counts them) and the management review's "resources" input compiled for the whole province — time
and queries (goal ≤ 2 s, queries that do not grow with the data)."""

import statistics
import time

from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from qms_portal.bench.tools import BenchPages

from .models import TrainingPlan

GOAL_SECONDS = 2.0


def _url(name, *args, query=""):
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return None


def top_plan(user):
    """This year's plan of the unit highest in the tree ``user`` may see."""
    return (TrainingPlan.objects.restrict(user, "view").filter(year=timezone.localdate().year)
            .select_related("unit").order_by("unit__depth", "pk").first())


def _timed(call, runs):
    times, queries = [], set()
    call()  # warm
    for _ in range(runs):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            tick = time.perf_counter()
            call()
            times.append(time.perf_counter() - tick)
        queries.add(len(captured))
    times.sort()
    return {"runs": len(times), "p50": statistics.median(times), "max": times[-1], "queries": sorted(queries)}


class Bench(BenchPages):
    def pages(self, user, options):
        year = timezone.localdate().year
        pages = [("training plans", _url("training:plan_list")),
                 ("training plans ?year", _url("training:plan_list", query=f"?year={year}")),
                 ("training plan items", _url("training:planitem_list")),
                 # where the steering committee's "training plan completion" links (the whole tree)
                 ("training plan items ?done", _url("training:planitem_list", query=f"?year={year}&done=true"))]
        plan = top_plan(user)
        if plan is not None:
            pages.append(("training plan (province)", _url("training:plan_detail", plan.pk)))
            if user.has_perm("training.change_trainingplan"):
                pages.append(("training plan needs (province)", _url("training:plan_suggestions", plan.pk)))
        return [(name, url) for name, url in pages if url]

    def measure(self, *, user, options, runs, warmup, secure):
        from qms_portal import areas

        from .selectors.plan_review import compile_resources

        result = {}
        for area, figure in areas.dashboard_figures():
            if area.label == "training":
                result[f"figure {figure.key}"] = _timed(lambda f=figure: f.queryset(user).count(), max(runs // 10, 5))
        plan = top_plan(user)
        if plan is not None:
            today = timezone.localdate()
            start, end = today.replace(month=1, day=1), today
            result["review input resources"] = {
                "unit": plan.unit.code,
                **_timed(lambda: compile_resources(plan.unit, start, end), max(runs // 10, 5))}
        return result or None

    def format(self, result):
        lines = []
        for name, r in (result or {}).items():
            where = f" for {r['unit']}" if "unit" in r else ""
            lines.append(f"training {name}{where} ({r['runs']} runs): p50 {r['p50'] * 1000:.0f} ms, "
                         f"max {r['max'] * 1000:.0f} ms, queries {r['queries']} (goal ≤ {GOAL_SECONDS:.0f} s)")
        return lines

    def problems(self, result):
        problems = []
        for name, r in (result or {}).items():
            if r["p50"] > GOAL_SECONDS:
                problems.append(f"training {name} p50 {r['p50']:.2f} s > {GOAL_SECONDS:.0f} s")
            if len(r["queries"]) > 1:
                problems.append(f"training {name}: the number of queries varies ({r['queries']})")
        return problems
