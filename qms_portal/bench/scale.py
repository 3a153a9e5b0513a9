"""The core's province-sized benchmark data (``manage.py seed_scale``).

``build_scale()`` makes a province-sized tree fast: units are bulk-created level by level with
their ``key``/``path``/``depth`` computed here (the same format as ``Unit.compute_path``), people
in one ``bulk_create`` with one password hash computed once, role assignments and access requests
in bulk, and a history row for every tracked row through ``bulk_create_with_history``. Each area
adds its own data through the scale builder it registers (``areas.register(scale=…)``).
"""

import math
import random
import time
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from ..models import (
    AccessRequest,
    AccessRequestUserObjectPermission,
    Notification,
    RoleAssignment,
    Unit,
    User,
    new_unit_key,
    nfc,
    refresh_search_key,
)
from ..notifications import stored_params
from ..roles import ensure_system_roles
from ..steering.models import ENDING, PHASES, Phase, UnitRollout

BENCH_PASSWORD = "bench-pass-2026"
BENCH_ADMIN = "bench-admin"
BENCH_WARD = "bench-ward"

# --- Names (Vietnamese: a province of Vietnam is the largest tree the portal serves) ---------------

_AGENCIES = [
    "Sở Tư pháp", "Sở Tài chính", "Sở Xây dựng", "Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Nội vụ",
    "Sở Công Thương", "Sở Giao thông vận tải", "Sở Tài nguyên và Môi trường", "Sở Kế hoạch và Đầu tư",
    "Sở Lao động – Thương binh và Xã hội", "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Nông nghiệp và Phát triển nông thôn", "Sở Khoa học và Công nghệ", "Sở Thông tin và Truyền thông",
    "Thanh tra tỉnh",
]
_DISTRICTS = ["Quận", "Huyện", "Thị xã"]
_DIVISIONS = [
    "Văn phòng", "Phòng Pháp chế", "Phòng Kế hoạch – Tài chính", "Phòng Tổ chức cán bộ", "Thanh tra",
    "Phòng Cải cách hành chính", "Phòng Quản lý chuyên ngành", "Bộ phận một cửa",
]
_OFFICES = [
    "Văn phòng HĐND và UBND", "Phòng Nội vụ", "Phòng Tư pháp", "Phòng Tài chính – Kế hoạch",
    "Phòng Tài nguyên và Môi trường", "Phòng Lao động – Thương binh và Xã hội", "Phòng Văn hóa và Thông tin",
    "Phòng Giáo dục và Đào tạo", "Phòng Y tế", "Thanh tra", "Phòng Kinh tế", "Phòng Quản lý đô thị",
]
_SURNAMES = ["Nguyễn"] * 8 + ["Trần"] * 3 + ["Lê"] * 2 + ["Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ",
                                                          "Ngô", "Dương", "Lý"]
_MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Quốc", "Thu", "Hữu", "Thanh", "Xuân"]
_GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương", "Khánh",
          "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Ngọc", "Phong", "Phương", "Quang", "Sơn", "Tâm",
          "Thảo", "Thắng", "Trang", "Tuấn", "Vân", "Yến"]
_POSITIONS = ["Chuyên viên", "Công chức", "Phó Trưởng phòng", "Trưởng phòng", "Cán bộ một cửa", "Thư ký ISO"]
_JUSTIFICATIONS = [
    "Được phân công làm thư ký ISO của đơn vị.",
    "Tham gia đoàn đánh giá nội bộ năm nay.",
    "Thay thế cán bộ nghỉ hưu, cần quyền xem quy trình của đơn vị.",
    "Được bổ nhiệm phụ trách bộ phận một cửa.",
]


class ScaleExists(Exception):
    """The benchmark tree is already there."""


