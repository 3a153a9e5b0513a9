"""The sessions part of the training demo (``training.demo.seed`` calls ``seed(demo)`` first), built
through the services as the people would have done it, on the demo's clock. Idempotent: a
competence or course is looked up by its code, a session by its unit and course, a person by
username; a second run makes nothing. Texts are in each unit's own language (the construction
bureau's in Chinese, the district's in Vietnamese), whatever language the demo is seeded in.

* The catalogue: three competences — ISO 9001 awareness (does not expire), internal auditor
  (valid 36 months), document control (valid 24 months) — and a course for each.
* **Construction bureau** (Dalian): the two-day ISO 9001 awareness class its promotion office ran
  at the Anbo training centre a few weeks after the quality project started, taught by an outside
  trainer: 21 document writers invited, 19 present, 2 absent on official business (因公外出);
  closed, so the 19 hold the awareness competence and their heads' effectiveness checks were due
  three months later. A document control class next week, invitations sent (the ``trainer`` login
  marks its attendance on the day).
* **District** (in Vietnamese): the internal auditor course given by QUACERT three months into the
  project, with a test (pass mark 70); its graduates are the district's internal auditors
  (``auditor`` and, when the audits demo made them, ``dist-auditor``), qualified for 36 months;
  one more participant did not pass.

``demo["competences"]``, ``demo["courses"]`` (by code), ``demo["sessions"]`` (``awareness``,
``internal_auditor``, ``document_control``) and ``demo["writers"]`` (the bureau's 21) are left for
the later parts."""

from datetime import datetime, timedelta
from datetime import time as dtime

from django.db import transaction
from django.utils import timezone

from qms_portal import services as core
from qms_portal.demo import DEMO_PASSWORD, demo_clock, project_start
from qms_portal.models import RoleAssignment, Unit, User
from qms_portal.notifications import muted
from qms_portal.roles import ensure_system_roles

from .models import Competence, Course, Participant, Session
from .services import sessions as services
from .services import sessions_attendance as attendance
from .services import sessions_invitations as invitations

A = Participant.Attendance
COMPETENCES = [
    ("iso-awareness", "ISO 9001 awareness", "Nhận thức về ISO 9001", "ISO 9001 意识", "ISO 9001 認知", None),
    ("internal-auditor", "Internal auditor", "Chuyên gia đánh giá nội bộ", "内审员", "內部稽核員", 36),
    ("document-control", "Document control", "Kiểm soát tài liệu", "文件控制", "文件管制", 24),
]
COURSES = [
    # code, topic, title by demo language, hours, competences, pass mark
    ("AW-9001", Course.Topic.AWARENESS,
     {"en": "ISO 9001 awareness", "vi": "Nhận thức về tiêu chuẩn ISO 9001",
      "zh-hans": "ISO 9001 质量管理体系认证培训班"},
     16, ["iso-awareness"], None),
    ("IA-9001", Course.Topic.INTERNAL_AUDITOR,
     {"en": "Internal auditor course (ISO 9001:2015)", "vi": "Đào tạo chuyên gia đánh giá nội bộ ISO 9001:2015",
      "zh-hans": "ISO 9001:2015 内审员培训"}, 24, ["internal-auditor"], 70),
    ("DC-01", Course.Topic.DOCUMENT_CONTROL,
     {"en": "Document control", "vi": "Kiểm soát tài liệu và hồ sơ", "zh-hans": "文件和记录控制培训"},
     4, ["document-control"], None),
]
AWARENESS = {
    "place": "安波培训中心",
    "trainer": "单洪", "organisation": "北京国环咨询中心",
    "note": "推进办体系文件编写人员培训：政府导入质量管理体系的意义、ISO 9000 族标准概论、ISO 9001 标准条款和术语、"
            "质量管理原则、程序文件编写基本思路。",
    "reason": "因公外出",
}
DOCUMENT_CONTROL = {"place": "局三楼会议室", "note": "文件编号、发布、作废和定期评审的实际操作。"}
INTERNAL_AUDITOR = {
    "place": "Hội trường UBND quận, tầng 3",
    "trainer": "Nguyễn Thị Hằng", "organisation": "Trung tâm Chứng nhận Phù hợp (QUACERT)",
    "note": "Khóa đào tạo 3 ngày cho chuyên gia đánh giá nội bộ của quận và các phòng, phường; "
            "có bài kiểm tra cuối khóa.",
}
# The bureau's document writers beyond the core demo's people (one or two per division).
WRITERS = ["王磊", "李娜", "张静", "刘洋", "陈杰", "杨帆", "赵敏", "黄涛", "周婷", "吴斌", "徐丽", "孙强", "马超",
           "朱琳", "胡军", "郭佳", "何伟"]
