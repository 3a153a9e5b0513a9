"""The matrix part of ``manage.py bench`` (in ``training.bench.TrainingBench``): the training matrix of
the district with the most people (its first page, and one unit only), the register of training on
revisions (plain, and the trained of the top unit's subtree, as the dashboard links it), and, apart from the round
robin, the matrix of the whole province as XLSX, a background job run in a process of its own
(``manage.py run_job``, as a Celery worker runs it), timed and with that process's peak memory."""

import json
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.urls import reverse

from qms_portal.bench.child import run_child
from qms_portal.bench.tools import BenchPages
from qms_portal.models import Unit

from .exports_matrix import JOB_KIND
from .selectors.matrix import matrix_units

GOAL_SECONDS = 60.0
WORKER_GOAL_MB = 300.0


def _district(user):
    """The district (else any unit below the top) whose subtree has the most people."""
    units = matrix_units(user)
    top = units.order_by("depth", "path").first()
    if top is None:
        return None, None
    candidates = (Unit.objects.filter(pk__in=units.values("pk"), parent=top)
                  .annotate(n=Count("members")).order_by("-kind", "-n", "code"))
    district = candidates.filter(kind=Unit.Kind.DISTRICT).first() or candidates.first()
    return top, district


class Bench(BenchPages):
    def pages(self, user, options):
        top_unit, district = _district(user)
        if district is None:
            return []
        url = reverse("training:matrix")
        trainings = reverse("training:revision_trainings")
        return [("training matrix, district", f"{url}?{urlencode({'unit': district.pk, 'subunits': 1})}"),
                ("training matrix, unit only", f"{url}?{urlencode({'unit': district.pk, 'subunits': 0})}"),
                # the register of training on revisions, and as the steering dashboard links it
                ("training on revisions", trainings),
                ("training on revisions ?trained",
                 f"{trainings}?{urlencode({'state': 'trained', 'unit': top_unit.pk})}")]

    def measure(self, *, user, options, runs, warmup, secure):
        top, _district_unit = _district(user)
        if top is None:
            return None
        params = {"unit": str(top.pk), "subunits": "1"}
        if settings.TESTING or (connection.vendor == "sqlite" and connection.is_in_memory_db()):
            return None  # an in-memory database (the tests): a child process cannot open it
        child = run_child(["run_job", JOB_KIND, "--user", user.username, "--params", json.dumps(params),
                           "--discard"])
        output = child["output"] if isinstance(child["output"], dict) else {}
        if child["returncode"] != 0 or "seconds" not in output:
            return {"unit": top.code, "error": output.get("error") or (child["stderr"].strip().splitlines() or
                                                                      ["failed"])[-1]}
        return {"unit": top.code, "seconds": output["seconds"], "rows": output.get("rows"),
                "kb": round(output.get("bytes", 0) / 1024, 1), "peak_mb": child.get("peak_mb"),
                "process_seconds": child.get("seconds")}

    def format(self, result):
        if "seconds" not in result:
            return ["", f"training matrix XLSX: {result.get('error') or result.get('skipped')}"]
        peak = f"{result['peak_mb']:.0f} MB" if result.get("peak_mb") is not None else "not measured"
        return ["", f"training matrix XLSX of {result['unit']} and below (background job, a process of its own): "
                    f"{result['seconds']:.1f} s, {result['rows']} rows, {result['kb']:.0f} KB, worker peak {peak}; "
                    f"goals ≤ {GOAL_SECONDS:g} s, ≤ {WORKER_GOAL_MB:g} MB"]

    def problems(self, result):
        found = []
        if result.get("seconds", 0) > GOAL_SECONDS:
            found.append(f"training matrix XLSX took {result['seconds']:.0f} s")
        if (result.get("peak_mb") or 0) > WORKER_GOAL_MB:
            found.append(f"training matrix XLSX peaked at {result['peak_mb']:.0f} MB")
        return found
