"""Helpers for the audits tests (plan part): an agency that runs its own QMS with the people of
clause 9.2, and audits and programmes made through the services. Other parts may build on them:
``plan_world()`` then ``make_audit(w, ...)`` / ``audit_in(w, "in_progress")``."""

import itertools
from datetime import date, timedelta
from types import SimpleNamespace

from django.utils import timezone

from audits.models import Audit
from audits.services import plan as services
from audits.services import plan_programme
from tests import factories
from tests.factories import PASSWORD, assign, make_root, make_unit, make_user

_seq = itertools.count(1)


def plan_world(prefix=None):
    """root ─┬─ agency (runs its own QMS) ─┬─ dept1 ── office1
             │                             └─ dept2
             └─ other (runs its own QMS, out of scope)

    mr: management representative on agency; iso: document controller (ISO officer) on agency;
    steering: steering committee on root; auditor1 (works in dept1), auditor2 (office1), auditor3
    (dept2): internal auditors on agency; auditee1, auditee2: staff of dept2 (auditee2 reads
    Vietnamese); head2: department head of dept2; outsider: staff of other; nobody: no role."""
    p = prefix or f"A{next(_seq)}x{factories._unique()}-"
    w = SimpleNamespace(prefix=p, password=PASSWORD, roles=factories.roles())
    w.root = make_root(f"{p}CITY", name=f"City {p}")
    w.agency = make_unit(w.root, f"{p}AG", kind="agency", name=f"Sở Nội vụ {p}", runs_own_qms=True)
    w.dept1 = make_unit(w.agency, f"{p}D1", kind="division", name=f"Phòng Tổ chức {p}")
    w.office1 = make_unit(w.dept1, f"{p}O1", kind="office", name=f"Tổ văn thư {p}")
    w.dept2 = make_unit(w.agency, f"{p}D2", kind="division", name=f"Phòng Cải cách hành chính {p}")
    w.other = make_unit(w.root, f"{p}OT", kind="agency", name=f"Sở Tài chính {p}", runs_own_qms=True)

    def person(name, unit, role=None, role_unit=None, language="en"):
        user = make_user(f"{p}{name}".lower(), unit, full_name=f"{name.title()} {p}", language=language)
        if role:
            assign(user, w.roles[role], role_unit or unit, include_subunits=True)
        return user

    w.mr = person("mr", w.agency, "management_representative")
    w.iso = person("iso", w.agency, "document_controller")
    w.steering = person("steering", w.root, "steering_committee")
    w.auditor1 = person("auditor1", w.dept1, "internal_auditor", w.agency)
    w.auditor2 = person("auditor2", w.office1, "internal_auditor", w.agency)
    w.auditor3 = person("auditor3", w.dept2, "internal_auditor", w.agency)
    w.auditee1 = person("auditee1", w.dept2, "staff")
    w.auditee2 = person("auditee2", w.dept2, "staff", language="vi")
    w.head2 = person("head2", w.dept2, "department_head")
    w.outsider = person("outsider", w.other, "staff")
    w.nobody = person("nobody", w.agency)
    return w


def on_mid_july(patch):
    """Make today mid-July of this year through ``patch`` (a MonkeyPatch): a programme's months
    before it are behind when not done, those after it not yet due. Returns the day."""
    fixed = date(timezone.localdate().year, 7, 15)
    patch.setattr(timezone, "localdate", lambda *args, **kwargs: fixed)
    return fixed


def days(n):
    return timezone.localdate() + timedelta(days=n)


def make_audit(w, *, by=None, unit=None, start=10, length=1, lead="auditor1", team=("auditor2",),
               auditees=("auditee1", "auditee2"), scope=None, **fields):
    """An internal audit of dept2 (by default) planned by the ISO officer, starting ``start`` days
    from today, lasting ``length`` days."""
    fields.setdefault("title", f"Đánh giá nội bộ {next(_seq)}")
    unit = unit or w.agency
    return services.audit_create(
        acting_user=by or w.iso, unit=unit, starts_on=days(start), ends_on=days(start + length - 1),
        lead_auditor=getattr(w, lead) if isinstance(lead, str) else lead,  # None: no lead yet
        team=[getattr(w, t) for t in team], auditees=[getattr(w, a) for a in auditees],
        scope_units=scope if scope is not None else [w.dept2], **fields)


STEPS = {
    Audit.Status.PLANNED: [],
    Audit.Status.NOTIFIED: [("notify", "iso")],
    Audit.Status.IN_PROGRESS: [("notify", "iso"), ("start", "lead")],
    Audit.Status.REPORTING: [("notify", "iso"), ("start", "lead"), ("report", "lead")],
}


def audit_in(w, status, **kwargs):
    """An audit driven through the workflow to ``status`` (not closed: see ``close_audit``)."""
    audit = make_audit(w, **kwargs)
    for name, who in STEPS[status]:
        user = audit.lead_auditor if who == "lead" else getattr(w, who)
        services.audit_transition(acting_user=user, audit=audit, name=name)
    audit.refresh_from_db()
    return audit


def write_conclusion(audit, user, text="Hệ thống được duy trì phù hợp."):
    """The report's conclusion (the findings part owns its editing; written here for the tests)."""
    from qms_portal.services import save_tracked

    audit.conclusion = text
    save_tracked(audit, user)
    return audit


def close_audit(w, audit):
    write_conclusion(audit, audit.lead_auditor)
    services.audit_transition(acting_user=audit.lead_auditor, audit=audit, name="close", password=PASSWORD)
    audit.refresh_from_db()
    return audit


def make_programme(w, *, unit=None, year=None, by=None, entries=()):
    """A draft programme of the agency for ``year`` (this year) with ``entries``: (unit, month, [clause numbers])."""
    from documents.models import Clause

    by = by or w.iso
    programme = plan_programme.programme_create(acting_user=by, unit=unit or w.agency,
                                                year=year or timezone.localdate().year, title="Chương trình đánh giá")
    for entry_unit, month, clauses in entries:
        plan_programme.programme_entry_add(acting_user=by, programme=programme, unit=entry_unit, planned_month=month,
                                           clauses=list(Clause.objects.filter(number__in=clauses)))
    return programme
