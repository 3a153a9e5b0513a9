"""The plan part of the training demo (``training.demo.seed``, after sessions, records, competence and
matrix): this year's training plan of each demo agency, with its budget line and items, drafted
early in the year (``demo_clock``) and approved by the agency's management representative:

* **Department of Home Affairs** (``DOHA``, in Vietnamese): ISO 9001 awareness for the whole
  department, the internal auditor course, document control for the ISO officers, training on the
  revised procedure for receiving files, induction for new staff;
* **construction bureau** (``CB``, in Chinese): 质量管理体系意识培训, 内审员培训, 行政审批程序修订培训,
  新入职人员培训;
* **the district** (``DIST``, in Vietnamese), a draft still: awareness for the ward committees.

Items are linked to the demo's sessions when the sessions part made some (the agency's sessions of
the year whose course matches the item, else none: the plan then shows nothing done yet), so some
items are done. Idempotent: a plan is looked up by unit and year."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from qms_portal.demo import DEMO_PASSWORD, demo_clock
from qms_portal.models import Unit, User
from qms_portal.notifications import muted

from .models import Course, Session, TrainingPlan
from .services import plan as services

# unit → (approved by, budget line, note, items: [(need, course topic or None, title, month, people)])
PLANS = {
    "DOHA": ("mr", "Kinh phí đào tạo từ nguồn cải cách hành chính năm nay: 45 triệu đồng (giảng viên, tài liệu, "
                   "hội trường).",
             "Kế hoạch đào tạo theo yêu cầu của TCVN ISO 9001:2015, điều 7.2.",
             [("gap", "awareness", "Tập huấn nhận thức về TCVN ISO 9001:2015 cho công chức toàn Sở", 3, 21),
              ("gap", "internal_auditor", "Đào tạo chuyên gia đánh giá nội bộ", 5, 6),
              ("refresher", "document_control", "Bồi dưỡng kiểm soát tài liệu cho cán bộ ISO", 6, 4),
              ("revision", "procedure", "Tập huấn quy trình tiếp nhận và trả kết quả hồ sơ (sửa đổi lần 2)", 9, 15),
              ("new_staff", None, "Hội nhập cho công chức mới tuyển dụng", 10, 5)]),
    "CB": ("cb-mr", "年度培训经费：人民币6万元（列入局机关年度预算“干部教育培训”科目）。",
           "依据ISO 9001:2015第7.2条编制，报管理者代表批准。",
           [("gap", "awareness", "质量管理体系意识培训（全局干部）", 3, 40),
            ("gap", "internal_auditor", "内审员培训", 4, 8),
            ("revision", "procedure", "行政审批程序修订培训", 8, 16),
            ("new_staff", None, "新入职人员质量管理体系培训", 9, 6)]),
    "DIST": (None, "Kinh phí từ ngân sách cải cách hành chính của quận: 20 triệu đồng.", "",
             [("gap", "awareness", "Tập huấn nhận thức ISO 9001:2015 cho cán bộ các phường", 4, 36),
              ("other", None, "Tập huấn sử dụng phần mềm một cửa điện tử", 7, 18)]),
}


def _acting(unit):
    """A person who may draft the unit's plan: its training coordinator, else the portal's superuser."""
    from qms_portal.permissions import can

    for user in User.objects.filter(is_active=True, assignments__role__code="training_coordinator",
                                    assignments__ended_at__isnull=True).distinct():
        if can(user, services.ADD, unit):
            return user
    return User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()


def _session_for(unit, year, topic, used):
    """A demo session of the agency's subtree this year on a course of ``topic`` (held or closed
    first), not linked yet: None when the sessions part made none."""
    if topic is None:
        return None
    sessions = (Session.objects.filter(unit__path__startswith=unit.path, starts_at__year=year, course__topic=topic)
                .exclude(status=Session.Status.CANCELLED).exclude(pk__in=used)
                .order_by("-status", "starts_at"))
    for session in sessions:
        if session.status in services.DONE_SESSION_STATUSES:
            return session
    return None


def _course(topic):
    if topic is None:
        return None
    return Course.objects.filter(topic=topic, is_active=True).order_by("code").first()


def _plan(code, spec, year, today):
    unit = Unit.objects.filter(code=code).first()
    if unit is None or TrainingPlan.objects.filter(unit=unit, year=year).exists():
        return 0
    approver_name, budget, note, items = spec
    acting = _acting(unit)
    if acting is None:
        return 0
    made, used = 0, set()
    with demo_clock(min(today, date(year, 1, 10))):
        plan = services.plan_create(acting_user=acting, unit=unit, year=year, budget=budget, note=note)
        rows = []
        for need, topic, title, month, people in items:
            course = _course(topic)
            rows.append(services.plan_item_add(acting_user=acting, plan=plan, need=need, course=course,
                                               title=title if course is None or course.title != title else "",
                                               month=month, participants=people))
            made += 1
        approver = User.objects.filter(username=approver_name, is_active=True).first() if approver_name else None
        if approver is not None and services.WORKFLOW.available(plan, approver):
            services.plan_transition(acting_user=approver, plan=plan, name="approve", password=DEMO_PASSWORD)
    for item, (_need, topic, _title, _month, _people) in zip(rows, items, strict=True):
        session = _session_for(unit, year, topic, used)
        if session is not None:
            used.add(session.pk)
            services.plan_item_link_sessions(acting_user=acting, item=item, sessions=[session])
    return made + 1


def seed(demo):
    """Returns how many records were made (0 on a second run, or without the core's demo units)."""
    today = timezone.localdate()
    made = 0
    with muted(), transaction.atomic():
        for code, spec in PLANS.items():
            made += _plan(code, spec, today.year, today)
    demo["plan"] = {"plans": list(TrainingPlan.objects.filter(unit__code__in=PLANS, year=today.year)
                                  .values_list("pk", flat=True))}
    return made
