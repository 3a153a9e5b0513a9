"""Test data of the checklist part: audits made directly (the plan part's services make them in the
product; here they are only the stage the checklist is played on), with the single-object grants
the plan gives its lead auditor and team (view, conduct), and procedures with steps."""

import itertools
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from audits.models import Audit
from qms_portal import permissions
from qms_portal.services import save_tracked
from tests import factories

_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Photos go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


def make_audit(unit, *, status=Audit.Status.IN_PROGRESS, lead=None, team=(), auditees=(), title=None,
               clauses=(), processes=(), acting_user=None, starts_on=None):
    acting = acting_user or factories.make_superuser("factory-root")
    starts = starts_on or timezone.localdate()
    n = next(_seq)
    audit = Audit(number=f"AUD-CL-{uuid.uuid4().hex[:6]}-{n}", unit=unit, title=title or f"Đánh giá nội bộ {n}",
                  starts_on=starts, ends_on=starts + timedelta(days=1), status=status, lead_auditor=lead)
    save_tracked(audit, acting, m2m={"clauses": list(clauses), "processes": list(processes),
                                     "team": list(team), "auditees": list(auditees)})
    for person in [p for p in (lead, *team) if p is not None]:
        permissions.grant(person, "view", audit)
        permissions.grant(person, "audits.conduct_audit", audit)
    for person in auditees:
        permissions.grant(person, "view", audit)
    return audit


def set_status(audit, status):
    audit = Audit.objects.get(pk=audit.pk)
    audit.status = status
    return save_tracked(audit, factories.make_superuser("factory-root"))


def clauses(*numbers):
    from documents.models import Clause
    from documents.services.register import ensure_clauses

    ensure_clauses()  # a browser test's database is emptied after each test, the catalogue with it

    return list(Clause.objects.filter(number__in=numbers).order_by("sort_key"))


def key():
    return str(uuid.uuid4())


def checklist_world(prefix=None):
    """A small tree; on ward1 an audit in progress led by ``lead`` with ``member`` on its team and
    ``auditee`` audited; ``internal`` an internal auditor of the district who is not on it."""
    tree = factories.small_tree(prefix)
    w = SimpleNamespace(tree=tree)
    w.lead = factories.make_user(f"{tree.prefix}lead", tree.district, full_name="Trưởng đoàn Lê Văn An")
    w.member = factories.make_user(f"{tree.prefix}member", tree.district, full_name="Thành viên Trần Thị Bình")
    w.auditee = factories.make_user(f"{tree.prefix}auditee", tree.ward1, full_name="Phạm Văn Cường")
    w.internal = factories.make_user(f"{tree.prefix}internal", tree.district, full_name="Nguyễn Văn Dũng")
    for person in (w.lead, w.member, w.internal):
        factories.assign(person, "internal_auditor", tree.district, include_subunits=True)
    w.audit = make_audit(tree.ward1, lead=w.lead, team=[w.member], auditees=[w.auditee],
                         clauses=clauses("7.5", "8.5"))
    return w
