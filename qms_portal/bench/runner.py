"""The benchmark: each main page requested in-process through the whole middleware stack with
``django.test.Client``, beside the framework floor (``/floor/``), p50/p95 and the SQL queries of
each page, with the cache warm and (a second pass) with every cached piece retired before each
request (``fragments.forget_all``: the cache itself is never emptied, as it may share its Redis
with the Celery broker's queued tasks). The core's pages
are listed here; each area adds its own and anything it measures apart through the bench tool it
registers (``areas.register(bench=…)``, see ``tools.BenchPages``)."""

import logging
import math
import statistics
import time
from contextlib import nullcontext
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from .. import areas, fragments
from ..models import AccessRequest, Notification, RoleAssignment, Unit, User
from ..steering.evaluation_models import UnitEvaluation


def bench_tools():
    """``[(area, BenchPages instance)]`` of the registered areas."""
    return [(area, tool()) for area, tool in areas.tools("bench")]


def core_pages(user, unit_q="Phường", user_q="Nguyễn"):
    """(name, url) of the core's main pages, the floor first. The unit detail is a unit right below
    the user's highest unit (a district or agency: it has sub-units, members and roles)."""
    visible = Unit.objects.restrict(user, "view")
    top = visible.order_by("depth", "path").first()
    detail = None
    if top is not None:
        detail = visible.filter(parent=top).order_by("path").first() or top
    pages = [
        ("floor", reverse("floor")),
        ("my work", reverse("home")),
        ("unit list", reverse("unit_list")),
        ("unit list ?q=", reverse("unit_list") + "?" + urlencode({"q": unit_q})),
    ]
    if detail is not None:
        pages.append(("unit detail", reverse("unit_detail", args=[detail.pk])))
    pages += [
        ("user list", reverse("user_list")),
        ("user list ?q=", reverse("user_list") + "?" + urlencode({"q": user_q})),
        ("role assignments", reverse("assignment_list")),
        ("inbox", reverse("inbox")),
        ("access requests", reverse("accessrequest_list")),
    ]
    if user.has_perm("qms_portal.view_dashboard"):
        # the whole tree's dashboard for the year (it keeps nothing in the cache: every visit is a first)
        pages.append(("steering dashboard", reverse("steering_dashboard") + "?period=year"))
        pages.append(("rollout board", reverse("rollout_board")))
    if user.has_perm("qms_portal.view_annualreport"):
        pages.append(("annual reports", reverse("annualreport_list")))
    if user.has_perm("qms_portal.view_evaluation"):
        pages += evaluation_pages(user)
    return pages


def evaluation_pages(user):
    """The evaluations' list, then the ranking of the widest one the user sees (this year's of the
    highest unit: a sheet per unit below it) and one signed sheet of it."""
    from ..steering.evaluation_models import Evaluation

    pages = [("evaluations", reverse("evaluation_list"))]
    evaluation = Evaluation.objects.restrict(user, "view").order_by("unit__depth", "-year", "pk").first()
    if evaluation is not None:
        pages.append(("evaluation ranking", reverse("evaluation_ranking", args=[evaluation.pk])))
        sheets = UnitEvaluation.objects.restrict(user, "view").filter(evaluation=evaluation).order_by("unit__path")
        sheet = sheets.filter(status=UnitEvaluation.Status.SIGNED).first() or sheets.first()
        if sheet is not None:
            pages.append(("evaluation sheet", reverse("unitevaluation_detail", args=[sheet.pk])))
    return pages


def default_pages(user, options=None, tools=None, unit_q="Phường", user_q="Nguyễn"):
    """The core's pages, then each area's (``BenchPages.pages``)."""
    options = options or {}
    pages = core_pages(user, unit_q=options.get("unit_q", unit_q), user_q=options.get("user_q", user_q))
    for _area, tool in bench_tools() if tools is None else tools:
        pages += tool.pages(user, options)
    return pages


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _one(client, url, secure):
    # The log of queries is emptied before each request: inside the context Django no longer empties
    # it when a request starts, and once it holds its most (9,000) a count read from it is 0.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        response = client.get(url, secure=secure)
        elapsed = time.perf_counter() - start
    return elapsed * 1000, len(captured), response


def _summary(times, queries, response):
    return {
        "status": response.status_code, "bytes": len(response.content),
        "p50_ms": round(statistics.median(times), 2), "p95_ms": round(_percentile(times, 0.95), 2),
        "queries": int(statistics.median(queries)), "queries_min": min(queries), "queries_max": max(queries),
    }


