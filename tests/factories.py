"""Test data, built through the services wherever a rule matters (paths, history, permission checks).

Plain functions, no factory library. Every unit code is unique per call, so a tree can be built
several times in one test database.
"""

import itertools
from types import SimpleNamespace

from qms_portal import services
from qms_portal.models import User

PASSWORD = "pass-word-123"

_seq = itertools.count(1)


def _unique(prefix=""):
    return f"{prefix}{next(_seq)}"


def make_superuser(username=None, **kw):
    """A superuser (created directly: no service may create the first administrator)."""
    username = username or _unique("root")
    existing = User.objects.filter(username=username).first()
    if existing:
        return existing
    kw.setdefault("full_name", f"Superuser {username}")
    kw.setdefault("email", f"{username}@example.org")
    return User.objects.create_superuser(username=username, password=PASSWORD, **kw)


def _acting():
    """The superuser that acts in factories (one per test database)."""
    user = User.objects.filter(username="factory-root").first()
    return user or make_superuser("factory-root", full_name="Factory Root")


_seeded = {}  # what the last full check found: {"key": the database's state then, "ids": {code: pk}}


def _roles_state():
    from django.contrib.auth.models import Permission
    from django.db.models import Max

    from qms_portal.models import Role
    from qms_portal.roles import SYSTEM_ROLES

    system = Role.objects.filter(code__in=SYSTEM_ROLES)
    return (tuple(system.order_by("code").values_list("pk", flat=True)),
            Role.permissions.through.objects.filter(role__in=system).count(),
            Permission.objects.aggregate(newest=Max("pk"))["newest"])


def roles():
    """The seeded system roles, as ``{code: Role}`` (fresh instances), made again with their
    permissions when they are not all there (a browser or migration test empties the database).
    Checking every role's permissions is some 30 queries; when the roles, the count of their
    permissions and the newest permission are those of the last check, three queries and one read
    suffice (a flushed database gives new ids, so it never looks the same)."""
    from qms_portal.models import Role
    from qms_portal.roles import ensure_system_roles

    if _seeded and _seeded["key"] == _roles_state():
        found = Role.objects.in_bulk(_seeded["ids"].values())
        return {code: found[pk] for code, pk in _seeded["ids"].items()}
    seeded = ensure_system_roles()
    _seeded.update(key=_roles_state(), ids={code: role.pk for code, role in seeded.items()})
    return seeded


def make_root(code="CITY", name=None, kind="city", **kw):
    return services.unit_create(
        acting_user=_acting(), code=code, name=name or f"Unit {code}", kind=kind, parent=None, **kw
    )


def make_unit(parent, code, kind="agency", name=None, **kw):
    return services.unit_create(
        acting_user=_acting(), code=code, name=name or f"Unit {code}", kind=kind, parent=parent, **kw
    )


def make_user(username, unit, password=PASSWORD, full_name=None, email=None, language="en", **kw):
    """A user created through ``services.user_create``. Extra keywords (``notification_mode``, …)
    are set through ``services.user_update`` afterwards. ``must_change_password`` is cleared so the
    user can browse the portal at once."""
    user = services.user_create(
        acting_user=_acting(), username=username, full_name=full_name or f"User {username}",
        email=email if email is not None else f"{username}@example.org", primary_unit=unit,
        language=language, password=password,
        **{k: kw.pop(k) for k in ("position", "phone") if k in kw},
    )
    kw.setdefault("must_change_password", False)
    return services.user_update(acting_user=_acting(), user=user, **kw)


def assign(user, role_code, unit, include_subunits=True, acting_user=None):
    """Give ``user`` a role (a code or a Role) on ``unit`` through ``services.role_assign``."""
    role = role_code if not isinstance(role_code, str) else roles()[role_code]
    return services.role_assign(
        acting_user=acting_user or _acting(), user=user, role=role, unit=unit,
        include_subunits=include_subunits, notify_user=False,
    )


def small_tree(prefix=None):
    """city ─┬─ district ─┬─ ward1
             │            └─ ward2
             └─ agency ──── division

    admin: administrator on city (+ sub-units); district_steering: steering committee on district
    (+ sub-units); ward1_staff: staff on ward1; ward1_mr: management representative on ward1;
    outsider: staff on agency."""
    p = prefix if prefix is not None else _unique("T") + "-"
    t = SimpleNamespace(prefix=p, roles=roles(), superuser=_acting())
    t.city = make_root(f"{p}CITY", name=f"City {p}")
    t.district = make_unit(t.city, f"{p}DIST", kind="district", name=f"District {p}")
    t.ward1 = make_unit(t.district, f"{p}W1", kind="ward", name=f"Ward 1 {p}")
    t.ward2 = make_unit(t.district, f"{p}W2", kind="ward", name=f"Ward 2 {p}")
    t.agency = make_unit(t.city, f"{p}AG", kind="agency", name=f"Agency {p}")
    t.division = make_unit(t.agency, f"{p}DIV", kind="division", name=f"Division {p}")

    t.admin = make_user(f"{p}admin", t.city, full_name=f"Admin {p}")
    t.district_steering = make_user(f"{p}steering", t.district, full_name=f"Steering {p}")
    t.ward1_staff = make_user(f"{p}w1staff", t.ward1, full_name=f"Ward1 Staff {p}")
    t.ward1_mr = make_user(f"{p}w1mr", t.ward1, full_name=f"Ward1 MR {p}")
    t.outsider = make_user(f"{p}outsider", t.agency, full_name=f"Outsider {p}")

    r = t.roles
    assign(t.admin, r["administrator"], t.city, include_subunits=True)
    assign(t.district_steering, r["steering_committee"], t.district, include_subunits=True)
    assign(t.ward1_staff, r["staff"], t.ward1, include_subunits=True)
    assign(t.ward1_mr, r["management_representative"], t.ward1, include_subunits=True)
    assign(t.outsider, r["staff"], t.agency, include_subunits=True)
    t.password = PASSWORD
    return t
