"""The checklist part of the audits demo (after the plan part, which puts its audits in
``demo["audits"]``): the checklist of Ward 1's internal audit, in progress on site today, half filled
in by its lead auditor and its team member, in Vietnamese (the ward's language), built through the
services from the audit's clauses and procedures; and the district's checklist template kept from it.
Idempotent: an audit that already has questions is left as it is.

``demo["checklist"]`` holds ``audit``, ``items`` and the items answered ``nonconformity`` and
``observation`` (for the findings part: a finding recorded from a checklist item)."""

import uuid
from datetime import datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from qms_portal.demo import demo_clock
from qms_portal.models import User
from qms_portal.notifications import muted

from .models import ChecklistItem, ChecklistTemplate
from .services import checklist as services
from .services import checklist_templates as templates

A = ChecklistItem.Answer

EXTRA_QUESTIONS = [
    ("7.5", "Sổ theo dõi hồ sơ tiếp nhận và trả kết quả tại bộ phận một cửa có được cập nhật hằng ngày không?"),
    ("8.7", "Hồ sơ trả chậm trong quý có phiếu xin lỗi và hẹn lại ngày trả kết quả gửi công dân không?"),
    ("9.1", "Kết quả khảo sát mức độ hài lòng của người dân có được tổng hợp và báo cáo lãnh đạo không?"),
]
# (answer, notes) for the first half of the questions, in order.
ANSWERS = [
    (A.CONFORMS, "Danh mục tài liệu nội bộ cập nhật ngày 02/10; bản đang hiệu lực có tại bộ phận một cửa."),
    (A.NONCONFORMITY, "03 hồ sơ cấp giấy chứng nhận quyền sử dụng đất trả chậm 2–5 ngày, không có phiếu xin lỗi."),
    (A.OBSERVATION, "Sổ theo dõi hồ sơ trả chậm ghi đủ nhưng chưa có chữ ký của người nhận ở một số trang."),
    (A.CONFORMS, ""),
    (A.NOT_APPLICABLE, "Phường không có dịch vụ thuê ngoài."),
]
TEMPLATE_NAME = "Đánh giá nội bộ phường — bộ câu hỏi mẫu"


def seed(demo):
    audit = (demo.get("audits") or {}).get("in_progress")
    if audit is None:
        return 0
    audit.refresh_from_db()
    if audit.items.exists():
        items = list(audit.items.order_by("position", "id"))
        demo["checklist"] = _handed_on(audit, items)
        return 0
    lead = audit.lead_auditor
    member = audit.team.order_by("pk").first() or lead
    if lead is None:
        return 0
    day = timezone.localdate()
    start = timezone.make_aware(datetime.combine(day, time(9, 30)))
    with muted(), translation.override("vi"):
        with demo_clock(start - timedelta(days=2)):
            items = services.checklist_build(acting_user=lead, audit=audit, clauses=list(audit.clauses.all()),
                                             procedures=list(audit.processes.all()))
            from documents.models import Clause

            clauses = {c.number: c for c in Clause.objects.filter(number__in=[n for n, _q in EXTRA_QUESTIONS])}
            for number, question in EXTRA_QUESTIONS:
                items.append(services.checklist_item_add(acting_user=lead, audit=audit, question=question,
                                                         clause=clauses.get(number)))
        items = list(audit.items.order_by("position", "id"))
        half = items[:max(2, len(items) // 2)]  # about half answered: the rest is still to do on site
        for index, (item, (answer, notes)) in enumerate(zip(half, ANSWERS, strict=False)):
            who = lead if index % 2 == 0 else member
            with demo_clock(min(start + timedelta(minutes=25 * index), timezone.now())):
                services.checklist_item_answer(acting_user=who, item=item, answer=answer, notes=notes,
                                               key=uuid.uuid4(), base_version=item.version)
        _keep_template(audit)
    demo["checklist"] = _handed_on(audit, items)
    return len(items)


def _keep_template(audit):
    """The district's ISO officer keeps the ward's questions for next year (once)."""
    if ChecklistTemplate.objects.filter(name=TEMPLATE_NAME).exists():
        return
    for username in ("dist-iso", getattr(audit.lead_auditor, "username", "")):
        person = User.objects.filter(username=username).first()
        if person is None:
            continue
        try:
            templates.checklist_save_as_template(acting_user=person, audit=audit, unit=audit.unit,
                                                 name=TEMPLATE_NAME)
            return
        except (PermissionDenied, ValidationError):
            continue


def _handed_on(audit, items):
    by_answer = {}
    for item in ChecklistItem.objects.filter(pk__in=[i.pk for i in items]).order_by("position"):
        by_answer.setdefault(item.answer, item)
    return {"audit": audit, "items": items, "nonconformity": by_answer.get(A.NONCONFORMITY),
            "observation": by_answer.get(A.OBSERVATION)}
