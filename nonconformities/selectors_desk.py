"""Reads of the one-stop-shop desk that several pages (and the objectives area) share."""

from django.db.models import Count, F, Q
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from .models import CitizenFeedback, NonconformingOutput


def late_q(today=None):
    """A late file: delivered after its due date, or not delivered and past it."""
    today = today or timezone.localdate()
    return Q(delivered_on__gt=F("due_on")) | Q(delivered_on__isnull=True, due_on__lt=today)


def late_files_by_procedure(user, *, year, month=None, unit=None):
    """Monthly counts of late files per procedure, among the nonconforming outputs ``user`` may
    see, by the month the file was due: ``[{"procedure": id or None, "code": …, "title": …,
    "month": 1–12, "count": n}, …]`` in procedure code then month order. One query, whatever the
    data size (for the on-time KPI of the objectives area: files due minus these, over files due).
    ``unit``: only the outputs of that unit and the units below it."""
    rows = NonconformingOutput.objects.restrict(user, "view")
    if unit is not None:
        rows = rows.filter(unit__path__startswith=unit.path)
    rows = (
        rows
        .filter(late_q(), due_on__year=year)
        .filter(**({"due_on__month": month} if month else {}))
        .annotate(month=ExtractMonth("due_on"))
        .values("month", procedure_code=F("procedure__code"), procedure_title=F("procedure__title"),
                procedure_pk=F("procedure_id"))
        .annotate(count=Count("id"))
        .order_by("procedure_code", "procedure_pk", "month")
    )
    return [{"procedure": r["procedure_pk"], "code": r["procedure_code"] or "", "title": r["procedure_title"] or "",
             "month": r["month"], "count": r["count"]} for r in rows]


def feedback_counts(queryset):
    """``{status: count}`` and the overdue count of a (restricted, filtered) feedback queryset: one
    query."""
    today = timezone.localdate()
    counts = queryset.order_by().aggregate(
        overdue=Count("pk", filter=Q(status=CitizenFeedback.Status.NEW, reply_due_on__lt=today)),
        **{status: Count("pk", filter=Q(status=status)) for status in CitizenFeedback.Status.values},
    )
    return counts


def satisfaction(queryset):
    """The share of satisfied answers (very satisfied, satisfied, basically satisfied) in percent,
    as SIPAS and the Chinese good/bad review report it, with the number of answers; one query."""
    counts = queryset.order_by().aggregate(total=Count("pk"), good=Count("pk", filter=Q(rating__gte=3)))
    total = counts["total"]
    return {"total": total, "percent": round(100 * counts["good"] / total) if total else None}
