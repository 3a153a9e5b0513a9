"""The demo: a city with a construction bureau (16 divisions), a department of home affairs and a
district with 12 specialist offices and 18 wards, one person per role, and a pending access request.

``seed_demo(language)`` builds it through the services and is idempotent: every unit is looked up by
its code and every person by username before anything is created, so a second run creates nothing,
changes nothing and writes no history. Codes and usernames are the same in every language; names,
positions and the people's preferred language follow ``language`` (a later run in another language
renames what differs, through the same services, and so leaves a history row for each rename).

The demo tells a story that happened over time: the units and people were set up when the quality
project started (``PROJECT_START_MONTHS`` before the day of seeding), documents were written, signed
and published months before today. ``demo_clock(moment)`` lets a demo builder run the ordinary
services as of that moment, so that every record, history row, transition record and signature
carries the time the story says, and the roster on a past date answers as it should.
"""

from contextlib import contextmanager
from datetime import UTC, timedelta
from datetime import datetime as _real_datetime

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from . import services
from .models import AccessRequest, RoleAssignment, Unit, User, nfc
from .roles import ensure_system_roles
from .steering import rollout_services
from .steering.models import ENDING, PHASES, Phase

DEMO_PASSWORD = "demo-pass-2026"
LANGUAGES = ("en", "vi", "zh-hans")

DEMO_LOGINS = [
    ("admin", DEMO_PASSWORD, "Superuser: everything, including Django's own checks"),
    ("administrator", DEMO_PASSWORD, "Administrator: units, people and roles of the whole city"),
    ("steering", DEMO_PASSWORD, "Steering committee member: dashboards across the whole city"),
    ("mr", DEMO_PASSWORD, "Management representative of the Department of Home Affairs"),
    ("doccontrol", DEMO_PASSWORD, "Document controller (ISO officer) of the Department of Home Affairs"),
    ("depthead", DEMO_PASSWORD, "Department head: Administrative Reform Division (DOHA-D03)"),
    ("staff", DEMO_PASSWORD, "Staff member at the one-stop-shop desk of Ward 1 (has a pending access request)"),
    ("auditor", DEMO_PASSWORD, "Internal auditor of the district and its offices and wards"),
    ("trainer", DEMO_PASSWORD, "Training coordinator of the construction bureau"),
]

# --- The demo's clock ---------------------------------------------------------------------------

# The quality project started this many months before the demo is seeded: units, people and roles
# date from then, so that everything signed later was signed by someone who held the role.
PROJECT_START_MONTHS = 30


