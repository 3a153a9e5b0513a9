"""Province-sized monthly files per procedure for ``manage.py seed_scale`` (kpi part, the on-time
rate): for each unit, its first ``per_unit`` procedures, its own first (the same rule as the page where a unit
enters its files: ``kpi_ontime.procedure_q``, a procedure of the unit or of a unit above it), one row
for each of the ``months`` months that have ended. About one row in five has files handled late; the
rest of the files were handled on time or are still in hand. 250 units × 5 procedures × 12 months
= 15,000 rows, with their history rows (``bulk_create_with_history``)."""

import random
import time

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from documents.models import Document
from qms_portal.models import Unit
from qms_portal.permissions import ancestor_paths

from .models import ProcedureTimeliness
from .selectors.kpi_math import last_closed, shift
from .selectors.kpi_ontime import procedure_q


def _procedures(units):
    """``{unit path: [procedure id]}``: the procedures each unit reports for, by code (one query)."""
    paths = {path for unit in units for path in ancestor_paths(unit.path)}
    found = {}
    for pk, path in (Document.objects.filter(procedure_q(), unit__path__in=paths)
                     .order_by("code", "pk").values_list("pk", "unit__path")):
        found.setdefault(path, []).append(pk)
    return found


def _files(rng):
    """``(received, on time, late)`` of one procedure in one month."""
    received = rng.randint(5, 240)
    late = rng.randint(1, max(1, received // 20)) if rng.random() < 0.2 else 0
    pending = rng.randint(0, received // 10)
    return received, max(0, received - late - pending), late


def build_timeliness(*, root, per_unit=5, months=12, rng=None, acting_user=None, today=None):
    """The rows for ``root``'s subtree; returns ``{"timeliness": made, "timeliness_seconds": s}``."""
    started = time.perf_counter()
    if per_unit <= 0 or months <= 0:
        return {"timeliness": 0, "timeliness_seconds": 0.0}
    rng = rng or random.Random(2032)
    now = timezone.now()
    last = last_closed(today or timezone.localdate(now), "monthly")
    periods = [shift(last, "monthly", -i) for i in range(months)]
    units = list(Unit.objects.filter(path__startswith=root.path, is_active=True).order_by("path")
                 .only("pk", "path"))
    procedures = _procedures(units)
    rows = []
    for unit in units:
        mine = [pk for path in reversed(ancestor_paths(unit.path)) for pk in procedures.get(path, [])][:per_unit]
        for procedure in mine:
            for period in periods:
                received, on_time, late = _files(rng)
                rows.append(ProcedureTimeliness(unit_id=unit.pk, procedure_id=procedure, period=period,
                                                received=received, on_time=on_time, late=late,
                                                entered_by=acting_user, created_at=now, updated_at=now))
    made = bulk_create_with_history(rows, ProcedureTimeliness, batch_size=2000, default_user=acting_user,
                                    default_date=now)
    return {"timeliness": len(made), "timeliness_seconds": time.perf_counter() - started}
