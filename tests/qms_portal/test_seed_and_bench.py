"""The demo data, the benchmark data and the benchmark command."""

import io
import json
import unicodedata

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from qms_portal.bench.scale import BENCH_ADMIN, BENCH_PASSWORD, BENCH_WARD
from qms_portal.demo import COLLEAGUES, DEMO_LOGINS, DEMO_PASSWORD, seed_demo
from qms_portal.models import AccessRequest, AccessRequestUserObjectPermission, Notification, RoleAssignment, Unit, User

pytestmark = pytest.mark.django_db

TRACKED = (Unit, User, RoleAssignment, AccessRequest)


def _counts():
    counts = {}
    for model in TRACKED:
        counts[model.__name__] = model.objects.count()
        counts[f"history of {model.__name__}"] = model.history.model.objects.count()
    counts["notifications"] = Notification.objects.count()
    counts["grants"] = AccessRequestUserObjectPermission.objects.count()
    return counts


def _assert_paths(units):
    for unit in units:
        if unit.parent_id is None:
            assert unit.path == f"/{unit.key}/" and unit.depth == 0
        else:
            assert unit.path.startswith(unit.parent.path)
            assert unit.path == f"{unit.parent.path}{unit.key}/"
            assert unit.depth == unit.parent.depth + 1


# --- seed_demo --------------------------------------------------------------------------------------


def test_seed_demo_twice_creates_nothing_the_second_time():
    first = seed_demo()
    after_first = _counts()
    second = seed_demo()

    assert _counts() == after_first
    assert first["units_created"] and first["users_created"] and first["assignments_created"]
    for key in ("units_created", "units_updated", "users_created", "users_updated", "assignments_created",
                "access_requests_created"):
        assert second[key] == [], key


def test_the_demo_tree_has_16_divisions_under_the_bureau_and_12_offices_and_18_wards_in_the_district():
    seed_demo()
    cb, doha, dist = (Unit.objects.get(code=code) for code in ("CB", "DOHA", "DIST"))

    assert cb.children.filter(kind=Unit.Kind.DIVISION).count() == 16
    assert dist.children.filter(kind=Unit.Kind.OFFICE).count() == 12
    assert dist.children.filter(kind=Unit.Kind.WARD).count() == 18
    assert doha.runs_own_qms and doha.children.filter(kind=Unit.Kind.DIVISION).count() >= 3
    city = Unit.objects.get(code="CITY")
    assert {cb.parent_id, doha.parent_id, dist.parent_id} == {city.pk}
    _assert_paths(Unit.objects.select_related("parent").filter(path__startswith=city.path))


def test_each_role_has_one_demo_person_on_a_sensible_unit():
    seed_demo()
    held = {(a.user.username, a.role.code, a.unit.code)
            for a in RoleAssignment.objects.select_related("user", "role", "unit")}
    assert held == {
        ("administrator", "administrator", "CITY"), ("steering", "steering_committee", "CITY"),
        ("mr", "management_representative", "DOHA"), ("doccontrol", "document_controller", "DOHA"),
        ("depthead", "department_head", "DOHA-D03"), ("staff", "staff", "DIST-W01"),
        ("auditor", "internal_auditor", "DIST"), ("trainer", "training_coordinator", "CB"),
        # The colleagues who review and approve with them.
        ("doha-office", "staff", "DOHA"), ("d03-deputy", "department_head", "DOHA-D03"),
        ("cb-mr", "management_representative", "CB"), ("cb-doccontrol", "document_controller", "CB"),
        ("cb-promotion", "staff", "CB"), ("cb-approvals", "department_head", "CB-D16"),
        ("dist-mr", "management_representative", "DIST"), ("dist-iso", "document_controller", "DIST"),
        ("dist-office", "staff", "DIST"),
    }
    assert User.objects.get(username="admin").is_superuser


def test_every_demo_login_signs_in_on_the_login_page_and_opens_my_work():
    seed_demo()
    assert {username for username, _, _ in DEMO_LOGINS} | set(COLLEAGUES) == set(
        User.objects.values_list("username", flat=True))
    for username, password, _description in DEMO_LOGINS:
        assert password == DEMO_PASSWORD
        client = Client()
        response = client.post(reverse("login"), {"username": username, "password": password})
        assert response.status_code == 302, username
        assert response.url == reverse("home"), username  # not sent to change the password first
        assert client.get("/").status_code == 200, username


