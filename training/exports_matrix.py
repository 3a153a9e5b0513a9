"""The training matrix of a unit and its sub-units as XLSX, a background job (``qms_portal.jobs``)
registered by ``training.parts.matrix``.

Within what the requester may read (``selectors.matrix.people``: training.view_qualification over
the people's units). The columns (the competences required of anyone listed) are read once; the
people are then read ``BATCH`` at a time in the matrix's order (unit, name), each batch after the
last row of the one before (keyset, never an OFFSET), and their cells computed with three queries a
batch (``person_rows``). The sheet is streamed (``qms_portal.exports``): memory does not grow with
the number of people."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms_portal.exports import filter_params, write_table
from qms_portal.jobs import JobError, JobKind, Output
from qms_portal.models import Unit

from .selectors import matrix as selectors

BATCH = 500
JOB_KIND = "training.matrix_xlsx"
FIELDS = ("unit", "subunits")


def job_kinds():
    return [JobKind(JOB_KIND, gettext_lazy("Training matrix (XLSX)"), run="training.exports_matrix.matrix_xlsx",
                    permission=selectors.PERMISSION, describe="training.exports_matrix.describe_matrix")]


def matrix_params(data):
    params = filter_params(data, FIELDS)
    params["subunits"] = "0" if params.get("subunits") == "0" else "1"
    return params


def matrix_unit(user, params):
    """``(unit, problem)``: the unit the file is for, when ``user`` may read its matrix (else None
    and the reason)."""
    try:
        pk = int(params.get("unit", ""))
    except ValueError:
        unit = selectors.default_unit(user)
        return (unit, None) if unit is not None else (None, _("You may read the training matrix of no unit."))
    unit = selectors.matrix_units(user).filter(pk=pk).first()
    if unit is None:
        return None, _("This unit is not one whose training matrix you may read.")
    return unit, None


def describe_matrix(params, user):
    unit = Unit.objects.filter(pk=params.get("unit") or 0).first() if str(params.get("unit", "")).isdigit() else None
    if unit is None:
        unit = selectors.default_unit(user)
    if unit is None:
        return []
    scope = _("This unit and its sub-units") if params.get("subunits") != "0" else _("This unit only")
    return [(_("Unit"), str(unit)), (_("People"), scope)]


STATES = {
    selectors.VALID: gettext_lazy("Valid"), selectors.EXPIRING: gettext_lazy("Expires soon"),
    selectors.EXPIRED: gettext_lazy("Expired"), selectors.MISSING: gettext_lazy("Missing"),
    selectors.NOT_REQUIRED: "",
}


def cell_text(cell):
    label = str(STATES[cell.state])
    if cell.until is not None and cell.state != selectors.NOT_REQUIRED:
        return f"{label} {formats.date_format(cell.until, 'SHORT_DATE_FORMAT')}"
    return label


def headers(columns):
    return [_("Unit"), _("Person"), _("User name"), _("Position"), *[c.name for c in columns],
            _("Revisions to be trained on"), _("Gaps"), _("Expiring soon")]


def people_batches(scope, batch=BATCH):
    """The people of ``scope`` in the matrix's order, ``batch`` at a time, each batch read after the
    last person of the one before (unit path, name, id)."""
    from django.db.models import Q

    after = None
    base = scope.select_related("primary_unit").order_by("primary_unit__path", "full_name", "pk")
    while True:
        qs = base
        if after is not None:
            path, name, pk = after
            qs = qs.filter(Q(primary_unit__path__gt=path) | Q(primary_unit__path=path, full_name__gt=name)
                           | Q(primary_unit__path=path, full_name=name, pk__gt=pk))
        chunk = list(qs[:batch])
        if not chunk:
            return
        yield chunk
        last = chunk[-1]
        after = (last.primary_unit.path, last.full_name, last.pk)
        if len(chunk) < batch:
            return


def rows(scope, columns, total, progress=None, batch=BATCH, today=None):
    today = today or timezone.localdate()
    done = 0
    for chunk in people_batches(scope, batch):
        for row in selectors.person_rows(chunk, columns, today):
            person = row.user
            yield [f"{person.primary_unit.code} · {person.primary_unit.name}", person.full_name, person.username,
                   person.position, *[cell_text(c) for c in row.cells],
                   "; ".join(r.label for r in row.missing_revisions), row.gaps, row.expiring]
        done += len(chunk)
        if progress is not None:
            progress(done, total)


def matrix_xlsx(job):
    unit, problem = matrix_unit(job.user, job.params)
    if unit is None:
        raise JobError(problem)
    subunits = job.params.get("subunits") != "0"
    scope = selectors.people(job.user, unit, subunits)
    columns = selectors.required_competences(scope)
    total = scope.count()
    job.progress(0, total, force=True)
    printed = _("Printed %(when)s by %(who)s") % {
        "when": formats.date_format(timezone.localtime(), "SHORT_DATETIME_FORMAT"),
        "who": job.user.full_name or job.user.username}
    preamble = [[_("Training matrix")], [printed],
                ["; ".join(f"{label}: {value}" for label, value in describe_matrix(job.params, job.user))],
                [_("People"), total]]
    write_table("xlsx", job.out, headers=headers(columns), rows=rows(scope, columns, total, job.progress),
                title=_("Training matrix"), preamble=preamble)
    return Output(f"training-matrix-{unit.code}-{timezone.localdate().isoformat()}.xlsx",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