def _unit(code, name, kind, parent, phase):
    unit = Unit(code=code, name=nfc(name), kind=kind, parent=parent, key=new_unit_key(),
                runs_own_qms=kind in (Unit.Kind.CITY, Unit.Kind.AGENCY, Unit.Kind.DISTRICT))
    # The same format as Unit.compute_path, without reading the parent again.
    unit.path = (parent.path if parent is not None else "/") + unit.key + "/"
    unit.depth = unit.path.count("/") - 2
    unit.scale_phase = phase  # its rollout's (``_rollouts``)
    refresh_search_key(unit)  # bulk_create calls no save()
    return unit


def _rollouts(units, rng, today):
    """Each unit's rollout in the phase it was planned in, with a plan of 60 to 120 days a phase
    from its start and the phases before it completed (some late against plan)."""
    rows = []
    for unit in units:
        phase = unit.scale_phase
        index = PHASES.index(phase)
        step = rng.randint(60, 120)
        start = today - timedelta(days=step * index + rng.randint(10, 60))
        rollout = UnitRollout(unit=unit, phase=phase, planned_start=start, started_on=start,
                              phase_since=start + timedelta(days=step * index))
        for number, code in enumerate(ENDING):
            planned = start + timedelta(days=int(step * (number + 1) * rng.choice((0.8, 1, 1.2))))
            setattr(rollout, f"planned_{code}", planned)
            if number < index:
                setattr(rollout, f"done_{code}", start + timedelta(days=step * (number + 1)))
        rows.append(rollout)
    return rows


