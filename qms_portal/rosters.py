"""The role roster of a unit and of every unit below it — who holds which role, since when, granted
by whom — as a PDF. A background job (``qms_portal.jobs``): a province's roster lists thousands of
assignments, which no request may take the time to lay out. Registered by the core itself
(``apps.py``), the way an area registers its kinds."""

from django.template.defaultfilters import yesno
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .jobs import JobError, JobKind, Output
from .models import RoleAssignment, Unit
from .pdftable import Column, TablePdf, printed_line
from .permissions import can
from .selectors import assignments_held

KIND = "qms_portal.unit_roster_pdf"
BATCH = 500


def job_kinds():
    return [JobKind(KIND, gettext_lazy("Role roster (PDF)"), run="qms_portal.rosters.unit_roster_pdf",
                    permission="qms_portal.view_roster", describe="qms_portal.rosters.describe_roster")]


def _unit(params, user):
    unit = Unit.objects.filter(pk=params.get("unit")).first()
    return unit if unit is not None and can(user, "qms_portal.view_roster", unit) else None


def _on(params):
    """The day the roster is printed for (``params["on"]``, an ISO date), or None for today's."""
    from datetime import date

    try:
        return date.fromisoformat(params["on"]) if params.get("on") else None
    except (TypeError, ValueError):
        return None


def describe_roster(params, user):
    unit = _unit(params, user)
    lines = [(_("Unit"), f"{unit.code} · {unit.name}")] if unit is not None else []
    on = _on(params)
    if on is not None:
        lines.append((_("Date"), formats.date_format(on, "DATE_FORMAT")))
    return lines


def _rows(ids, progress, on):
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        found = RoleAssignment.objects.filter(pk__in=chunk).select_related("user", "role", "unit", "granted_by")
        by_id = {a.pk: a for a in found}
        for pk in chunk:
            a = by_id.get(pk)
            if a is not None:
                row = [f"{a.unit.code} · {a.unit.name}", a.user.full_name or a.user.username, a.user.position,
                       str(a.role), yesno(a.include_subunits), formats.date_format(a.created_at, "SHORT_DATE_FORMAT"),
                       (a.granted_by.full_name or a.granted_by.username) if a.granted_by else "—"]
                if on is not None:
                    row.append(formats.date_format(timezone.localtime(a.ended_at), "SHORT_DATETIME_FORMAT")
                               if a.ended_at else "—")
                yield row
        progress(start + len(chunk), len(ids))


def unit_roster_pdf(job):
    unit = _unit(job.params, job.user)
    if unit is None:
        raise JobError(_("You may no longer see the roster of this unit."))
    on = _on(job.params)
    assignments = RoleAssignment.objects.filter(unit__path__startswith=unit.path)
    if on is None:
        assignments = assignments.current().filter(unit__is_active=True, user__is_active=True)
    else:
        # As it was that day: whoever held a role at some moment of it, even if ended since.
        assignments = assignments_held(assignments, on)
    ids = list(assignments.order_by("unit__path", "role__name", "user__full_name", "created_at", "pk")
               .values_list("pk", flat=True))
    job.progress(0, len(ids), force=True)
    title = _("Role roster") if on is None else _("Role roster on %(date)s") % {
        "date": formats.date_format(on, "DATE_FORMAT")}
    printed = printed_line(job.user)
    pdf = TablePdf(job.out, language=job.language, title=f"{title} {unit.code}",
                   header=f"{unit.code} · {unit.name} — {title}", footer=printed)
    pdf.heading(title)
    pdf.paragraph(f"{unit.name} ({unit.code})")
    if not ids:
        pdf.paragraph(_("No roles are assigned on this unit."))
    else:
        columns = [Column(_("Unit"), 22), Column(_("Person"), 16), Column(_("Position"), 13), Column(_("Role"), 16),
                   Column(_("Includes sub-units"), 8, "center"), Column(_("Since"), 9), Column(_("Granted by"), 16)]
        if on is not None:
            columns.append(Column(_("Ended"), 12))
        pdf.table(columns, _rows(ids, job.progress, on))
    pdf.close()
    suffix = f"-{on.isoformat()}" if on else ""
    return Output(f"roster-{unit.code}{suffix}.pdf", "application/pdf")
