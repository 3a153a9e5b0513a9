"""The master list exports in ``manage.py bench`` (``DocumentsBench.measure``), apart from the page
round robin: the XLSX, CSV and PDF of every document (status "all") for someone who may export
them all, each made as a background job in a process of its own (``manage.py run_job``, as a Celery
worker runs it), timed and with that process's peak memory; then a web worker's peak memory while it
serves the register, the master list page, the request for the XLSX (which only queues the job),
its progress page and the download of the file (``manage.py bench_requests``).

Under the tests (an in-memory database a child process cannot open) everything runs in this
process: the times are measured, the memory is not."""

import io
import json

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils.http import urlencode

from qms_portal.bench.child import run_child
from qms_portal.models import Job, RoleAssignment

from .exports import master_list_documents

FORMATS = ("xlsx", "csv", "pdf")
GOAL_SECONDS = {"xlsx": 10.0, "csv": 10.0, "pdf": 60.0}
WORKER_GOAL_MB = 300.0
WEB_GOAL_MB = 150.0
PARAMS = {"status": "all"}


def exporter(user):
    """``user`` if they may export the master list, else whoever may export it over the most units
    (the steering committee of the province, at scale)."""
    if user.has_perm("documents.export_document"):
        return user
    found = (RoleAssignment.objects.filter(role__permissions__codename="export_document",
                                           role__permissions__content_type__app_label="documents",
                                           include_subunits=True, user__is_active=True)
             .select_related("user").order_by("unit__depth", "pk").first())
    return found.user if found is not None else None


def _in_process():
    return settings.TESTING or (connection.vendor == "sqlite" and connection.is_in_memory_db())


def _command(args, in_process):
    """Run a management command in a child process (or here, under the tests): ``(figures, output)``."""
    if not in_process:
        child = run_child(args)
        output = child["output"] if isinstance(child["output"], dict) else None
        if child["returncode"] != 0 or output is None:
            error = (output or {}).get("error") or child["stderr"].strip().splitlines()[-1:] or ["no output"]
            return child, {"error": error if isinstance(error, str) else error[0]}
        return child, output
    out = io.StringIO()
    try:
        call_command(*args, stdout=out)
    except Exception as error:  # noqa: BLE001 - reported; the command exits non-zero
        return {}, {"error": f"{type(error).__name__}: {error}"[:300]}
    return {}, json.loads(out.getvalue().strip().splitlines()[-1])


def measure_exports(*, user, in_process=None):
    person = exporter(user)
    if person is None:
        return {"error": "nobody may export the master list"}
    in_process = _in_process() if in_process is None else in_process
    result = {"user": person.username, "documents": master_list_documents(person, PARAMS).count(),
              "params": PARAMS, "in_process": in_process, "goals_s": GOAL_SECONDS, "worker_goal_mb": WORKER_GOAL_MB,
              "web_goal_mb": WEB_GOAL_MB}
    kept = None
    try:
        for fmt in FORMATS:
            args = ["run_job", f"documents.master_list_{fmt}", "--user", person.username, "--params",
                    json.dumps(PARAMS)]
            child, output = _command(args if fmt == "xlsx" else [*args, "--discard"], in_process)
            if "error" in output and output.get("state") != "done":
                result[fmt] = {"error": output["error"] or "failed"}
                continue
            if fmt == "xlsx":
                kept = output["job"]
            result[fmt] = {"seconds": output["seconds"], "cpu_seconds": output.get("cpu_seconds"),
                           "process_seconds": child.get("seconds"),
                           "peak_mb": child.get("peak_mb"), "rows": output["rows"],
                           "kb": round(output["bytes"] / 1024, 1), "pages": output.get("pages")}
        page = reverse("documents:master_list", args=["xlsx"]) + "?" + urlencode(PARAMS)
        args = ["bench_requests", "--user", person.username, "--get", reverse("documents:register"), "--get", page,
                "--post", page]
        if kept:
            args += ["--get", reverse("job_download", args=[kept])]
        child, output = _command(args, in_process)
        result["web"] = output if "error" in output else {"peak_mb": child.get("peak_mb"),
                                                          "requests": output["requests"]}
    finally:
        if kept:
            job = Job.objects.filter(pk=kept).first()
            if job is not None:
                if job.file:
                    job.file.delete(save=False)
                job.delete()
    return result


def _flag(value, goal):
    return "  > goal" if value is not None and value > goal else ""


def format_exports(exports):
    if not exports:
        return []
    if "error" in exports and "user" not in exports:
        return ["", f"master list exports: {exports['error']}"]
    where = "in this process (memory not measured)" if exports["in_process"] else "each in a process of its own"
    lines = ["", f"master list exports of {exports['documents']} documents (status=all) as {exports['user']}: "
                 f"background jobs, {where}, apart from the round robin"]
    for fmt in FORMATS:
        row = exports.get(fmt) or {}
        if "seconds" not in row:
            lines.append(f"  {fmt.upper():<4}  {row.get('error', 'not measured')}")
            continue
        goal = exports["goals_s"][fmt]
        pages = f"{row['pages']} pages, " if row.get("pages") else ""
        peak = f"worker peak {row['peak_mb']:.0f} MB" if row.get("peak_mb") is not None else "worker peak not measured"
        process = f" (CPU {row['cpu_seconds']:.1f} s" + (f", whole process {row['process_seconds']:.1f} s)"
                                                          if row.get("process_seconds") is not None else ")")
        lines.append(
            f"  {fmt.upper():<4} {row['seconds']:6.1f} s{process}, {row['rows']} rows, {pages}{row['kb']:.0f} KB, "
            f"{peak}; goals ≤ {goal:g} s, ≤ {exports['worker_goal_mb']:g} MB"
            f"{_flag(row['seconds'], goal) or _flag(row.get('peak_mb'), exports['worker_goal_mb'])}")
    web = exports.get("web") or {}
    if "requests" in web:
        served = ", ".join(f"{r['method']} {r['status']}" + (f" {r['bytes'] / 1024:.0f} KB" if r["bytes"] > 100_000
                                                             else "") for r in web["requests"])
        peak = f"{web['peak_mb']:.0f} MB" if web.get("peak_mb") is not None else "not measured"
        lines.append(f"  web worker (register, master list page, asking for the XLSX, its progress page, the "
                     f"download): peak {peak}; goal ≤ {exports['web_goal_mb']:g} MB"
                     f"{_flag(web.get('peak_mb'), exports['web_goal_mb'])}")
        lines.append(f"    {served}")
    else:
        lines.append(f"  web worker: {web.get('error', 'not measured')}")
    return lines


def export_problems(exports):
    if not exports:
        return []
    if "error" in exports and "user" not in exports:
        return [f"master list exports ({exports['error']})"]
    problems = [f"master list {fmt} ({exports[fmt]['error']})" for fmt in FORMATS
                if "error" in (exports.get(fmt) or {})]
    web = exports.get("web") or {}
    if "error" in web:
        problems.append(f"master list web worker ({web['error']})")
    problems += [f"master list web worker ({r['method']} {r['url']}: HTTP {r['status']})"
                 for r in web.get("requests", ()) if r["status"] not in (200, 302)]
    return problems
