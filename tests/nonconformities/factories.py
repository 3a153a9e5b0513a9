"""Helpers for the nonconformities tests: a unit tree with the people of clause 10.2, and
nonconformities driven through the services to any state."""

import itertools
from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from nonconformities import services
from nonconformities.models import Nonconformity
from tests import factories
from tests.factories import PASSWORD, assign, make_root, make_unit, make_user

_seq = itertools.count(1)


def nc_setup(prefix=None):
    """root ─┬─ dept ─── office
             └─ other (out of scope)

    staff: staff on office; reporter: staff on dept; head: department head on dept (+ sub-units);
    iso: document controller (ISO officer) on dept; mr: management representative on dept;
    auditor: internal auditor on dept;
    owner1, owner2: staff on dept; outsider: staff on other; nobody: a member of dept without a role."""
    p = prefix or f"N{next(_seq)}x{factories._unique()}-"
    s = SimpleNamespace(prefix=p, password=PASSWORD, roles=factories.roles())
    s.root = make_root(f"{p}CITY", name=f"Thành phố {p}")
    s.dept = make_unit(s.root, f"{p}SNV", kind="agency", name=f"Sở Nội vụ {p}")
    s.office = make_unit(s.dept, f"{p}OFF", kind="office", name=f"Văn phòng {p}")
    s.other = make_unit(s.root, f"{p}OTH", kind="agency", name=f"Sở Tài chính {p}")

    def person(name, unit, role=None, role_unit=None):
        user = make_user(f"{p}{name}".lower(), unit, full_name=f"{name.title()} {p}")
        if role:
            assign(user, s.roles[role], role_unit or unit, include_subunits=True)
        return user

    s.staff = person("staff", s.office, "staff")
    s.reporter = person("reporter", s.dept, "staff")
    s.head = person("head", s.dept, "department_head")
    s.iso = person("iso", s.dept, "document_controller")
    s.mr = person("mr", s.dept, "management_representative")
    s.auditor = person("auditor", s.dept, "internal_auditor")
    s.owner1 = person("owner1", s.dept, "staff")
    s.owner2 = person("owner2", s.dept, "staff")
    s.outsider = person("outsider", s.other, "staff")
    s.nobody = person("nobody", s.dept)
    return s


def raise_nc(s, *, unit=None, by=None, source=Nonconformity.Source.STAFF_REPORT, **fields):
    fields.setdefault("title", f"Hồ sơ trả chậm {next(_seq)}")
    fields.setdefault("description", "Hồ sơ của công dân được giải quyết sau thời hạn.")
    return services.nonconformity_create(acting_user=by or s.reporter, unit=unit or s.dept, source=source, **fields)


def in_future(days=14):
    return timezone.localdate() + timedelta(days=days)


def analysed(s, nc=None, root_cause="Không có bước kiểm tra thời hạn trong quy trình."):
    """Accepted, cause analysed (root cause recorded): in the action plan."""
    nc = nc or raise_nc(s)
    services.nonconformity_transition(acting_user=s.iso, nonconformity=nc, name="accept")
    services.nonconformity_transition(acting_user=s.head, nonconformity=nc, name="start_analysis")
    services.nonconformity_update_analysis(acting_user=s.head, nonconformity=nc, root_cause=root_cause,
                                           five_whys=["Trả chậm", "Không theo dõi hạn"],
                                           fishbone={"method": ["Quy trình thiếu bước kiểm tra"]})
    services.nonconformity_transition(acting_user=s.head, nonconformity=nc, name="plan")
    nc.refresh_from_db()
    return nc


def planned(s, nc=None, owners=None):
    """In progress with one action per owner (owner1 and owner2 by default)."""
    nc = analysed(s, nc)
    actions = [services.action_create(acting_user=s.head, nonconformity=nc, description=f"Hành động {i}",
                                      owner=owner, due=in_future())
               for i, owner in enumerate(owners or [s.owner1, s.owner2], start=1)]
    services.nonconformity_transition(acting_user=s.head, nonconformity=nc, name="start")
    nc.refresh_from_db()
    return nc, actions


def to_verification(s, nc=None):
    nc, actions = planned(s, nc)
    for action in actions:
        services.action_complete(acting_user=action.owner, action=action, completion_note="Đã bổ sung bước kiểm tra")
    services.nonconformity_transition(acting_user=s.head, nonconformity=nc, name="submit_for_verification")
    nc.refresh_from_db()
    return nc, actions


def close(s, nc):
    return services.nonconformity_transition(acting_user=s.mr, nonconformity=nc, name="close", password=PASSWORD,
                                             data={"verification_note": "Ba tháng không còn hồ sơ trễ hạn."})