def test_the_management_representative_and_the_administrator_have_the_staff_request_to_decide():
    seed_demo()
    request = AccessRequest.objects.get(requester__username="staff")
    assert request.status == AccessRequest.Status.PENDING
    for username in ("mr", "administrator"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        response = client.get("/")
        assert request in list(response.context["waiting"]), username


def test_seed_demo_in_vietnamese_names_units_and_people_in_nfc_vietnamese():
    out = io.StringIO()
    call_command("seed_demo", "--language", "vi", stdout=out)

    assert Unit.objects.get(code="DOHA").name == "Sở Nội vụ"
    assert Unit.objects.get(code="DIST-W01").name == "Phường 1"
    assert Unit.objects.get(code="DIST-O03").name == "Phòng Tư pháp"
    names = list(Unit.objects.values_list("name", flat=True)) + list(User.objects.values_list("full_name", flat=True))
    assert all(unicodedata.is_normalized("NFC", name) for name in names)
    assert User.objects.get(username="administrator").full_name == "Nguyễn Văn An"
    assert set(User.objects.exclude(username="system").values_list("language", flat=True)) == {"vi"}
    assert "55 units" in out.getvalue()


def test_seed_demo_in_chinese_keeps_the_codes():
    seed_demo(language="zh-hans")
    assert Unit.objects.get(code="CB").name == "市城建局"
    assert Unit.objects.get(code="DIST-W01").name.endswith("街道")
    assert Unit.objects.filter(code__startswith="CB-D").count() == 16


def test_a_later_run_in_another_language_renames_through_the_services_with_history():
    seed_demo(language="en")
    before = Unit.history.filter(code="DOHA").count()
    summary = seed_demo(language="vi")
    assert "DOHA" in summary["units_updated"]
    assert Unit.objects.get(code="DOHA").name == "Sở Nội vụ"
    assert Unit.history.filter(code="DOHA").count() == before + 1
    assert summary["units_created"] == [] and summary["users_created"] == []


# --- seed_scale ---------------------------------------------------------------------------------------


def _scale(units=20, users=100, **extra):
    # The documents and nonconformities parts have their own tests (tests/<area>/test_scale_and_bench.py).
    extra.setdefault("documents", 0)
    extra.setdefault("nonconformities", 0)
    extra.setdefault("actions", 0)
    extra.setdefault("audits", 0)  # (tests/audits/test_certificates_scale.py)
    extra.setdefault("indicators", 0)  # (tests/objectives/test_kpi_scale.py)
    extra.setdefault("surveys", 0)  # (tests/objectives/test_surveys_scale.py)
    extra.setdefault("survey_responses", 0)
    extra.setdefault("risks_per_unit", 0)  # (tests/objectives/test_risks_scale.py)
    extra.setdefault("reviews", 0)  # (tests/objectives/test_review_scale.py)
    for option in ("training_sessions", "training_participants", "qualifications", "plan_items",
                   "matrix_revisions"):  # (tests/training/test_*_scale.py)
        extra.setdefault(option, 0)
    out = io.StringIO()
    args = ["seed_scale", "--units", str(units), "--users", str(users)]
    for key, value in extra.items():
        args += [f"--{key.replace('_', '-')}", str(value)]
    call_command(*args, stdout=out)
    return out.getvalue()


def test_seed_scale_makes_exactly_the_units_and_people_asked_for_with_paths_and_history():
    output = _scale(20, 100)
    root = Unit.objects.get(code="PROV")
    units = list(Unit.objects.select_related("parent").filter(path__startswith=root.path))
    people = User.objects.filter(primary_unit__path__startswith=root.path)

    assert len(units) == 20 and Unit.objects.count() == 20
    assert people.count() == 100 and User.objects.count() == 100
    _assert_paths(units)
    assert len({u.key for u in units}) == 20
    assert {u.depth for u in units} == {0, 1, 2}
    assert {Unit.Kind.DISTRICT, Unit.Kind.AGENCY, Unit.Kind.WARD, Unit.Kind.DIVISION} <= {u.kind for u in units}
    # One "created" history row for each row made in bulk.
    assert Unit.history.filter(history_type="+").count() == 20
    assert User.history.filter(history_type="+").count() == 100
    assert RoleAssignment.history.filter(history_type="+").count() == RoleAssignment.objects.count() >= 100
    assert AccessRequest.history.count() == AccessRequest.objects.count() == 50
    assert "Time:" in output


def test_seed_scale_makes_the_two_benchmark_users_with_their_roles_inbox_and_requests():
    _scale(20, 100)
    root = Unit.objects.get(code="PROV")
    admin, ward = User.objects.get(username=BENCH_ADMIN), User.objects.get(username=BENCH_WARD)

    assert check_password(BENCH_PASSWORD, admin.password) and not admin.must_change_password
    assert RoleAssignment.objects.filter(user=admin, role__code="administrator", unit=root,
                                         include_subunits=True).exists()
    staff = RoleAssignment.objects.get(user=ward, role__code="staff")
    assert staff.unit.kind == Unit.Kind.WARD
    # The inbox asked for, besides the two evaluations' openings (the service tells everyone who scores
    # a unit's sheet, the administrator included).
    inbox = Notification.objects.filter(recipient=admin).exclude(kind="evaluation_opened")
    assert inbox.count() == 200
    assert 0 < inbox.filter(read_at__isnull=True).count() < 200
    assert AccessRequest.objects.filter(status=AccessRequest.Status.PENDING).count() == 50
    # Each requester follows their request (the grants access_request_create would give).
    assert AccessRequestUserObjectPermission.objects.count() == 100
    # Generated people can sign in with the same password.
    client = Client()
    assert client.post(reverse("login"), {"username": BENCH_WARD, "password": BENCH_PASSWORD}).status_code == 302


def test_seed_scale_does_nothing_when_the_root_is_already_there():
    _scale(20, 100)
    before = _counts()
    output = _scale(20, 100)
    assert "already exists" in output
    assert _counts() == before


# --- bench ----------------------------------------------------------------------------------------------


def _installed(name):
    from django.urls import NoReverseMatch

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def test_bench_measures_every_page_on_small_data_and_writes_json(tmp_path):
    _scale(20, 100)
    target = tmp_path / "bench.json"
    out = io.StringIO()
    call_command("bench", "--runs", "2", "--warmup", "1", "--output", str(target), stdout=out)

    report = json.loads(target.read_text(encoding="utf-8"))
    pages = {row["page"]: row for row in report["pages"]}
    assert set(pages) == {
        "floor", "my work", "unit list", "unit list ?q=", "unit detail", "user list", "user list ?q=",
        "role assignments", "inbox", "access requests", "steering dashboard", "rollout board",
        "annual reports", "evaluations", "evaluation ranking", "evaluation sheet",
        # Without documents: the register (plain, filtered, searched) and the legal register, no
        # document page nor controlled copy.
        "documents", "documents ?level=2", "documents ?q=vi", "documents ?q=zh", "legal register",
        "acknowledgements", "acknowledgements ?acknowledged",
        "announcements register", "announcements register ?late",
        # Without nonconformities: the register (plain, filtered, searched) and the actions list, no
        # deep page nor nonconformity page.
        "nc register", "nc register ?filtered", "nc register ?q=", "nc actions",
        # Without audits: the certificate register, the surveillance audits due and the figures page,
        # and the audit list (plain, filtered, searched) and the programme entries' register (all,
        # behind) where the plan part's pages are installed; no programme grid nor checklist page.
        "certificate register", "surveillance audits due", "audit figures",
        *(("audit list", "audit list ?filtered", "audit list ?q=") if _installed("audits:audit_list") else ()),
        *(("programme entries", "programme entries ?behind") if _installed("audits:programme_entry_list") else ()),
        # Without indicators: the indicator list, the objectives' list and cascade and the monthly files
        # per procedure (no indicator page nor the province's on-time page).
        *(("indicator list", "quality objectives list", "cascade of objectives", "monthly files per procedure",
           "monthly files per procedure, late") if _installed("objectives:indicator_list") else ()),
        # Without surveys nor risks: their lists (no results page, no risk page).
        *(("survey list",) if _installed("objectives:survey_list") else ()),
        *(("risk register", "risk register ?filtered", "risk register ?q=", "risk register ?cell")
          if _installed("objectives:risk_list") else ()),
        # Without reviews: their list and the decisions (no province review page).
        *(("review list", "review decisions", "review decisions ?overdue")
          if _installed("objectives:review_list") else ()),
        # Without training data: the lists, My training and the matrix of a district (no session page
        # nor attendance sheet; the effectiveness checks are a department head's, not the bench's).
        *(("training session list",) if _installed("training:session_list") else ()),
        *(("qualifications", "qualifications ?expiring", "qualifications ?q=", "competence requirements",
           "my training") if _installed("training:qualification_list") else ()),
        *(("training matrix, district", "training matrix, unit only", "training on revisions",
           "training on revisions ?trained") if _installed("training:matrix") else ()),
        *(("training plans", "training plans ?year") if _installed("training:plan_list") else ()),
        *(("training plan items", "training plan items ?done") if _installed("training:planitem_list") else ()),
    }
    assert "documents" not in report["extras"]  # no showcase procedure: no controlled copy measured
    assert set(report["extras"]) <= {"training"}  # the training area's sweep and export, measured apart
    assert "error" not in json.dumps(report["extras"])
    for name, row in pages.items():
        assert row["status"] == 200, (name, row.get("error"))
        assert row["queries"] > 0 and row["p50_ms"] > 0 and row["p95_ms"] >= row["p50_ms"]
        assert row["x_floor_p50"] is not None
    assert report["data"]["units"] == 20 and report["data"]["users"] == 100
    table = out.getvalue()
    assert "20 units, 100 users" in table and "floor" in table and "×floor p50" in table


def test_the_bench_counts_a_request_s_queries_when_the_log_of_queries_is_full():
    """The bench's 30 rounds of 80 pages fill Django's log of queries (9,000 at most): a count read
    from a full log would be 0."""
    from django.db import connection

    from qms_portal.bench.runner import _one
    from tests import factories

    client = Client()
    client.force_login(factories.small_tree().ward1_staff)
    connection.queries_log.extend({"sql": "SELECT 1", "time": "0"} for _ in range(connection.queries_limit))
    _elapsed, count, response = _one(client, reverse("floor"), secure=False)
    assert response.status_code == 200 and count >= 2  # the session and the person, at least


def test_seed_scale_builds_only_the_areas_and_parts_named_and_refuses_unknown_ones():
    from django.core.management.base import CommandError

    from objectives.models import Indicator, Risk, Survey

    for only, message in (("nosuch", "no area builds scale data under nosuch"),
                          ("objectives.nosuch", "objectives has no part nosuch")):
        with pytest.raises(CommandError, match=message):
            call_command("seed_scale", "--units", "5", "--users", "10", "--only", only, stdout=io.StringIO())
    output = _scale(12, 40, only="objectives.risks", risks_per_unit=2, indicators=3, surveys=2)
    assert Risk.objects.exists()
    assert not Indicator.objects.exists() and not Survey.objects.exists()  # asked for, but not named
    assert "risks" in output.lower()


def test_bench_refuses_without_the_benchmark_user(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="seed_scale"):
        call_command("bench", "--runs", "1", "--output", str(tmp_path / "x.json"), stdout=io.StringIO())


def test_the_demo_clock_dates_records_and_history_then_gives_the_time_back():
    from datetime import datetime

    from django.utils import timezone

    from qms_portal import services
    from qms_portal.demo import demo_clock

    admin = User.objects.create_superuser(username="clock-root", email="c@example.org", password=DEMO_PASSWORD)
    past = timezone.make_aware(datetime(2024, 3, 4, 10, 30))
    with demo_clock(past):
        assert abs(timezone.now() - past).total_seconds() < 5 and timezone.localdate() == past.date()
        assert isinstance(timezone.now(), datetime)
        unit = services.unit_create(acting_user=admin, code="CLOCK", name="Clock", kind=Unit.Kind.CITY)
    assert timezone.localdate(unit.created_at) == past.date()
    assert timezone.localdate(unit.history.get().history_date) == past.date()
    assert abs((timezone.now() - datetime.now(tz=timezone.get_current_timezone())).total_seconds()) < 5
