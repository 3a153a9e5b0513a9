"""Province-sized training plans for ``manage.py seed_scale`` (the plan part of
``training.scale.TrainingScale``): a plan for this year in every active unit under the root (250
units: 250 plans; ``--plan-items`` items each, default 6; 0 builds none), and last year's for one
unit in three (approved), in bulk (``bulk_create_with_history``), in one transaction.

Items spread over the needs and the months, with 5–40 people each; when the sessions part built
sessions, each unit's held or closed sessions of the year are linked to its first items (so the
plans are partly done). Bulk and not the services: the rules are the services' (one plan per unit
and year, a title or a course, months 1–12); the links are written to the through table (the
items' history does not list them)."""

import random
import time

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from qms_portal.bench.tools import ScaleBuilder
from qms_portal.models import Unit, User

from .models import Course, PlanItem, Session, TrainingPlan
from .services.plan import DONE_SESSION_STATUSES

_TITLES = [
    ("gap", "Tập huấn nhận thức TCVN ISO 9001:2015"),
    ("gap", "Đào tạo chuyên gia đánh giá nội bộ"),
    ("refresher", "Bồi dưỡng lại kiểm soát tài liệu"),
    ("revision", "Tập huấn quy trình tiếp nhận hồ sơ (sửa đổi)"),
    ("new_staff", "Hội nhập cho công chức mới"),
    ("other", "Tập huấn phần mềm một cửa điện tử"),
]


def build_plans(*, root, per_unit=6, rng=None, acting_user=None):
    started = time.perf_counter()
    summary = {"plans": 0, "items": 0, "links": 0, "seconds": 0.0}
    if per_unit <= 0:
        return summary
    rng = rng or random.Random(2041)
    now = timezone.now()
    year = timezone.localdate(now).year
    acting = acting_user or User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    history = {"default_user": acting, "default_date": now}
    units = list(Unit.objects.filter(path__startswith=root.path, is_active=True).order_by("path").only("pk"))
    have = set(TrainingPlan.objects.filter(unit__in=units, year__in=(year, year - 1))
               .values_list("unit_id", "year"))
    courses = list(Course.objects.filter(is_active=True).order_by("code").values_list("pk", flat=True)[:20])
    plans = []
    for index, unit in enumerate(units):
        if (unit.pk, year) not in have:
            status = TrainingPlan.Status.DRAFT if index % 4 else TrainingPlan.Status.APPROVED
            plans.append(TrainingPlan(unit_id=unit.pk, year=year, status=status,
                                      budget="Kinh phí cải cách hành chính: 20 triệu đồng."))
        if index % 3 == 0 and (unit.pk, year - 1) not in have:
            plans.append(TrainingPlan(unit_id=unit.pk, year=year - 1, status=TrainingPlan.Status.APPROVED,
                                      budget="Kinh phí năm trước: 18 triệu đồng."))
    plans = bulk_create_with_history(plans, TrainingPlan, batch_size=1000, **history)
    items = []
    for plan in plans:
        for i in range(per_unit):
            need, title = _TITLES[i % len(_TITLES)]
            course = courses[rng.randrange(len(courses))] if courses and rng.random() < 0.5 else None
            items.append(PlanItem(plan_id=plan.pk, need=need, course_id=course, title=title,
                                  month=(i * 2) % 12 + 1, participants=rng.randint(5, 40)))
    items = bulk_create_with_history(items, PlanItem, batch_size=2000, **history)
    # Each unit's held or closed sessions of the year go to its plan's first items.
    done = {}
    for session_id, unit_id in (Session.objects.filter(unit__in=units, starts_at__year=year,
                                                       status__in=DONE_SESSION_STATUSES)
                                .order_by("unit_id", "starts_at").values_list("pk", "unit_id")):
        done.setdefault(unit_id, []).append(session_id)
    plan_unit = {p.pk: p.unit_id for p in plans if p.year == year}
    Through = PlanItem.sessions.through
    links, position = [], {}
    for item in items:
        unit_id = plan_unit.get(item.plan_id)
        sessions = done.get(unit_id) or []
        n = position.get(unit_id, 0)
        if n < len(sessions) and n < per_unit // 2:
            links.append(Through(planitem_id=item.pk, session_id=sessions[n]))
            position[unit_id] = n + 1
    Through.objects.bulk_create(links, batch_size=2000, ignore_conflicts=True)
    summary.update(plans=len(plans), items=len(items), links=len(links), seconds=time.perf_counter() - started)
    return summary


class Scale(ScaleBuilder):
    def add_arguments(self, parser):
        parser.add_argument("--plan-items", type=int, default=6,
                            help="Items in each unit's training plan (default 6; 0: no plans).")

    def check(self, options):
        if options["plan_items"] < 0:
            raise ValueError("--plan-items cannot be negative.")

    def build(self, *, root, options, acting_user):
        return build_plans(root=root, per_unit=options["plan_items"], acting_user=acting_user)

    def describe(self, summary):
        if not summary.get("plans"):
            return []
        return [f"{summary['plans']} training plans with {summary['items']} items, {summary['links']} linked to "
                f"sessions held ({summary['seconds']:.2f} s)."]

    def analyze_models(self):
        return [TrainingPlan, PlanItem, TrainingPlan.history.model, PlanItem.history.model, PlanItem.sessions.through]

    def data_size(self):
        return {"training plans": TrainingPlan.objects.count(), "training plan items": PlanItem.objects.count()}