CB_PEOPLE = ["cb-mr", "cb-doccontrol", "cb-promotion", "cb-approvals"]
ABSENT = ("cb-writer-05", "cb-writer-11")


def _aware(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, dtime(hour, minute)))


def _catalogue(admin, language, demo):
    made = 0
    competences = {}
    for code, en, vi, hans, hant, months in COMPETENCES:
        found = Competence.objects.filter(code=code).first()
        if found is None:
            found = services.competence_create(acting_user=admin, code=code, name_en=en, name_vi=vi, name_zh_hans=hans,
                                               name_zh_hant=hant, validity_months=months)
            made += 1
        competences[code] = found
    courses = {}
    for code, topic, titles, hours, comps, mark in COURSES:
        found = Course.objects.filter(code=code).first()
        if found is None:
            found = services.course_create(acting_user=admin, code=code, title=titles.get(language, titles["en"]),
                                           topic=topic, duration_hours=hours, pass_mark=mark,
                                           competences=[competences[c] for c in comps])
            made += 1
        courses[code] = found
    demo["competences"], demo["courses"] = competences, courses
    return made


def _writers(admin, units, start, language):
    """The bureau's document writers: the core demo's bureau people and 17 more, one or two a division
    (their preferred language the demo's, as the core demo's people's)."""
    staff = ensure_system_roles()["staff"]
    people = list(User.objects.filter(username__in=CB_PEOPLE).order_by("username"))
    for i, name in enumerate(WRITERS, start=1):
        username = f"cb-writer-{i:02d}"
        user = User.objects.filter(username=username).first()
        if user is None:
            division = units[f"CB-D{(i - 1) % 16 + 1:02d}"]
            with demo_clock(start):
                user = core.user_create(acting_user=admin, username=username, full_name=name,
                                        email=f"{username}@demo.example.org", primary_unit=division,
                                        position="体系文件编写人员", language=language, password=DEMO_PASSWORD)
                if not RoleAssignment.objects.current().filter(user=user, role=staff).exists():
                    core.role_assign(acting_user=admin, user=user, role=staff, unit=division, include_subunits=False,
                                     notify_user=False)
        people.append(user)
    return people


def _awareness(admin, coordinator, bureau, course, writers, start):
    found = Session.objects.filter(unit=bureau, course=course).order_by("starts_at").first()
    if found is not None:
        return found, 0
    day = (start + timedelta(days=16)).date()
    while day.weekday() >= 5:
        day += timedelta(days=1)
    with demo_clock(_aware(day - timedelta(days=10), 9)):
        session = services.session_create(
            acting_user=coordinator, course=course, unit=bureau, starts_at=_aware(day, 8, 30),
            ends_at=_aware(day + timedelta(days=1), 17), external_trainer=AWARENESS["trainer"],
            external_organisation=AWARENESS["organisation"], place=AWARENESS["place"], capacity=25,
            note=AWARENESS["note"])
        invitations.session_invite(acting_user=coordinator, session=session, people=writers)
        services.session_transition(acting_user=coordinator, session=session, name="invite")
    with demo_clock(_aware(day, 9)):
        services.session_transition(acting_user=coordinator, session=session, name="hold")
        marks = {p.pk: (A.ABSENT, AWARENESS["reason"], "") if p.user.username in ABSENT else (A.PRESENT, "", "")
                 for p in session.participants.select_related("user")}
        attendance.attendance_record(acting_user=coordinator, session=session, marks=marks)
    with demo_clock(_aware(day + timedelta(days=2), 10)):
        services.session_transition(acting_user=coordinator, session=session, name="close")
    return session, 1


