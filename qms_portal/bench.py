"""Benchmark data and the benchmark itself.

* ``build_scale()`` makes a province-sized tree fast: units are bulk-created level by level with
  their ``key``/``path``/``depth`` computed here (the same format as ``Unit.compute_path``), people
  in one ``bulk_create`` with one password hash computed once, role assignments and access requests
  in bulk, and a history row for every tracked row through ``bulk_create_with_history``.
* ``run_bench()`` requests each main page in-process through the whole middleware stack with
  ``django.test.Client``, beside the framework floor (``/floor/``), and reports p50/p95 and the SQL
  queries of each page; with documents (``documents/scale.py``), the register, a procedure's page and
  compare page, the legal register, and separately the controlled copy: its first render and its
  cached download.
"""

import logging
import math
import random
import statistics
import time
from contextlib import nullcontext
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from .models import (
    AccessRequest,
    AccessRequestUserObjectPermission,
    Notification,
    RoleAssignment,
    Unit,
    User,
    new_unit_key,
    nfc,
)
from .roles import ensure_system_roles

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
    unit = Unit(code=code, name=nfc(name), kind=kind, parent=parent, key=new_unit_key(), phase=phase,
                runs_own_qms=kind in (Unit.Kind.CITY, Unit.Kind.AGENCY, Unit.Kind.DISTRICT))
    # The same format as Unit.compute_path, without reading the parent again.
    unit.path = (parent.path if parent is not None else "/") + unit.key + "/"
    unit.depth = unit.path.count("/") - 2
    return unit