class _AnyDatetime(type):
    """Keeps ``isinstance(value, datetime)`` true for every real datetime while the clock is set."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, _real_datetime)

    def __subclasscheck__(cls, sub):
        return issubclass(sub, _real_datetime)


@contextmanager
def demo_clock(moment):
    """Demo builders only (never services, views or tasks): inside the block the portal's clock —
    ``django.utils.timezone.now()`` and ``localdate()``, and so every default and history row built
    on them (``created_at``, simple-history's ``history_date``, ``TransitionRecord.at``, a
    reviewer's ``decided_at``, a periodic review's date) — reads ``moment`` (a datetime, or a date:
    09:00 local time), moving on with real time from there. The services run unchanged, with all
    their checks; only the time they record is the story's. Blocks may nest; the clock is restored
    on leaving."""
    if not isinstance(moment, _real_datetime):
        moment = _real_datetime.combine(moment, _real_datetime.min.time()).replace(hour=9)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    started = _real_datetime.now(tz=UTC)

    class _Clock(_real_datetime, metaclass=_AnyDatetime):
        @classmethod
        def now(cls, tz=None):
            at = moment + (_real_datetime.now(tz=UTC) - started)
            return at.astimezone(tz) if tz is not None else timezone.make_naive(at)

    import django.utils.timezone as clock_module

    previous = clock_module.datetime
    clock_module.datetime = _Clock
    try:
        yield
    finally:
        clock_module.datetime = previous


def project_start(today=None):
    """When the demo's quality project started: the first of the month ``PROJECT_START_MONTHS``
    before ``today``, at 08:30 local time."""
    today = today or timezone.localdate()
    start = today.replace(day=1) - relativedelta(months=PROJECT_START_MONTHS)
    return timezone.make_aware(_real_datetime.combine(start, _real_datetime.min.time()).replace(hour=8, minute=30))


# --- Units ----------------------------------------------------------------------------------------

_CITY = {"en": "Demo City", "vi": "Thành phố Mẫu", "zh-hans": "示范市"}
_CB = {"en": "Municipal Construction Bureau", "vi": "Sở Xây dựng", "zh-hans": "市城建局"}
_DOHA = {"en": "Department of Home Affairs", "vi": "Sở Nội vụ", "zh-hans": "市内务局"}
_DIST = {"en": "Central District", "vi": "Quận Trung tâm", "zh-hans": "中心区"}

# The 16 divisions of the construction bureau (Dalian), as (English, Tiếng Việt, 中文).
_CB_DIVISIONS = [
    ("Bureau Office", "Văn phòng Sở", "办公室"),
    ("Policy and Regulations Division", "Phòng Pháp chế", "政策法规处"),
    ("Planning and Finance Division", "Phòng Kế hoạch – Tài chính", "计划财务处"),
    ("Personnel Division", "Phòng Tổ chức cán bộ", "人事处"),
    ("Urban Planning Division", "Phòng Quy hoạch – Kiến trúc", "城市规划处"),
    ("Construction Industry Division", "Phòng Quản lý xây dựng", "建筑业管理处"),
    ("Construction Quality Supervision Division", "Phòng Giám định chất lượng công trình", "工程质量监督处"),
    ("Work Safety Supervision Division", "Phòng An toàn lao động", "安全生产监督处"),
    ("Real Estate Market Division", "Phòng Quản lý thị trường bất động sản", "房地产市场监管处"),
    ("Housing Division", "Phòng Quản lý nhà ở", "住房保障处"),
    ("Urban Development Division", "Phòng Phát triển đô thị", "城市建设处"),
    ("Municipal Utilities Division", "Phòng Hạ tầng kỹ thuật", "市政公用事业处"),
    ("Rural Construction Division", "Phòng Xây dựng nông thôn", "村镇建设处"),
    ("Building Technology and Energy Division", "Phòng Khoa học công nghệ và tiết kiệm năng lượng", "建筑节能与科技处"),
    ("Survey and Design Division", "Phòng Khảo sát thiết kế", "勘察设计处"),
    ("Administrative Approval Division", "Bộ phận tiếp nhận và trả kết quả", "行政审批处"),
]

_DOHA_DIVISIONS = [
    ("Department Office", "Văn phòng Sở", "办公室"),
    ("Organisation and Civil Service Division", "Phòng Tổ chức, biên chế và công chức", "组织编制与公务员处"),
    ("Administrative Reform Division", "Phòng Cải cách hành chính", "行政改革处"),
    ("Local Government Division", "Phòng Xây dựng chính quyền", "基层政权建设处"),
    ("Archives Division", "Chi cục Văn thư – Lưu trữ", "档案处"),
]

# The 12 specialist offices of the district (Hai Ba Trung).
_DIST_OFFICES = [
    ("Office of the People's Council and People's Committee", "Văn phòng HĐND và UBND quận", "区政府办公室"),
    ("Home Affairs Office", "Phòng Nội vụ", "内务科"),
    ("Justice Office", "Phòng Tư pháp", "司法科"),
    ("Finance and Planning Office", "Phòng Tài chính – Kế hoạch", "财政计划科"),
    ("Natural Resources and Environment Office", "Phòng Tài nguyên và Môi trường", "资源环境科"),
    ("Labour, Invalids and Social Affairs Office", "Phòng Lao động – Thương binh và Xã hội", "劳动荣军社会科"),
    ("Culture and Information Office", "Phòng Văn hóa và Thông tin", "文化信息科"),
    ("Education and Training Office", "Phòng Giáo dục và Đào tạo", "教育培训科"),
    ("Health Office", "Phòng Y tế", "卫生科"),
    ("District Inspectorate", "Thanh tra quận", "区监察室"),
    ("Economic Office", "Phòng Kinh tế", "经济科"),
    ("Urban Management Office", "Phòng Quản lý đô thị", "城市管理科"),
]

_ZH_WARDS = ["中山", "人民", "解放", "和平", "胜利", "友好", "青年", "民主", "建设", "光明", "新华", "文化",
             "东风", "朝阳", "长江", "黄河", "海滨", "春柳"]

_PHASES = PHASES


def _pick(triple, language):
    return triple[LANGUAGES.index(language)]


def demo_units(language="en"):
    """The tree as [(code, name, kind, parent_code, runs_own_qms, phase)], parents first."""
    P = Phase
    units = [
        ("CITY", _CITY[language], Unit.Kind.CITY, None, False, P.PREPARATION),
        ("CB", _CB[language], Unit.Kind.AGENCY, "CITY", True, P.DOCUMENTATION),
    ]
    for i, names in enumerate(_CB_DIVISIONS, start=1):
        units.append((f"CB-D{i:02d}", _pick(names, language), Unit.Kind.DIVISION, "CB", False,
                      _PHASES[(i - 1) % len(_PHASES)]))
    units.append(("DOHA", _DOHA[language], Unit.Kind.AGENCY, "CITY", True, P.CERTIFIED))
    for i, names in enumerate(_DOHA_DIVISIONS, start=1):
        units.append((f"DOHA-D{i:02d}", _pick(names, language), Unit.Kind.DIVISION, "DOHA", False, P.CERTIFIED))
    units.append(("DIST", _DIST[language], Unit.Kind.DISTRICT, "CITY", True, P.INTERNAL_AUDIT))
    for i, names in enumerate(_DIST_OFFICES, start=1):
        units.append((f"DIST-O{i:02d}", _pick(names, language), Unit.Kind.OFFICE, "DIST", False,
                      _PHASES[(i - 1) % 3 + 4]))
    for i in range(1, 19):
        name = {"en": f"Ward {i}", "vi": f"Phường {i}", "zh-hans": f"{_ZH_WARDS[i - 1]}街道"}[language]
        units.append((f"DIST-W{i:02d}", name, Unit.Kind.WARD, "DIST", False, _PHASES[(i - 1) % 5 + 2]))
    return units


# --- People ---------------------------------------------------------------------------------------

# username → (role code, role unit, include sub-units, primary unit, names, positions)
_PEOPLE = [
    ("administrator", "administrator", "CITY", True, "CITY",
     ("Daniel Carter", "Nguyễn Văn An", "王建国"),
     ("IT officer, portal administrator", "Chuyên viên công nghệ thông tin, quản trị cổng",
      "信息中心科员、系统管理员")),
    ("steering", "steering_committee", "CITY", True, "CITY",
     ("Margaret Liu", "Trần Thị Bình", "李红梅"),
     ("Vice-mayor, head of the ISO steering committee", "Phó Chủ tịch UBND, Trưởng ban chỉ đạo ISO",
      "副市长、ISO领导小组组长")),
    ("mr", "management_representative", "DOHA", True, "DOHA",
     ("Thomas Reed", "Lê Văn Cường", "张伟"),
     ("Deputy director, management representative", "Phó Giám đốc Sở, đại diện lãnh đạo",
      "副局长、管理者代表")),
    ("doccontrol", "document_controller", "DOHA", True, "DOHA",
     ("Sarah Nguyen", "Phạm Thị Dung", "刘芳"),
     ("ISO officer, document controller", "Chuyên viên ISO, thư ký ISO", "ISO专员、文件管理员")),
    ("depthead", "department_head", "DOHA-D03", True, "DOHA-D03",
     ("Robert Hall", "Hoàng Văn Đức", "陈志强"),
     ("Head of the Administrative Reform Division", "Trưởng phòng Cải cách hành chính", "行政改革处处长")),
    ("staff", "staff", "DIST-W01", True, "DIST-W01",
     ("Emily Tran", "Vũ Thị Hoa", "杨丽"),
     ("Officer at the one-stop-shop desk", "Công chức bộ phận một cửa", "一站式窗口工作人员")),
    ("auditor", "internal_auditor", "DIST", True, "DIST",
     ("Kevin Walsh", "Đặng Quốc Huy", "赵明"),
     ("Internal auditor", "Chuyên gia đánh giá nội bộ", "内审员")),
    ("trainer", "training_coordinator", "CB", True, "CB",
     ("Laura Chen", "Bùi Thị Lan", "黄晓燕"),
     ("Training coordinator", "Chuyên viên đào tạo", "培训专员")),
]

# The colleagues who write, review and approve with them (they sign in with the same password, but
# the logins above are the ones the README introduces): the department's office chief (who reviews
# its procedures), a deputy in the department head's division, the construction bureau's quality
# team, and the district's.
_COLLEAGUES = [
    ("doha-office", "staff", "DOHA", True, "DOHA-D01",
     ("James Hoang", "Vũ Đình Khoa", "吴国栋"),
     ("Chief of the Department Office", "Chánh Văn phòng Sở", "办公室主任")),
    ("d03-deputy", "department_head", "DOHA-D03", True, "DOHA-D03",
     ("Anna Pham", "Ngô Thị Mai", "孙敏"),
     ("Deputy head of the Administrative Reform Division", "Phó Trưởng phòng Cải cách hành chính",
      "行政改革处副处长")),
    ("cb-mr", "management_representative", "CB", True, "CB",
     ("Zhou Jianhua", "Đỗ Minh Tuấn", "周建华"),
     ("Deputy director, management representative", "Phó Giám đốc Sở, đại diện lãnh đạo", "副局长、管理者代表")),
    ("cb-doccontrol", "document_controller", "CB", True, "CB",
     ("Sun Li", "Trịnh Thu Hà", "孙丽"),
     ("Document controller, ISO promotion office", "Thư ký ISO, Tổ giúp việc ISO", "推进办文件管理员")),
    ("cb-promotion", "staff", "CB", True, "CB",
     ("Zheng Kai", "Lý Quang Vinh", "郑凯"),
     ("Deputy head of the ISO promotion office", "Tổ phó Tổ giúp việc ISO", "推进办副主任")),
    ("cb-approvals", "department_head", "CB-D16", True, "CB-D16",
     ("Wu Haitao", "Phan Văn Hải", "吴海涛"),
     ("Head of the Administrative Approval Division", "Trưởng Bộ phận tiếp nhận và trả kết quả", "行政审批处处长")),
    ("dist-mr", "management_representative", "DIST", True, "DIST",
     ("Helen Vo", "Nguyễn Thị Thanh", "林静"),
     ("Vice-chair of the district, management representative", "Phó Chủ tịch UBND quận, đại diện lãnh đạo",
      "副区长、管理者代表")),
    ("dist-iso", "document_controller", "DIST", True, "DIST-O02",
     ("Mark Le", "Trần Quang Minh", "高峰"),
     ("ISO officer of the district, Home Affairs Office", "Chuyên viên Phòng Nội vụ, thư ký ISO của quận",
      "内务科ISO专员")),
    ("dist-office", "staff", "DIST", True, "DIST-O01",
     ("Grace Bui", "Lê Thị Hương", "何丽娟"),
     ("Chief of the district office", "Chánh Văn phòng HĐND và UBND quận", "区政府办公室主任")),
]
COLLEAGUES = [row[0] for row in _COLLEAGUES]

_SUPERUSER_NAME = {"en": "System Administrator", "vi": "Quản trị hệ thống", "zh-hans": "系统管理员"}

_REQUEST = {
    "role": "internal_auditor",
    "unit": "DOHA",
    "justification": {
        "en": "Trained and certified as an internal auditor this year; nominated to the cross-agency internal "
              "audit team that the Department of Home Affairs coordinates.",
        "vi": "Đã được đào tạo và cấp chứng chỉ chuyên gia đánh giá nội bộ năm nay; được cử tham gia đoàn đánh "
              "giá nội bộ liên cơ quan do Sở Nội vụ điều phối.",
        "zh-hans": "今年已完成内审员培训并取得证书，被推荐加入市内务局牵头的跨部门内部审核组。",
    },
}


def _email(username):
    return f"{username}@demo.example.org"


def _superuser(language, summary, start):
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        # No service may create the first superuser: Django's own manager does, as createsuperuser would.
        with demo_clock(start):
            admin = User.objects.create_superuser(
                username="admin", email=_email("admin"), password=DEMO_PASSWORD,
                full_name=_SUPERUSER_NAME[language], language=language,
            )
        summary["users_created"].append("admin")
    elif not admin.is_superuser:
        raise ValueError("A user named 'admin' exists and is not a superuser; the demo needs it to be one.")
    else:
        changes = {k: v for k, v in {"full_name": nfc(_SUPERUSER_NAME[language]), "language": language}.items()
                   if getattr(admin, k) != v}
        if changes:
            admin = services.user_update(acting_user=admin, user=admin, **changes)
            summary["users_updated"].append("admin")
    return admin


def _rollout(admin, unit, phase, start, number):
    """The unit's rollout up to ``phase``: a plan from the project's start, and a move into each
    phase in turn on its day (so the History tab tells the story); every third unit's plan is
    tighter than its pace, so the board shows units late against plan."""
    target = PHASES.index(phase)
    begin = start.date()
    pace = 850 // (target + 1)
    step = (700 if number % 3 == 2 else 950) // (target + 1)
    with demo_clock(begin):
        rollout_services.unit_rollout_plan(
            acting_user=admin, unit=unit, planned_start=begin, started_on=begin,
            planned={code: begin + timedelta(days=step * (n + 1)) for n, code in enumerate(ENDING)})
    for n in range(target):
        day = begin + timedelta(days=pace * (n + 1))
        with demo_clock(day):
            rollout_services.unit_rollout_move(acting_user=admin, unit=unit, phase=PHASES[n + 1], on=day)


def _units(admin, language, summary, start):
    existing = {u.code: u for u in Unit.objects.filter(code__in=[row[0] for row in demo_units(language)])}
    for code, name, kind, parent_code, own_qms, phase in demo_units(language):
        unit = existing.get(code)
        if unit is None:
            with demo_clock(start):
                existing[code] = services.unit_create(
                    acting_user=admin, code=code, name=name, kind=kind,
                    parent=existing[parent_code] if parent_code else None, runs_own_qms=own_qms,
                )
            _rollout(admin, existing[code], phase, start, len(summary["units_created"]))
            summary["units_created"].append(code)
        elif unit.name != nfc(name):
            existing[code] = services.unit_update(acting_user=admin, unit=unit, name=name)
            summary["units_updated"].append(code)
    return existing


def _people(admin, units, language, roles, summary, start):
    people = {}
    index = LANGUAGES.index(language)
    for username, role_code, role_unit, subunits, primary, names, positions in _PEOPLE + _COLLEAGUES:
        full_name, position = names[index], positions[index]
        user = User.objects.filter(username=username).first()
        if user is None:
            with demo_clock(start):
                user = services.user_create(
                    acting_user=admin, username=username, full_name=full_name, email=_email(username),
                    primary_unit=units[primary], position=position, language=language, password=DEMO_PASSWORD,
                )
                # The demo logins work at once: the person "chooses" the demo password themselves.
                user = services.user_set_password(acting_user=user, user=user, password=DEMO_PASSWORD,
                                                  temporary=False)
            summary["users_created"].append(username)
        else:
            wanted = {"full_name": nfc(full_name), "position": nfc(position), "language": language}
            changes = {k: v for k, v in wanted.items() if getattr(user, k) != v}
            if changes:
                user = services.user_update(acting_user=admin, user=user, **changes)
                summary["users_updated"].append(username)
        role, unit = roles[role_code], units[role_unit]
        if not RoleAssignment.objects.current().filter(user=user, role=role, unit=unit).exists():
            with demo_clock(start + timedelta(days=1)):
                services.role_assign(acting_user=admin, user=user, role=role, unit=unit,
                                     include_subunits=subunits)
            summary["assignments_created"].append(f"{username}: {role_code} @ {role_unit}")
        people[username] = user
    return people


def _access_request(people, units, language, roles, summary):
    requester, role, unit = people["staff"], roles[_REQUEST["role"]], units[_REQUEST["unit"]]
    # Any earlier request (even decided) counts: a second run must not ask again.
    if AccessRequest.objects.filter(requester=requester, role=role, unit=unit).exists():
        return
    services.access_request_create(
        acting_user=requester, role=role, unit=unit, include_subunits=False,
        justification=_REQUEST["justification"][language],
    )
    summary["access_requests_created"].append(f"staff: {_REQUEST['role']} @ {_REQUEST['unit']}")


@transaction.atomic
def seed_demo(language="en"):
    """Build the demo (idempotently) and return a summary of what was created or renamed."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
    summary = {
        "language": language, "units_created": [], "units_updated": [], "users_created": [],
        "users_updated": [], "assignments_created": [], "access_requests_created": [],
    }
    roles = ensure_system_roles()
    # The units, the people and their roles date from the start of the quality project (a second
    # run creates nothing, so the clock changes nothing then); the access request is two days old.
    start = project_start()
    admin = _superuser(language, summary, start)
    units = _units(admin, language, summary, start)
    people = _people(admin, units, language, roles, summary, start)
    with demo_clock(timezone.now() - timedelta(days=2, hours=3)):
        _access_request(people, units, language, roles, summary)
    summary["units_total"] = Unit.objects.filter(path__startswith=units["CITY"].path).count()
    summary["logins"] = DEMO_LOGINS
    return summary