def _plan_units(total, prefix, parent, rng):
    """The root (None under an existing ``parent``), the first level below it (agencies and districts,
    about the square root of the total) and how many units go one level further down."""
    phases = PHASES
    root = None
    if parent is None:
        root = _unit(prefix, f"Tỉnh Mẫu {prefix} (benchmark)", Unit.Kind.CITY, None, Phase.IMPLEMENTATION)
        top, remaining = root, total - 1
    else:
        top, remaining = parent, total
    if remaining <= 0:
        return root, [], 0
    first = max(1, min(remaining, round(math.sqrt(remaining))))
    level1 = []
    for i in range(1, first + 1):
        if i % 2:
            name = f"{_DISTRICTS[(i // 2) % len(_DISTRICTS)]} {i // 2 + 1}"
            level1.append(_unit(f"{prefix}-D{i:03d}", name, Unit.Kind.DISTRICT, top, rng.choice(phases)))
        else:
            name = _AGENCIES[(i // 2 - 1) % len(_AGENCIES)]
            if i // 2 > len(_AGENCIES):
                name += f" {i // 2}"
            level1.append(_unit(f"{prefix}-A{i:03d}", name, Unit.Kind.AGENCY, top, rng.choice(phases)))
    return root, level1, remaining - first


def _children(level1, count, rng):
    phases = PHASES
    made = {u.pk: 0 for u in level1}
    rows = []
    for n in range(count):
        parent = level1[n % len(level1)]
        made[parent.pk] += 1
        j = made[parent.pk]
        if parent.kind == Unit.Kind.DISTRICT:
            if j % 3 == 0:
                code, name, kind = f"{parent.code}-O{j:03d}", _OFFICES[(j // 3 - 1) % len(_OFFICES)], Unit.Kind.OFFICE
            else:
                code, name, kind = f"{parent.code}-W{j:03d}", f"Phường {j - j // 3}", Unit.Kind.WARD
        else:
            code, name, kind = f"{parent.code}-V{j:03d}", _DIVISIONS[(j - 1) % len(_DIVISIONS)], Unit.Kind.DIVISION
            if j > len(_DIVISIONS):
                name += f" {j}"
        rows.append(_unit(code, name, kind, parent, rng.choice(phases)))
    return rows


def _full_name(rng):
    return nfc(f"{rng.choice(_SURNAMES)} {rng.choice(_MIDDLE)} {rng.choice(_GIVEN)}")


@transaction.atomic
def build_scale(*, units=250, users=5000, prefix="PROV", parent=None, admin_username=BENCH_ADMIN,
                ward_username=BENCH_WARD, notifications=200, access_requests=50, inbox_user=None,
                acting_user=None, password=BENCH_PASSWORD, seed=2026):
    """Create ``units`` units (the root ``prefix`` included, or all under ``parent``) and ``users``
    people (the two benchmark users included), with roles, pending access requests and an inbox.
    Returns a summary with the counts and the time taken."""
    started = time.perf_counter()
    rng = random.Random(seed)
    if parent is None and Unit.objects.filter(code=prefix).exists():
        raise ScaleExists(prefix)
    roles = ensure_system_roles()
    acting = acting_user or User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    now = timezone.now()
    history = {"default_user": acting, "default_date": now}
    timings = {}

    # Units, level by level: each level's parents have their primary keys before it is inserted.
    tick = time.perf_counter()
    root, level1, below = _plan_units(units, prefix, parent, rng)
    created_units = []
    if root is not None:
        root = bulk_create_with_history([root], Unit, **history)[0]
        created_units.append(root)
        for unit in level1:
            unit.parent = root
    if level1:
        level1 = bulk_create_with_history(level1, Unit, batch_size=500, **history)
        created_units += level1
        created_units += bulk_create_with_history(_children(level1, below, rng), Unit, batch_size=500, **history)
    top = root if root is not None else parent
    bulk_create_with_history(_rollouts(created_units, rng, timezone.localdate()), UnitRollout, batch_size=500,
                             **history)
    timings["units"] = time.perf_counter() - tick

    # People: one password hash for all (the hasher is slow by design).
    tick = time.perf_counter()
    hashed = make_password(password)
    special = [name for name in (admin_username, ward_username) if name]
    existing = set(User.objects.filter(username__in=special).values_list("username", flat=True))
    special = [name for name in special if name not in existing]
    wards = [u for u in created_units if u.kind == Unit.Kind.WARD] or created_units[-1:]
    root = top
    people = []
    for name in special:
        primary = root if name == admin_username else wards[0]
        people.append(User(username=name, full_name=_full_name(rng), email=f"{name}@bench.example.org",
                           primary_unit=primary, position=rng.choice(_POSITIONS), language="vi",
                           password=hashed, date_joined=now))
    regular = max(0, users - len(people))
    for n in range(regular):
        username = f"{prefix.lower()}-u{n + 1:05d}"
        people.append(User(username=username, full_name=_full_name(rng), email=f"{username}@bench.example.org",
                           primary_unit=created_units[n % len(created_units)] if created_units else top,
                           position=rng.choice(_POSITIONS), language="vi", password=hashed, date_joined=now,
                           phone=f"09{rng.randrange(10**8):08d}"))
    for person in people:
        refresh_search_key(person)  # bulk_create calls no save()
    people = bulk_create_with_history(people, User, batch_size=500, **history)
    by_name = {p.username: p for p in people}
    timings["users"] = time.perf_counter() - tick

    # Role assignments: everyone is staff of their own unit; each unit has a head; each agency and
    # district a management representative, a document controller, an internal auditor and a
    # training coordinator; the root a steering committee.
    tick = time.perf_counter()
    members = {}
    for p in people:
        if p.username not in special:
            members.setdefault(p.primary_unit_id, []).append(p)
    wanted = {}

    def want(user, code, unit, include_subunits=True):
        wanted.setdefault((user.pk, roles[code].pk, unit.pk), RoleAssignment(
            user=user, role=roles[code], unit=unit, include_subunits=include_subunits, granted_by=acting))

    for p in people:
        if p.username not in special:
            want(p, "staff", p.primary_unit, include_subunits=False)
    for unit in created_units:
        staff = members.get(unit.pk, [])
        if staff:
            want(staff[0], "department_head", unit)
        if unit.depth <= top.depth + 1:
            for person, code in zip(staff[1:], ["management_representative", "document_controller",
                                                "internal_auditor", "training_coordinator"], strict=False):
                want(person, code, unit)
    if parent is None:
        for person in members.get(root.pk, [])[5:8]:
            want(person, "steering_committee", root)
    if admin_username in by_name:
        want(by_name[admin_username], "administrator", root)
    if ward_username in by_name:
        want(by_name[ward_username], "staff", wards[0], include_subunits=False)
    assignments = bulk_create_with_history(list(wanted.values()), RoleAssignment, batch_size=500, **history)
    timings["assignments"] = time.perf_counter() - tick

    # Pending access requests across the tree, each followed by its requester (single-object grants).
    tick = time.perf_counter()
    regular_people = [p for p in people if p.username not in special]
    requests = []
    choices = ["staff", "document_controller", "internal_auditor", "department_head"]
    for n in range(access_requests if regular_people and created_units else 0):
        requester = regular_people[rng.randrange(len(regular_people))]
        request = AccessRequest(
            requester=requester, role=roles[choices[n % len(choices)]],
            unit=created_units[rng.randrange(len(created_units))], include_subunits=False,
            justification=nfc(rng.choice(_JUSTIFICATIONS)), status=AccessRequest.Status.PENDING,
            created_at=now - timedelta(hours=n * 7),
        )
        request._history_user = requester
        requests.append(request)
    requests = bulk_create_with_history(requests, AccessRequest, batch_size=500, default_date=now)
    perms = {p.codename: p for p in Permission.objects.filter(
        content_type__app_label="qms_portal", codename__in=["view_accessrequest", "withdraw_accessrequest"])}
    AccessRequestUserObjectPermission.objects.bulk_create([
        AccessRequestUserObjectPermission(user=r.requester, permission=perm, content_object=r)
        for r in requests for perm in perms.values()
    ], batch_size=500)
    timings["access_requests"] = time.perf_counter() - tick

    # An inbox: some unread, most read, of every kind the portal sends.
    tick = time.perf_counter()
    reader = inbox_user or by_name.get(admin_username) or User.objects.filter(username=admin_username).first()
    messages = []
    if reader is not None and notifications:
        for n in range(notifications):
            at = now - timedelta(hours=n * 5)
            # Stored as the portal stores them (typed parameters, rendered for the reader).
            if requests and n % 3 == 0:
                r = requests[n % len(requests)]
                kind, params, url = "accessrequest_submitted", {"object": r}, r.get_absolute_url()
            elif n % 3 == 1 and created_units:
                unit = created_units[n % len(created_units)]
                kind, params, url = "role_assigned", {"role": roles["staff"], "unit": unit}, unit.get_absolute_url()
            else:
                kind, params, url = "transition_waiting", {"days": 3 + n % 9, "object": f"QT-{n:03d}"}, ""
            messages.append(Notification(recipient=reader, kind=kind, params=stored_params(params),
                                         url=url, created_at=at, read_at=None if n % 4 == 0 else at,
                                         emailed_at=at))
        Notification.objects.bulk_create(messages, batch_size=500)
    timings["notifications"] = time.perf_counter() - tick

    return {
        "prefix": prefix, "root": root, "units": len(created_units), "users": len(people),
        "assignments": len(assignments), "access_requests": len(requests), "notifications": len(messages),
        "bench_users": special, "skipped_users": sorted(existing), "password": password,
        "seconds": time.perf_counter() - started, "timings": timings,
    }


def analyze(extra_models=()):
    """VACUUM ANALYZE the tables just filled (PostgreSQL), as autovacuum does in production shortly
    after a bulk load: the planner statistics (without them it assumes tiny tables and picks nested
    loops) and the visibility map (without it an index-only scan still reads the table). SQLite is
    left as Django leaves it (no sqlite_stat1). Inside a transaction (the tests), where VACUUM
    cannot run, ANALYZE alone."""
    if connection.vendor != "postgresql":
        return []
    models = [Unit, User, RoleAssignment, AccessRequest, Notification, AccessRequestUserObjectPermission]
    tables = [m._meta.db_table for m in models]
    tables += [m.history.model._meta.db_table for m in (Unit, User, RoleAssignment, AccessRequest)]
    tables += [m._meta.db_table for m in extra_models if m._meta.db_table not in tables]
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{command} {connection.ops.quote_name(table)}")
    return tables


