"""Reads of the programme and the audit plans: the audit list, an audit's people, the programme's
coverage grid (units × clauses: planned, late, done, gaps) and planned-vs-done by month."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms_portal import charts
from qms_portal.links import pk_url
from qms_portal.models import Unit

from ..models import Audit, AuditProgramme, ProgrammeEntry

# The main clauses of ISO 9001:2015 that the grid's columns show (an entry on 7.5 covers "7").
MAIN_CLAUSES = ("4", "5", "6", "7", "8", "9", "10")
DONE_STATUSES = (Audit.Status.REPORTING, Audit.Status.CLOSED)
# From this month on, a unit or clause still not planned for the year is a gap to act on.
GAP_WARNING_MONTH = 10

LEVELS = (
    ("gap", _("Not planned"), "–"),
    ("planned", _("Planned"), "○"),
    ("late", _("Planned, month passed"), "!"),
    ("done", _("Audited"), "✓"),
)


def audit_list_queryset(user):
    """The audits ``user`` may see, with what the list shows: one query whatever the rows."""
    return (Audit.objects.restrict(user, "view").select_related("unit", "lead_auditor")
            .defer("summary", "conclusion", "criteria_note", "external_auditors", "search_key"))


def audit_people(audit):
    return {"team": list(audit.team.only("pk", "full_name", "username").order_by("full_name")),
            "auditees": list(audit.auditees.only("pk", "full_name", "username").order_by("full_name"))}


def main_clause(number):
    return number.split(".", 1)[0]


def grid_units(programme):
    """The units a programme covers: its unit and every active unit below it, except the subtrees
    of units that run their own quality management system (they have their own programme). Read
    as values (``GridUnit``: pk, code, name, path): a province's grid has hundreds."""
    rows = (Unit.objects.filter(is_active=True, path__startswith=programme.unit.path).order_by("path")
            .values_list("pk", "code", "name", "path", "runs_own_qms"))
    units = [GridUnit(pk, code, name, path, own) for pk, code, name, path, own in rows]
    own = [u.path for u in units if u.runs_own_qms and u.pk != programme.unit_id]
    kept = [u for u in units if u.pk == programme.unit_id or not any(u.path.startswith(p) for p in own)]
    return sorted(kept, key=lambda u: (u.pk != programme.unit_id, u.code))  # the unit first, then by code


@dataclass
class GridUnit:
    pk: int
    code: str
    name: str
    path: str
    runs_own_qms: bool

    def __str__(self):
        return self.name


@dataclass
class Coverage:
    units: list
    cells: dict  # (unit id, main clause) → level
    entries: list
    planned_by_month: list = field(default_factory=list)
    done_by_month: list = field(default_factory=list)
    unplanned_units: list = field(default_factory=list)
    late_entries: list = field(default_factory=list)
    uncovered_clauses: list = field(default_factory=list)
    warn: bool = False

    @property
    def gap_count(self):
        return len(self.unplanned_units) + len(self.late_entries) + len(self.uncovered_clauses)


def coverage(programme, today=None, entries=None):
    """What the programme plans and what was done, per unit and main clause. A fixed number of
    queries whatever the number of units (four; one when ``entries`` come from
    ``entries_with_audits``)."""
    today = today or timezone.localdate()
    units = grid_units(programme)
    entries = list(entries if entries is not None else entries_with_audits(programme))
    past_month = 12 if today.year > programme.year else (today.month - 1 if today.year == programme.year else 0)
    rank = {key: i for i, (key, _l, _m) in enumerate(LEVELS)}
    cells = {}
    planned, done = [0] * 12, [0] * 12
    late = []
    for entry in entries:
        is_done = any(a.status in DONE_STATUSES for a in entry.audit_rows)
        level = "done" if is_done else ("late" if entry.planned_month <= past_month else "planned")
        entry.level = level
        planned[entry.planned_month - 1] += 1
        if is_done:
            done[entry.planned_month - 1] += 1
        elif level == "late":
            late.append(entry)
        mains = {main_clause(number) for number in entry.clause_numbers} or set(MAIN_CLAUSES)
        for main in mains:
            key = (entry.unit_id, main)
            if rank[level] > rank.get(cells.get(key), -1):
                cells[key] = level
    for unit in units:
        for main in MAIN_CLAUSES:
            cells.setdefault((unit.pk, main), "gap")
    planned_units = {e.unit_id for e in entries}
    covered = {main for (_u, main), level in cells.items() if level != "gap"}
    return Coverage(
        units=units, cells=cells, entries=entries, planned_by_month=planned, done_by_month=done,
        unplanned_units=[u for u in units if u.pk not in planned_units], late_entries=late,
        uncovered_clauses=[c for c in MAIN_CLAUSES if c not in covered],
        warn=programme.year < today.year or (programme.year == today.year and today.month >= GAP_WARNING_MONTH),
    )


def coverage_chart(programme, cov):
    rows = [(u.pk, f"{u.code} {u.name}") for u in cov.units]
    columns = [(c, str(c)) for c in MAIN_CLAUSES]
    return charts.heatmap(rows, columns, cov.cells, title=_("Coverage: units × ISO 9001 clauses"),
                          legend=LEVELS, category_label=_("Unit"))


def month_chart(cov):
    months = [str(m) for m in range(1, 13)]
    return charts.bar(months, {str(_("Planned")): cov.planned_by_month, str(_("Audited")): cov.done_by_month},
                      title=_("Planned and audited, by month"), horizontal=False)


def programme_list_queryset(user):
    return AuditProgramme.objects.restrict(user, "view").select_related("unit", "approved_by")


