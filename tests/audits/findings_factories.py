"""Helpers for the findings part's tests: a unit tree with auditors and auditees, audits placed in
any state (written directly until plan's services exist: the number, the status and the grants plan's
services give — lead and team: view and conduct; lead: sign; auditees: view), and findings recorded
through the findings services."""

import itertools
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from audits.models import Audit
from audits.services import findings as services
from documents.models import Clause
from qms_portal import permissions
from qms_portal.services import save_tracked
from tests import factories
from tests.factories import PASSWORD, assign, make_root, make_unit, make_user
from tests.helpers import built_once, fresh_world

_seq = itertools.count(1)
LEAD = ("view", "change", "audits.conduct_audit", "audits.sign_audit_report")
TEAM = ("view", "audits.conduct_audit")


def make_audit(unit, *, lead=None, team=(), auditees=(), kind=Audit.Kind.INTERNAL, status=Audit.Status.IN_PROGRESS,
               acting_user=None, title=None, certification_body="", days_ago=3, scope_units=()):
    """An audit of ``unit`` in ``status``, with plan's grants to its lead, team and auditees."""
    n = next(_seq)
    starts = timezone.localdate() - timedelta(days=days_ago)
    audit = Audit(number=f"{unit.code}-AU-{n:04}", unit=unit, kind=kind, title=title or f"Đánh giá {n} {unit.code}",
                  starts_on=starts, ends_on=starts + timedelta(days=1), lead_auditor=lead, status=status,
                  certification_body=certification_body or ("QUACERT" if kind != Audit.Kind.INTERNAL else ""))
    save_tracked(audit, acting_user or lead or factories._acting(),
                 m2m={"team": list(team), "auditees": list(auditees), "scope_units": list(scope_units)})
    if lead is not None:
        for perm in LEAD:
            permissions.grant(lead, perm, audit)
    for member in team:
        for perm in TEAM:
            permissions.grant(member, perm, audit)
    for person in auditees:
        permissions.grant(person, "view", audit)
    return audit


def clause(number):
    return Clause.objects.get(number=number)


def record(audit, by, *, grade="minor", unit=None, number="7.5.3", **fields):
    fields.setdefault("description", "Hồ sơ lưu thiếu phiếu kiểm soát quá trình giải quyết.")
    return services.finding_create(acting_user=by, audit=audit, grade=grade, unit=unit or audit.unit,
                                   clause=clause(number) if number else None, **fields)


def findings_setup(prefix=None):
    """root ─┬─ dept ─── office     (the audited agency: office is the audited unit)
             └─ other ─── other_office (out of scope)

    lead (internal auditor on other: audits another unit), member (internal auditor on other),
    head: department head on office; staff: staff on office; iso: document controller on dept;
    mr: management representative on dept; outsider: staff on other_office; auditor_only: an
    internal auditor of dept who is on no audit; owner1, owner2: staff on office (actions' owners);
    nobody: a member of dept without a role."""
    p = prefix or f"F{next(_seq)}x{factories._unique()}-"
    s = SimpleNamespace(prefix=p, password=PASSWORD, roles=factories.roles())
    s.root = make_root(f"{p}CITY", name=f"Tỉnh {p}")
    s.dept = make_unit(s.root, f"{p}SNV", kind="agency", name=f"Sở Nội vụ {p}")
    s.office = make_unit(s.dept, f"{p}VP", kind="office", name=f"Văn phòng {p}")
    s.other = make_unit(s.root, f"{p}STC", kind="agency", name=f"Sở Tài chính {p}")
    s.other_office = make_unit(s.other, f"{p}STC-VP", kind="office", name=f"Văn phòng STC {p}")

    def person(name, unit, role=None, role_unit=None):
        user = make_user(f"{p}{name}".lower(), unit, full_name=f"{name.title()} {p}")
        if role:
            assign(user, s.roles[role], role_unit or unit, include_subunits=True)
        return user

    s.lead = person("lead", s.other, "internal_auditor")
    s.member = person("member", s.other, "internal_auditor")
    s.head = person("head", s.office, "department_head")
    s.staff = person("staff", s.office, "staff")
    s.iso = person("iso", s.dept, "document_controller")
    s.mr = person("mr", s.dept, "management_representative")
    s.owner1 = person("owner1", s.office, "staff")
    s.owner2 = person("owner2", s.office, "staff")
    s.outsider = person("outsider", s.other_office, "staff")
    s.auditor_only = person("auditoronly", s.dept, "internal_auditor")
    s.nobody = person("nobody", s.dept)
    return s


@pytest.fixture(scope="module")
def _fs_world(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker, findings_setup) as world:
        yield world


@pytest.fixture
def fs(_fs_world, db, settings, tmp_path):
    """The findings test world, every person and unit read afresh (no permission cache passes
    between tests); uploads go to the test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return fresh_world(_fs_world)


def fresh(user):
    permissions.forget(user)
    return user