def _plan_units(total, prefix, parent, rng):
    """The root (None under an existing ``parent``), the first level below it (agencies and districts,
    about the square root of the total) and how many units go one level further down."""
    phases = list(Unit.Phase.values)
    root = None
    if parent is None:
        root = _unit(prefix, f"Tỉnh Mẫu {prefix} (benchmark)", Unit.Kind.CITY, None, Unit.Phase.IMPLEMENTATION)
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
    phases = list(Unit.Phase.values)
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
            if requests and n % 3 == 0:
                r = requests[n % len(requests)]
                kind, params, url = "accessrequest_submitted", {"object": str(r)}, r.get_absolute_url()
            elif n % 3 == 1 and created_units:
                unit = created_units[n % len(created_units)]
                kind, params, url = "role_assigned", {"role": str(roles["staff"]), "unit": str(unit)}, \
                    unit.get_absolute_url()
            else:
                kind, params, url = "transition_waiting", {"days": 3 + n % 9, "object": f"QT-{n:03d}"}, ""
            messages.append(Notification(recipient=reader, kind=kind, params={k: str(v) for k, v in params.items()},
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


def analyze():
    """VACUUM ANALYZE the tables just filled (PostgreSQL), as autovacuum does in production shortly
    after a bulk load: the planner statistics (without them it assumes tiny tables and picks nested
    loops) and the visibility map (without it an index-only scan still reads the table). SQLite is
    left as Django leaves it (no sqlite_stat1). Inside a transaction (the tests), where VACUUM
    cannot run, ANALYZE alone."""
    if connection.vendor != "postgresql":
        return []
    from documents.scale import analyze_models

    models = [Unit, User, RoleAssignment, AccessRequest, Notification, AccessRequestUserObjectPermission]
    tables = [m._meta.db_table for m in models]
    tables += [m.history.model._meta.db_table for m in (Unit, User, RoleAssignment, AccessRequest)]
    tables += [m._meta.db_table for m in analyze_models() if m._meta.db_table not in tables]
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{command} {connection.ops.quote_name(table)}")
    return tables


# --- The benchmark ---------------------------------------------------------------------------------


def default_pages(user, unit_q="Phường", user_q="Nguyễn", doc_q_vi=None, doc_q_zh=None, showcase=None):
    """(name, url) of each main page, the floor first. The unit detail is a unit right below the
    user's highest unit (a district or agency: it has sub-units, members and roles). The document
    pages are those of ``showcase`` (default: ``documents.scale.showcase_revision(user)``, the
    procedure with the most acknowledgements), left out when there is none."""
    from documents.scale import SEARCH_VI, SEARCH_ZH, showcase_revision

    visible = Unit.objects.restrict(user, "view")
    top = visible.order_by("depth", "path").first()
    detail = None
    if top is not None:
        detail = visible.filter(parent=top).order_by("path").first() or top
    pages = [
        ("floor", reverse("floor")),
        ("my work", reverse("home")),
        ("unit list", reverse("unit_list")),
        ("unit list ?q=", reverse("unit_list") + "?" + urlencode({"q": unit_q})),
    ]
    if detail is not None:
        pages.append(("unit detail", reverse("unit_detail", args=[detail.pk])))
    pages += [
        ("user list", reverse("user_list")),
        ("user list ?q=", reverse("user_list") + "?" + urlencode({"q": user_q})),
        ("role assignments", reverse("assignment_list")),
        ("inbox", reverse("inbox")),
        ("access requests", reverse("accessrequest_list")),
    ]
    register = reverse("documents:register")
    pages += [
        ("documents", register),
        ("documents ?level=2", register + "?" + urlencode({"level": 2, "status": "effective"})),
        ("documents ?q=vi", register + "?" + urlencode({"q": doc_q_vi or SEARCH_VI, "status": "all"})),
        ("documents ?q=zh", register + "?" + urlencode({"q": doc_q_zh or SEARCH_ZH, "status": "all"})),
    ]
    showcase = showcase if showcase is not None else showcase_revision(user)
    if showcase is not None:
        pages += [
            ("document detail", reverse("documents:document_detail", args=[showcase.document_id])),
            ("revision compare", reverse("documents:revision_compare", args=[showcase.pk])),
        ]
    pages.append(("legal register", reverse("documents:legal_list")))
    return pages


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _one(client, url, secure):
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        response = client.get(url, secure=secure)
        elapsed = time.perf_counter() - start
    return elapsed * 1000, len(captured), response


def _summary(times, queries, response):
    return {
        "status": response.status_code, "bytes": len(response.content),
        "p50_ms": round(statistics.median(times), 2), "p95_ms": round(_percentile(times, 0.95), 2),
        "queries": int(statistics.median(queries)), "queries_min": min(queries), "queries_max": max(queries),
    }


def data_size():
    return {
        "units": Unit.objects.count(),
        "users": User.objects.count(),
        "assignments": RoleAssignment.objects.current().count(),
        "access_requests_pending": AccessRequest.objects.filter(status=AccessRequest.Status.PENDING).count(),
        "notifications": Notification.objects.count(),
        **documents_size(),
    }


def documents_size():
    from documents.scale import data_size as sizes

    return sizes()


def _rounds(pages, user, runs, warmup, secure, samples, errors, cold=False):
    """With ``cold``, the cache is emptied before each request: a first visit, or the first one
    after a change retired the page's cached pieces."""
    client = Client(raise_request_exception=True)
    client.force_login(user)
    # Round robin: run r of every page, then run r + 1 of every page, so that a burst of load on
    # the machine weighs on the floor and the pages alike and the ratios stay comparable.
    for round_ in range(-warmup, runs):
        for name, url in pages:
            if name in errors:
                continue
            if cold:
                cache.clear()
            try:
                elapsed, count, response = _one(client, url, secure)
            except Exception as error:  # noqa: BLE001 - reported per page; the command exits non-zero
                errors[name] = f"{type(error).__name__}: {error}"[:500]
                continue
            if response.status_code != 200:
                errors[name] = f"HTTP {response.status_code}"
                samples[name] = ([], [], response)
                continue
            if round_ >= 0:
                times, queries, _last = samples[name]
                times.append(elapsed)
                queries.append(count)
                samples[name] = (times, queries, response)


def run_bench(*, user, pages=None, runs=30, warmup=3, pdf_revision=None, pdf_renders=2):
    """Measure each page as ``user``; then, apart (not in the round robin), the controlled copy of
    ``pdf_revision``: its first render and its cached download. Returns the results (JSON-ready)."""
    pages = pages or default_pages(user)
    hosts = list(settings.ALLOWED_HOSTS)
    needs_host = "testserver" not in hosts and "*" not in hosts
    secure = bool(settings.SECURE_SSL_REDIRECT)
    samples = {name: ([], [], None) for name, _url in pages}
    cold = {name: ([], [], None) for name, _url in pages}
    errors = {}
    pdf = None
    # A failing page is reported in the table, not by a traceback on every run of it.
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.CRITICAL)
    try:
        with override_settings(ALLOWED_HOSTS=[*hosts, "testserver"]) if needs_host else nullcontext():
            _rounds(pages, user, runs, warmup, secure, samples, errors)
            cold_runs = max(5, runs // 2)
            _rounds(pages, user, cold_runs, 1, secure, cold, errors, cold=True)
            if pdf_revision is not None:
                pdf = measure_pdf(user=user, revision=pdf_revision, runs=runs, warmup=warmup, secure=secure,
                                  renders=pdf_renders)
    finally:
        request_log.setLevel(level)
    results = []
    for name, url in pages:
        times, queries, response = samples[name]
        if name in errors:
            status = response.status_code if response is not None else 500
            results.append({"page": name, "url": url, "status": status, "error": errors[name]})
        else:
            row = {"page": name, "url": url, **_summary(times, queries, response)}
            cold_times, cold_queries, _response = cold[name]
            if cold_times:
                first = _summary(cold_times, cold_queries, _response)
                row.update(cold_p50_ms=first["p50_ms"], cold_p95_ms=first["p95_ms"], cold_queries=first["queries"])
            results.append(row)
    floor = next((r for r in results if r["page"] == "floor" and r["status"] == 200), None)
    for row in results:
        if floor and "p50_ms" in row and floor["p50_ms"]:
            row["x_floor_p50"] = round(row["p50_ms"] / floor["p50_ms"], 2)
            row["x_floor_p95"] = round(row["p95_ms"] / floor["p95_ms"], 2) if floor["p95_ms"] else None
            if "cold_p50_ms" in row and floor.get("cold_p50_ms"):
                row["x_floor_cold_p50"] = round(row["cold_p50_ms"] / floor["cold_p50_ms"], 2)
    db = connection.settings_dict
    return {
        "database": {"vendor": connection.vendor, "name": str(db["NAME"])},
        "data": data_size(),
        "user": user.username,
        "runs": runs,
        "cold_runs": max(5, runs // 2),
        "warmup": warmup,
        "debug": settings.DEBUG,
        "at": timezone.now().isoformat(timespec="seconds"),
        "pages": results,
        "pdf": pdf,
    }


# --- The controlled copy -----------------------------------------------------------------------------

PDF_RENDER_GOAL_S = 3.0
PDF_DOWNLOAD_GOAL_MS = 50.0


def pdf_pages(data):
    """(pages, how counted) of a PDF, read with pypdf."""
    from io import BytesIO

    from pypdf import PdfReader

    return len(PdfReader(BytesIO(data)).pages), "pypdf"


def _drop_copy(revision):
    from documents.models import ControlledCopy

    for copy in ControlledCopy.objects.filter(revision=revision):
        if copy.file:
            copy.file.delete(save=False)
        copy.delete()


def measure_pdf(*, user, revision, runs=30, warmup=3, secure=False, renders=2):
    """(a) The first render of the controlled copy, as the task does it (``render_controlled_copy``
    after its ControlledCopy is deleted): the first render in this process (WeasyPrint loads its
    fonts then) and ``renders - 1`` more, each from scratch; the page count. (b) The cached download
    through the whole stack, p50/p95 over ``runs`` requests after ``warmup``."""
    from documents.models import ControlledCopy
    from documents.pdf import PdfUnavailable, render_controlled_copy

    url = reverse("documents:revision_pdf", args=[revision.pk])
    result = {"revision": revision.pk, "document": revision.document.code, "label": revision.label, "url": url,
              "render_goal_s": PDF_RENDER_GOAL_S, "download_goal_ms": PDF_DOWNLOAD_GOAL_MS}
    seconds = []
    language = user.language or settings.LANGUAGE_CODE
    try:
        for _ in range(max(1, renders)):
            _drop_copy(revision)
            start = time.perf_counter()
            render_controlled_copy(revision.pk, language)
            seconds.append(time.perf_counter() - start)
    except PdfUnavailable as error:
        return result | {"error": f"PDF unavailable: {error}", "unavailable": True}
    except Exception as error:  # noqa: BLE001 - reported; the command exits non-zero
        return result | {"error": f"{type(error).__name__}: {error}"[:500]}
    copy = ControlledCopy.objects.get(revision=revision, language=language)
    with copy.file.open("rb") as handle:
        data = handle.read()
    pages, counted_by = pdf_pages(data)
    result.update({
        "render_s": round(seconds[0], 3), "renders_s": [round(x, 3) for x in seconds],
        "render_again_s": round(statistics.median(seconds[1:]), 3) if len(seconds) > 1 else None,
        "pages": pages, "pages_counted_by": counted_by, "pdf_kb": round(len(data) / 1024, 1),
    })

    client = Client(raise_request_exception=True)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    # The first download of the day by this person lays the "printed on … by …" line over every
    # page and keeps that file; later downloads serve it as it is.
    from django.core.files.storage import default_storage

    from documents.pdf import ISSUED

    try:
        for day in default_storage.listdir(ISSUED)[0]:
            for name in default_storage.listdir(f"{ISSUED}/{day}")[1]:
                if name.startswith(f"{revision.pk}-"):
                    default_storage.delete(f"{ISSUED}/{day}/{name}")
    except FileNotFoundError:
        pass
    start = time.perf_counter()
    first = client.get(url, secure=secure)
    first_body = b"".join(first.streaming_content) if first.streaming else first.content
    result["first_issue_ms"] = round((time.perf_counter() - start) * 1000, 1)
    times, queries = [], []
    for round_ in range(-warmup, runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url, secure=secure)
            # Reading the streamed file to its end closes it (the test client then closes the
            # response, as a WSGI server would); closing it again would close the connection.
            body = b"".join(response.streaming_content) if response.streaming else response.content
            elapsed = (time.perf_counter() - start) * 1000
        kind = response.get("Content-Type", "")
        if response.status_code != 200 or kind != "application/pdf" or body != first_body \
                or not body.startswith(b"%PDF-") or len(body) < len(data) // 2:
            result["download"] = {"status": response.status_code,
                                  "error": f"not the stored controlled copy (HTTP {response.status_code}, {kind})"}
            return result
        if round_ >= 0:
            times.append(elapsed)
            queries.append(len(captured))
    result["download"] = {
        "status": 200, "bytes": len(body), "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(_percentile(times, 0.95), 2), "queries": int(statistics.median(queries)),
        "queries_min": min(queries), "queries_max": max(queries),
    }
    return result


def format_table(report, goal=4.0):
    d = report["data"]
    lines = [
        f"QMS Portal bench — {report['database']['vendor']} ({report['database']['name']}), DEBUG={report['debug']}",
        f"data: {d['units']} units, {d['users']} users, {d['assignments']} role assignments, "
        f"{d['access_requests_pending']} pending access requests, {d['notifications']} notifications, "
        f"{d.get('documents', 0)} documents, {d.get('revisions', 0)} revisions, "
        f"{d.get('acknowledgements', 0)} acknowledgements",
        f"as {report['user']}; {report['runs']} timed runs per page, round robin, after {report['warmup']} warm-ups; "
        f"goal ≤ {goal:g}× floor",
        f"first visit: {report.get('cold_runs', '—')} more runs per page, each with the cache emptied before it "
        "(a first visit, or the first after a change)",
        "",
        f"{'page':<18} {'status':>6} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'×floor p50':>10} "
        f"{'×floor p95':>10} {'first p50':>9} {'×floor':>7} {'queries':>7} {'KB':>6}  url",
    ]
    for row in report["pages"]:
        if "p50_ms" not in row:
            lines.append(f"{row['page']:<18} {row['status']:>6} {'—':>8} {'—':>8} {'—':>8} {'—':>10} {'—':>10} "
                         f"{'—':>9} {'—':>7} {'—':>7} {'—':>6}  {row['url']}  {row.get('error', '')}")
            continue
        queries = str(row["queries"]) if row["queries_min"] == row["queries_max"] else \
            f"{row['queries_min']}-{row['queries_max']}"
        flag = ""
        if row.get("x_floor_p50") and row["page"] != "floor" and max(row["x_floor_p50"], row["x_floor_p95"]) > goal:
            flag = "  > goal"
        lines.append(
            f"{row['page']:<18} {row['status']:>6} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} {queries:>8} "
            f"{_ratio(row.get('x_floor_p50')):>10} {_ratio(row.get('x_floor_p95')):>10} "
            f"{_ms(row.get('cold_p50_ms')):>9} {_ratio(row.get('x_floor_cold_p50')):>7} "
            f"{row.get('cold_queries', '—')!s:>7} {row['bytes'] / 1024:>6.1f}  {row['url']}{flag}"
        )
    lines += format_pdf(report.get("pdf"))
    return "\n".join(lines)


def _ms(value):
    return "—" if value is None else f"{value:.1f}"


def format_pdf(pdf):
    if not pdf:
        return []
    lines = ["", f"controlled copy: {pdf['document']} rev. {pdf['label']} (revision {pdf['revision']}), apart from "
                 "the round robin"]
    if "render_s" not in pdf:
        return [*lines, f"  {pdf.get('error', 'not measured')}"]
    pages = f"{pdf['pages']} pages ({pdf['pages_counted_by']})" if pdf["pages"] else "pages not counted"
    again = f"; again from scratch {pdf['render_again_s']:.2f} s" if pdf.get("render_again_s") is not None else ""
    flag = "  > goal" if pdf["render_s"] > pdf["render_goal_s"] else ""
    lines.append(f"  first render (render_controlled_copy): {pdf['render_s']:.2f} s{again}, goal ≤ "
                 f"{pdf['render_goal_s']:g} s — {pages}, {pdf['pdf_kb']:.0f} KB{flag}")
    download = pdf.get("download") or {}
    if "first_issue_ms" in pdf:
        lines.append(f"  first download of the day by a person (stamps \"printed on … by …\" on every page): "
                     f"{pdf['first_issue_ms']:.0f} ms")
    if "p50_ms" in download:
        queries = str(download["queries"]) if download["queries_min"] == download["queries_max"] else \
            f"{download['queries_min']}-{download['queries_max']}"
        flag = "  > goal" if download["p95_ms"] > pdf["download_goal_ms"] else ""
        lines.append(f"  cached download {pdf['url']}: p50 {download['p50_ms']:.1f} ms, p95 {download['p95_ms']:.1f} "
                     f"ms, {queries} queries, goal ≤ {pdf['download_goal_ms']:g} ms{flag}")
    else:
        lines.append(f"  cached download {pdf['url']}: {download.get('error', 'not measured')}")
    return lines


def _ratio(value):
    return "—" if value is None else f"{value:.1f}×"
