"""The register of risks and opportunities as XLSX, a background job (``qms_portal.jobs``)
registered by ``objectives.parts.risks``.

The register's filters apply (the same filter set as the register page: open or treated ones in
the reader's scope by default, a cell of the matrix too), within what the requester may see
(``restrict``). The ids are selected once in the register's order (newest first); the rows are then
read ``BATCH`` at a time with only the columns the file shows, with each batch's actions counted in
one GROUP BY query (done, open, overdue: a corrective action's own state counts for an action
tracked there). The sheet is streamed (``qms_portal.exports``), so memory does not grow with the
number of rows."""

from types import SimpleNamespace

from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms_portal.exports import describe_filters, filter_params, write_table
from qms_portal.jobs import JobError, JobKind, Output

from .forms.risks import RiskFilter
from .models import Risk, RiskAction
from .models.risks import Band, band_of
from .selectors.risks import action_due, action_state, register_queryset

BATCH = 500
JOB_KIND = "objectives.risk_register_xlsx"
EXPORT_PERMISSION = "objectives.view_risk"
FILTER_FIELDS = ("q", "unit", "process", "kind", "band", "status", "mine", "likelihood", "impact")
FIELDS = ("pk", "number", "kind", "title", "unit__code", "unit__name", "process__code", "cause", "consequence",
          "likelihood", "impact", "residual_likelihood", "residual_impact", "owner__full_name", "owner__username",
          "review_on", "status")


def job_kinds():
    return [JobKind(JOB_KIND, gettext_lazy("Register of risks and opportunities (XLSX)"),
                    run="objectives.exports_risks.register_xlsx", permission=EXPORT_PERMISSION,
                    describe="objectives.exports_risks.describe_register")]


def register_params(data):
    """The register's filters from a query string, as a job's parameters."""
    return filter_params(data, FILTER_FIELDS)


def register_filter(user, params):
    return RiskFilter(params, queryset=register_queryset(user), request=SimpleNamespace(user=user))


def describe_register(params, user):
    """``(label, value)`` of the filters in effect, for the job's page and the file's heading."""
    form = register_filter(user, params).form
    if not form.is_valid():
        return []
    return describe_filters(form, FILTER_FIELDS)


def headers():
    return [_("Number"), _("Kind"), _("Title"), _("Unit"), _("Process or procedure"), _("Cause"), _("Consequence"),
            _("Likelihood"), _("Impact or benefit"), _("Rating"), _("Band"), _("Residual likelihood"),
            _("Residual impact or benefit"), _("Residual rating"), _("Owner"), _("Next review"), _("Status"),
            _("Actions done"), _("Actions open"), _("Overdue actions")]


def _action_counts(chunk, today):
    rows = (RiskAction.objects.filter(risk_id__in=chunk).annotate(state=action_state(), due=action_due())
            .order_by().values("risk_id")
            .annotate(done=Count("pk", filter=Q(state=RiskAction.Status.DONE)),
                      open=Count("pk", filter=Q(state=RiskAction.Status.OPEN)),
                      overdue=Count("pk", filter=Q(state=RiskAction.Status.OPEN, due__lt=today))))
    return {r["risk_id"]: (r["done"], r["open"], r["overdue"]) for r in rows}


def rows(ids, progress=None, batch=BATCH, today=None):
    """The register's rows, in the order of ``ids``, read ``batch`` risks at a time."""
    today = today or timezone.localdate()
    kinds, statuses, bands = dict(Risk.Kind.choices), dict(Risk.Status.choices), dict(Band.choices)
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        found = {row[0]: row for row in Risk.objects.filter(pk__in=chunk).values_list(*FIELDS)}
        counts = _action_counts(chunk, today)
        for pk in chunk:
            row = found.get(pk)
            if row is None:
                continue
            (_pk, number, kind, title, unit_code, unit_name, process, cause, consequence, lk, im, rl, ri,
             owner_name, owner_login, review_on, status) = row
            residual = rl * ri if rl and ri else None
            done, still_open, overdue = counts.get(pk, (0, 0, 0))
            yield [number, str(kinds.get(kind, kind)), title, f"{unit_code} · {unit_name}", process or "", cause,
                   consequence, lk, im, lk * im, str(bands[band_of(lk * im)]), rl, ri, residual,
                   owner_name or owner_login or "", review_on, str(statuses.get(status, status)), done, still_open,
                   overdue]
        if progress is not None:
            progress(start + len(chunk), len(ids))


def register_xlsx(job):
    filtered = register_filter(job.user, job.params)
    if not filtered.is_valid():
        raise JobError(_("The filters of this list are no longer valid: ask for it again from the register."))
    ids = list(filtered.qs.order_by("-pk").values_list("pk", flat=True))
    job.progress(0, len(ids), force=True)
    printed = _("Printed %(when)s by %(who)s") % {
        "when": formats.date_format(timezone.localtime(), "SHORT_DATETIME_FORMAT"),
        "who": job.user.full_name or job.user.username}
    preamble = [[_("Register of risks and opportunities")], [printed]]
    details = describe_register(job.params, job.user)
    if details:
        preamble.append(["; ".join(f"{label}: {value}" for label, value in details)])
    preamble.append([_("Total"), len(ids)])
    write_table("xlsx", job.out, headers=headers(), rows=rows(ids, job.progress), title=_("Risks and opportunities"),
                preamble=preamble)
    return Output(f"risks-{timezone.localdate().isoformat()}.xlsx",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
