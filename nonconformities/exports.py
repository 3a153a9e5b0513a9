"""ncreports: the register of nonconformities as XLSX, a background job (``qms_portal.jobs``)
registered by ``apps.py``.

The register's filters apply (the same filter set as the register page, open ones in the reader's
scope by default), within what the requester may see (``restrict``). The ids are selected once in
the register's order (newest detection first); the rows are then read ``BATCH`` at a time with only
the columns the file shows (never the long texts but the root cause), with the actions of each
batch counted in one GROUP BY query. The sheet is streamed (``qms_portal.exports``: openpyxl's
write-only mode, formulas neutralised), so memory does not grow with the number of rows."""

from types import SimpleNamespace

from django.db.models import Count, Min, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms_portal.exports import describe_filters, filter_params, write_table
from qms_portal.jobs import JobError, JobKind, Output

from .filters import NonconformityFilter
from .models import ACTIVE_ACTION_STATUSES, OPEN_STATUSES, CorrectiveAction, Nonconformity
from .selectors import register_queryset

BATCH = 500
JOB_KIND = "nonconformities.register_xlsx"
EXPORT_PERMISSION = "nonconformities.export_nonconformity"
FILTER_FIELDS = ("q", "unit", "source", "grade", "status", "overdue", "age", "clause")
ORDER = ("-detected_on", "-pk")
FIELDS = ("pk", "number", "title", "unit__code", "unit__name", "source", "grade", "clause__number",
          "procedure__code", "detected_on", "reported_by__full_name", "reported_by__username", "status",
          "root_cause", "closed_at")


def job_kinds():
    return [JobKind(JOB_KIND, gettext_lazy("Register of nonconformities (XLSX)"),
                    run="nonconformities.exports.register_xlsx", permission=EXPORT_PERMISSION,
                    describe="nonconformities.exports.describe_register")]


def register_params(data):
    """The register's filters from a query string, as a job's parameters."""
    return filter_params(data, FILTER_FIELDS)


def register_filter(user, params):
    """The register's filter set on what ``user`` may see."""
    return NonconformityFilter(params, queryset=register_queryset(user), request=SimpleNamespace(user=user))


def describe_register(params, user):
    """``(label, value)`` of the filters in effect, for the job's page and the file's heading."""
    filtered = register_filter(user, params)
    form = filtered.form
    if not form.is_valid():
        return []
    return describe_filters(form, FILTER_FIELDS)


def headers():
    return [_("Number"), _("Title"), _("Unit"), _("Source"), _("Grade"), _("ISO 9001 clause"),
            _("Procedure concerned"), _("Detected on"), _("Reported by"), _("Status"), _("Age (days)"),
            _("Actions done"), _("Actions"), _("Next due date (original)"), _("Next due date (current)"),
            _("Overdue actions"), _("Root cause"), _("Closed on")]


def _action_figures(chunk, today):
    """{nonconformity id: (actions, done, earliest current due still to do, its original due)} for a
    batch, in one query."""
    through = CorrectiveAction.nonconformities.through.objects.filter(nonconformity_id__in=chunk)
    active = Q(correctiveaction__status__in=ACTIVE_ACTION_STATUSES)
    rows = (through.order_by().values("nonconformity_id")
            .annotate(n=Count("correctiveaction_id"),
                      done=Count("correctiveaction_id", filter=Q(correctiveaction__status="done")),
                      next_due=Min("correctiveaction__due", filter=active),
                      next_original=Min("correctiveaction__original_due", filter=active)))
    return {r["nonconformity_id"]: (r["n"], r["done"], r["next_due"], r["next_original"]) for r in rows}


def rows(ids, progress=None, batch=BATCH, today=None):
    """The register's rows, in the order of ``ids``, read ``batch`` nonconformities at a time."""
    today = today or timezone.localdate()
    sources, grades = dict(Nonconformity.Source.choices), dict(Nonconformity.Grade.choices)
    statuses = dict(Nonconformity.Status.choices)
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        found = {row[0]: row for row in Nonconformity.objects.filter(pk__in=chunk).values_list(*FIELDS)}
        figures = _action_figures(chunk, today)
        for pk in chunk:
            row = found.get(pk)
            if row is None:
                continue
            (_pk, number, title, unit_code, unit_name, source, grade, clause, procedure, detected, reporter_name,
             reporter_login, status, root_cause, closed_at) = row
            n, done, next_due, next_original = figures.get(pk, (0, 0, None, None))
            is_open = status in OPEN_STATUSES
            yield [number, title, f"{unit_code} · {unit_name}", str(sources.get(source, source)),
                   str(grades.get(grade, grade)), clause or "", procedure or "", detected,
                   reporter_name or reporter_login, str(statuses.get(status, status)),
                   (today - detected).days if is_open else None, done, n, next_original, next_due,
                   str(_("Yes") if next_due is not None and next_due < today else _("No")), root_cause,
                   timezone.localtime(closed_at).date() if closed_at else None]
        if progress is not None:
            progress(start + len(chunk), len(ids))


def _printed(job):
    return _("Printed %(when)s by %(who)s") % {
        "when": formats.date_format(timezone.localtime(), "SHORT_DATETIME_FORMAT"),
        "who": job.user.full_name or job.user.username}


def register_xlsx(job):
    filtered = register_filter(job.user, job.params)
    if not filtered.is_valid():
        raise JobError(_("The filters of this list are no longer valid: ask for it again from the register."))
    ids = list(filtered.qs.order_by(*ORDER).values_list("pk", flat=True))
    job.progress(0, len(ids), force=True)
    preamble = [[_("Register of nonconformities")], [_printed(job)]]
    details = describe_register(job.params, job.user)
    if details:
        preamble.append(["; ".join(f"{label}: {value}" for label, value in details)])
    preamble.append([_("Total"), len(ids)])
    write_table("xlsx", job.out, headers=headers(), rows=rows(ids, job.progress), title=_("Nonconformities"),
                preamble=preamble)
    return Output(f"nonconformities-{timezone.localdate().isoformat()}.xlsx",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