def _internal_auditor(admin, district, course, start):
    found = Session.objects.filter(unit=district, course=course).order_by("starts_at").first()
    if found is not None:
        return found, 0
    graduates = list(User.objects.filter(username__in=["auditor", "dist-auditor"]).order_by("username"))
    others = list(User.objects.filter(username__in=["dist-iso", "dist-office"]).order_by("username"))
    day = (start + timedelta(days=95)).date()
    while day.weekday() >= 3:  # three days, Monday to Wednesday
        day += timedelta(days=1)
    with demo_clock(_aware(day - timedelta(days=14), 9)):
        session = services.session_create(
            acting_user=admin, course=course, unit=district, starts_at=_aware(day, 8),
            ends_at=_aware(day + timedelta(days=2), 16, 30), external_trainer=INTERNAL_AUDITOR["trainer"],
            external_organisation=INTERNAL_AUDITOR["organisation"], place=INTERNAL_AUDITOR["place"], capacity=20,
            note=INTERNAL_AUDITOR["note"])
        invitations.session_invite(acting_user=admin, session=session, people=graduates + others)
        services.session_transition(acting_user=admin, session=session, name="invite")
    scores = {"auditor": "88", "dist-auditor": "82", "dist-iso": "76", "dist-office": "61"}
    with demo_clock(_aware(day + timedelta(days=2), 16)):
        services.session_transition(acting_user=admin, session=session, name="hold")
        marks = {p.pk: (A.PRESENT, "", scores.get(p.user.username, "75"))
                 for p in session.participants.select_related("user")}
        attendance.attendance_record(acting_user=admin, session=session, marks=marks)
        services.session_transition(acting_user=admin, session=session, name="close")
    return session, 1


def _document_control(coordinator, bureau, course, writers):
    found = Session.objects.filter(unit=bureau, course=course).first()
    if found is not None:
        return found, 0
    day = timezone.localdate() + timedelta(days=7)
    session = services.session_create(
        acting_user=coordinator, course=course, unit=bureau, starts_at=_aware(day, 14), ends_at=_aware(day, 17, 30),
        trainer=User.objects.get(username="cb-doccontrol"), place=DOCUMENT_CONTROL["place"], capacity=12,
        note=DOCUMENT_CONTROL["note"])
    invitations.session_invite(acting_user=coordinator, session=session, people=writers[4:12])
    services.session_transition(acting_user=coordinator, session=session, name="invite")
    return session, 1


def seed(demo):
    bureau, district = Unit.objects.filter(code="CB").first(), Unit.objects.filter(code="DIST").first()
    admin = User.objects.filter(username="admin", is_superuser=True).first()
    coordinator = User.objects.filter(username="trainer").first()
    if bureau is None or district is None or admin is None or coordinator is None:
        return 0
    language = demo.get("language", "en")
    start = project_start()
    units = {u.code: u for u in Unit.objects.filter(code__startswith="CB-D")}
    with transaction.atomic(), muted():
        made = _catalogue(admin, language, demo)
        writers = _writers(admin, units, start, language)
        courses = demo["courses"]
        awareness, n1 = _awareness(admin, coordinator, bureau, courses["AW-9001"], writers, start)
        auditors, n2 = _internal_auditor(admin, district, courses["IA-9001"], start)
        control, n3 = _document_control(coordinator, bureau, courses["DC-01"], writers)
    demo["sessions"] = {"awareness": awareness, "internal_auditor": auditors, "document_control": control}
    demo["writers"] = writers
    return made + n1 + n2 + n3