def data_size():
    sizes = {
        "units": Unit.objects.count(),
        "users": User.objects.count(),
        "assignments": RoleAssignment.objects.current().count(),
        "access_requests_pending": AccessRequest.objects.filter(status=AccessRequest.Status.PENDING).count(),
        "notifications": Notification.objects.count(),
        "evaluation_sheets": UnitEvaluation.objects.count(),
    }
    for _area, builder in areas.tools("scale"):
        sizes.update(builder().data_size())
    return sizes


def _rounds(pages, user, runs, warmup, secure, samples, errors, cold=False):
    """With ``cold``, every cached piece is retired before each request: a first visit, or the
    first one after a change retired the page's cached pieces. (Retired, not deleted: emptying
    the cache would also empty anything else kept in its Redis database.)"""
    client = Client(raise_request_exception=True)
    client.force_login(user)
    # Round robin: run r of every page, then run r + 1 of every page, so that a burst of load on
    # the machine weighs on the floor and the pages alike and the ratios stay comparable.
    for round_ in range(-warmup, runs):
        for name, url in pages:
            if name in errors:
                continue
            if cold:
                fragments.forget_all()
            try:
                elapsed, count, response = _one(client, url, secure)
            except Exception as error:  # noqa: BLE001 - reported per page; the command exits non-zero
                errors[name] = f"{type(error).__name__}: {error}"[:500]
                continue
            if response.status_code != 200:
                errors[name] = f"HTTP {response.status_code}"
                samples[name] = ([], [], response)
                continue
            if round_ >= 0:
                times, queries, _last = samples[name]
                times.append(elapsed)
                queries.append(count)
                samples[name] = (times, queries, response)


def run_bench(*, user, pages=None, runs=30, warmup=3, tools=None, options=None):
    """Measure each page as ``user``; then, apart (not in the round robin), what each area's bench
    tool measures (``BenchPages.measure``: the controlled copy of a procedure…). Returns the
    results (JSON-ready), the areas' own under ``"extras"``."""
    options = options or {}
    tools = bench_tools() if tools is None else tools
    pages = pages or default_pages(user, options, tools)
    hosts = list(settings.ALLOWED_HOSTS)
    needs_host = "testserver" not in hosts and "*" not in hosts
    secure = bool(settings.SECURE_SSL_REDIRECT)
    samples = {name: ([], [], None) for name, _url in pages}
    cold = {name: ([], [], None) for name, _url in pages}
    errors = {}
    extras = {}
    # A failing page is reported in the table, not by a traceback on every run of it.
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.CRITICAL)
    try:
        with override_settings(ALLOWED_HOSTS=[*hosts, "testserver"]) if needs_host else nullcontext():
            _rounds(pages, user, runs, warmup, secure, samples, errors)
            cold_runs = max(5, runs // 2)
            _rounds(pages, user, cold_runs, 1, secure, cold, errors, cold=True)
            for area, tool in tools:
                result = tool.measure(user=user, options=options, runs=runs, warmup=warmup, secure=secure)
                if result is not None:
                    extras[area.label] = result
    finally:
        request_log.setLevel(level)
    results = []
    for name, url in pages:
        times, queries, response = samples[name]
        if name in errors:
            status = response.status_code if response is not None else 500
            results.append({"page": name, "url": url, "status": status, "error": errors[name]})
        else:
            row = {"page": name, "url": url, **_summary(times, queries, response)}
            cold_times, cold_queries, _response = cold[name]
            if cold_times:
                first = _summary(cold_times, cold_queries, _response)
                row.update(cold_p50_ms=first["p50_ms"], cold_p95_ms=first["p95_ms"], cold_queries=first["queries"])
            results.append(row)
    floor = next((r for r in results if r["page"] == "floor" and r["status"] == 200), None)
    for row in results:
        if floor and "p50_ms" in row and floor["p50_ms"]:
            row["x_floor_p50"] = round(row["p50_ms"] / floor["p50_ms"], 2)
            row["x_floor_p95"] = round(row["p95_ms"] / floor["p95_ms"], 2) if floor["p95_ms"] else None
            if "cold_p50_ms" in row and floor.get("cold_p50_ms"):
                row["x_floor_cold_p50"] = round(row["cold_p50_ms"] / floor["cold_p50_ms"], 2)
    db = connection.settings_dict
    return {
        "database": {"vendor": connection.vendor, "name": str(db["NAME"])},
        "data": data_size(),
        "user": user.username,
        "runs": runs,
        "cold_runs": max(5, runs // 2),
        "warmup": warmup,
        "debug": settings.DEBUG,
        "at": timezone.now().isoformat(timespec="seconds"),
        "pages": results,
        "extras": extras,
    }