def entries_with_audits(programme):
    """The programme's lines with what the page and the grid show, in four lean queries whatever
    their number (a province's programme has a line per unit): each entry's ``clause_numbers``,
    ``procedure_codes`` and ``audit_rows`` (``AuditRow``: pk, number, status, its label) are read as
    values, not as model instances through per-entry managers (``Line``)."""
    entries = [Line(pk, month, note, unit_id, GridUnit(unit_id, code, name, "", False))
               for pk, month, note, unit_id, code, name in ProgrammeEntry.objects.filter(programme=programme)
               .order_by("planned_month", "unit__code", "id")
               .values_list("pk", "planned_month", "note", "unit_id", "unit__code", "unit__name")]
    clauses, procedures, audits = defaultdict(list), defaultdict(list), defaultdict(list)
    through = ProgrammeEntry.clauses.through.objects.filter(programmeentry__programme=programme)
    for entry_id, number, key in through.values_list("programmeentry_id", "clause__number", "clause__sort_key"):
        clauses[entry_id].append((key, number))
    through = ProgrammeEntry.procedures.through.objects.filter(programmeentry__programme=programme)
    for entry_id, code in through.values_list("programmeentry_id", "document__code"):
        procedures[entry_id].append(code)
    labels = dict(Audit.Status.choices)
    for entry_id, pk, number, status in (Audit.objects.filter(programme_entry__programme=programme)
                                         .order_by("starts_on", "pk")
                                         .values_list("programme_entry_id", "pk", "number", "status")):
        audits[entry_id].append(AuditRow(pk, number, status, labels.get(status, status)))
    for entry in entries:
        entry.clause_numbers = [number for _key, number in sorted(clauses.get(entry.pk, ()))]
        entry.procedure_codes = sorted(procedures.get(entry.pk, ()))
        entry.audit_rows = audits.get(entry.pk, [])
    return entries


class Line:
    """A programme line as the page and the grid read it (``entries_with_audits``)."""

    def __init__(self, pk, planned_month, note, unit_id, unit):
        self.pk, self.planned_month, self.note, self.unit_id, self.unit = pk, planned_month, note, unit_id, unit


@dataclass
class AuditRow:
    pk: int
    number: str
    status: str
    status_label: object

    def get_absolute_url(self):
        return pk_url("audits:audit_detail", self.pk)


def audits_of_user(user, *, statuses=None):
    """Audits ``user`` leads or is on (through the team)."""
    rows = Audit.objects.filter(Q(lead_auditor=user) | Q(pk__in=Audit.team.through.objects.filter(
        user=user).values("audit_id")))
    if statuses is not None:
        rows = rows.filter(status__in=statuses)
    return rows


# --- The audit plan as a PDF -------------------------------------------------------------------------


def plan_schedule(audit, units):
    """The plan's days: the opening meeting on the first, the units audited shared out over the
    working days (every day when the audit has none, a weekend visit), the closing meeting on the
    last; then the report's due date and, for a certification body's audit, the response's. Drawn
    from the plan (the portal keeps no hour-by-hour agenda): ``[(date, [what, …]), …]``."""
    from datetime import timedelta

    days = [audit.starts_on + timedelta(days=n) for n in range((audit.ends_on - audit.starts_on).days + 1)]
    working = [d for d in days if d.weekday() < 5] or days
    rows = {d: [] for d in working}
    rows.setdefault(audit.starts_on, []).append(_("Opening meeting with the auditees"))
    per_day = -(-len(units) // len(working)) if units else 0  # rounded up: the first days carry more
    for n, unit in enumerate(units):
        rows[working[min(n // per_day, len(working) - 1)]].append(_("On site: %(unit)s") % {"unit": unit.name})
    rows.setdefault(audit.ends_on, []).append(_("Closing meeting: the findings are presented to the auditees"))
    schedule = sorted(rows.items())
    if audit.report_due:
        schedule.append((audit.report_due, [_("Report due")]))
    if audit.is_external and audit.response_due:
        schedule.append((audit.response_due, [_("Response due to the certification body")]))
    return schedule


def plan_pdf_context(audit, user):
    """What the audit plan's PDF prints: scope (units, processes), criteria (clauses, other),
    dates, the lead auditor, the team (and the certification body's auditors), the auditees and the
    schedule, in the reader's language, Chinese text in its own face."""
    from qms_portal.pdf import han_variant

    audit = (Audit.objects.select_related("unit", "lead_auditor", "programme_entry__programme")
             .get(pk=audit.pk))
    units = list(audit.scope_units.only("pk", "code", "name", "path").order_by("path")) or [audit.unit]
    processes = list(audit.processes.only("pk", "code", "title").order_by("code", "pk"))
    clauses = list(audit.clauses.order_by("pk"))
    team = [u for u in audit.team.order_by("full_name", "username") if u.pk != audit.lead_auditor_id]
    auditees = list(audit.auditees.select_related("primary_unit").order_by("full_name", "username"))
    external = [n.strip() for n in audit.external_auditors.splitlines() if n.strip()]
    texts = [audit.title, audit.unit.name, audit.criteria_note, audit.certification_body, *external,
             *(u.name for u in units), *(d.title for d in processes),
             *(p.full_name for p in [audit.lead_auditor, *team, *auditees] if p is not None)]
    return {
        "audit": audit, "units": units, "processes": processes, "clauses": clauses, "team": team,
        "auditees": auditees, "external_auditors": external, "schedule": plan_schedule(audit, units),
        "han": han_variant(*texts), "printed_by": user, "printed_at": timezone.now(),
    }
