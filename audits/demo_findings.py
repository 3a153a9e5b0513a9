"""The findings part of the audits demo (``audits.demo.seed`` calls ``seed(demo)`` after plan's and
checklist's), through the services at the story's moments (``demo_clock``). Idempotent: what exists
is found again (a finding by its audit and description), a second run makes nothing.

* **Department of Home Affairs**, the certification audit plan made (QUACERT, led on the agency's
  side by the ISO officer ``doccontrol``): QUACERT's 6 minor (category 2) nonconformities and its 7
  observations, recorded on the audit day. The six are the nonconformities the nonconformities demo
  raised from QUACERT's report (matched by unit and title, linked both ways — never raised twice);
  that area's demo runs after this one, so its certification story is run here first (it is
  idempotent and skips what exists). Two observations led to improvement actions (one done). The
  report is written and signed (the audit closed by ``doccontrol`` with the password), the response
  to QUACERT due 90 days after the audit.
* **District**: on Ward 1's audit in progress today, the checklist answers marked "nonconformity" or
  "observation" (the checklist part's demo) become findings; the nonconformity is left to raise, so
  that the page shows what the close still needs.

Texts are Vietnamese (the agencies' own language), whatever language the demo is seeded in."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from qms_portal.demo import DEMO_PASSWORD, demo_clock
from qms_portal.models import Unit, User
from qms_portal.notifications import muted

from .models import Audit, ChecklistItem, Finding
from .services import findings as services

# QUACERT's 7 observations: (unit code, clause, description, evidence, improvement action or None)
# where an improvement action is (planner, owner, what, days after the audit due, done note or "").
QUACERT_OBSERVATIONS = [
    ("DOHA-D01", "7.1.6", "Tri thức của tổ chức chưa được hệ thống hoá; kinh nghiệm giải quyết hồ sơ phức tạp chủ "
     "yếu do cá nhân nắm giữ.", "Phỏng vấn 3 công chức bộ phận một cửa.",
     ("doha-office", "doha-office", "Lập sổ tay hướng dẫn xử lý các trường hợp hồ sơ phức tạp thường gặp", 60,
      "Đã ban hành sổ tay gồm 18 tình huống, phổ biến tại giao ban.")),
    ("DOHA-D03", "8.2.1", "Thông tin về thủ tục hành chính niêm yết tại bộ phận một cửa chưa có mã QR tra cứu "
     "tình trạng hồ sơ.", "Quan sát bảng niêm yết tại bộ phận một cửa.",
     ("depthead", "d03-deputy", "Bổ sung mã QR tra cứu tình trạng hồ sơ vào bảng niêm yết", 75, "")),
    ("DOHA-D01", "7.5.3", "Danh mục hồ sơ lưu trữ của một số phòng chưa ghi thời hạn lưu trữ.",
     "Danh mục hồ sơ của Phòng Tổ chức và Văn phòng.", None),
    ("DOHA-D02", "7.2", "Hồ sơ đào tạo nội bộ chưa đánh giá hiệu quả sau đào tạo.",
     "Hồ sơ 2 lớp tập huấn nghiệp vụ năm nay.", None),
    ("DOHA-D03", "9.1.3", "Số liệu theo dõi tỷ lệ hồ sơ đúng hạn chưa được phân tích xu hướng theo quý.",
     "Báo cáo tháng của bộ phận một cửa.", None),
    ("DOHA-D04", "6.1", "Rủi ro về chậm trễ khi lấy ý kiến liên ngành đã nhận diện nhưng chưa có biện pháp "
     "theo dõi.", "Sổ đăng ký rủi ro của Phòng.", None),
    ("DOHA-D05", "10.3", "Các sáng kiến cải tiến của công chức chưa được ghi nhận và tổng hợp định kỳ.",
     "Phỏng vấn lãnh đạo phòng.", None),
]
SUMMARY = ("Đoàn chuyên gia QUACERT đánh giá chứng nhận hệ thống quản lý chất lượng của Sở theo TCVN ISO "
           "9001:2015 trong 2 ngày: xem xét 35 quy trình, phỏng vấn lãnh đạo Sở, đại diện lãnh đạo và 5 phòng "
           "chuyên môn, kiểm tra ngẫu nhiên hồ sơ giải quyết thủ tục hành chính tại bộ phận một cửa.")
CONCLUSION = ("Hệ thống quản lý chất lượng của Sở được xây dựng, áp dụng phù hợp với TCVN ISO 9001:2015. Đoàn ghi "
              "nhận 6 điểm không phù hợp loại 2 và 7 điểm cần lưu ý. Sở khắc phục các điểm không phù hợp và gửi "
              "báo cáo khắc phục cho QUACERT trong 90 ngày để được xem xét cấp giấy chứng nhận.")
REQUIREMENT = "TCVN ISO 9001:2015, điều {clause}"


def _at(day, hour=9):
    """The story's clock at ``hour`` o'clock of ``day``."""
    return demo_clock(timezone.make_aware(datetime.combine(day, time(hour))))


def _clause(number):
    from documents.models import Clause

    return Clause.objects.filter(number=number).first()


def _nonconformities_story():
    """The nonconformities demo's certification audit (QUACERT's 6 minor nonconformities, driven to
    closed), run now if it has not been: idempotent, it skips what exists."""
    from nonconformities import demo as nc_demo

    story = nc_demo.Demo(timezone.localdate())
    nc_demo._heads(story)
    nc_demo.certification_audit(story)


class FindingsDemo:
    def __init__(self):
        self.people = {u.username: u for u in User.objects.filter(username__in=[
            "doccontrol", "doha-office", "depthead", "d03-deputy", "auditor", "mr"])}
        self.units = {u.code: u for u in Unit.objects.filter(code__startswith="DOHA")}
        self.made = 0

    def record(self, audit, by, *, day, hour=16, **fields):
        found = Finding.objects.filter(audit=audit, description=fields["description"]).first()
        if found is not None:
            return found, False
        with _at(day, hour):
            finding = services.finding_create(acting_user=self.people[by] if isinstance(by, str) else by,
                                              audit=audit, **fields)
        self.made += 1
        return finding, True


def certification(d, audit):
    from nonconformities import demo_data as text
    from nonconformities.models import Nonconformity
    from nonconformities.services import action_complete

    day = audit.starts_on
    lead = d.people["doccontrol"]
    for unit, clause, title, description, *_rest in text.QUACERT_FINDINGS:
        finding, _made = d.record(audit, lead, day=day, grade=Finding.Grade.MINOR, unit=d.units[unit],
                                  clause=_clause(clause), requirement=REQUIREMENT.format(clause=clause),
                                  evidence=description, description=title)
        if finding.nonconformity_id is None:
            nc = Nonconformity.objects.filter(unit=d.units[unit], title=title, source_type__isnull=True).first()
            if nc is not None:
                with _at(day, 17):
                    services.finding_link_nonconformity(acting_user=lead, finding=finding, nonconformity=nc)
    for unit, clause, description, evidence, improvement in QUACERT_OBSERVATIONS:
        finding, made = d.record(audit, lead, day=day, hour=17, grade=Finding.Grade.OBSERVATION, unit=d.units[unit],
                                 clause=_clause(clause), evidence=evidence, description=description)
        if improvement and finding.improvement_action_id is None:
            planner, owner, what, due_days, done = improvement
            with _at(day + timedelta(days=6), 10):
                action = services.finding_improvement_create(
                    acting_user=d.people[planner], finding=finding, description=what, owner=d.people[owner],
                    due=day + timedelta(days=due_days))
            if done:
                with _at(day + timedelta(days=40), 15):
                    action_complete(acting_user=d.people[owner], action=action, completion_note=done)
    audit.refresh_from_db()
    if audit.status == Audit.Status.IN_PROGRESS:
        from .services import plan

        with _at(audit.ends_on, 16):
            plan.audit_transition(acting_user=lead, audit=audit, name="report")
            services.audit_report_update(acting_user=lead, audit=audit, summary=SUMMARY, conclusion=CONCLUSION)
        with _at(audit.ends_on, 17):
            plan.audit_transition(acting_user=lead, audit=audit, name="close", password=DEMO_PASSWORD)


def ward_audit(d, audit):
    """Ward 1's audit in progress: the checklist's nonconformity and observation answers become
    findings (the nonconformity not raised yet)."""
    lead = audit.lead_auditor
    items = ChecklistItem.objects.filter(audit=audit, answer__in=[ChecklistItem.Answer.NONCONFORMITY,
                                                                  ChecklistItem.Answer.OBSERVATION],
                                         findings__isnull=True).select_related("clause")
    for item in items[:3]:
        nonconformity = item.answer == ChecklistItem.Answer.NONCONFORMITY
        clause = item.clause or (_clause("8.5") if nonconformity else None)
        d.record(audit, lead, day=timezone.localdate(), hour=11, checklist_item=item, unit=audit.scope_units.first()
                 or audit.unit, grade=Finding.Grade.MINOR if nonconformity else Finding.Grade.OBSERVATION,
                 clause=clause, requirement=item.question, evidence=item.notes,
                 description=item.notes or item.question)


def seed(demo):
    """Returns how many findings were made (0 on a second run, or without plan's demo audits)."""
    audits = demo.get("audits") or {}
    certification_audit = audits.get("certification")
    if certification_audit is None:
        return 0
    d = FindingsDemo()
    with muted():
        if "doccontrol" in d.people:
            _nonconformities_story()
        with transaction.atomic():
            certification(d, Audit.objects.get(pk=certification_audit.pk))
        in_progress = audits.get("in_progress")
        if in_progress is not None and in_progress.status == Audit.Status.IN_PROGRESS:
            with transaction.atomic():
                ward_audit(d, Audit.objects.get(pk=in_progress.pk))
    demo["findings"] = {"certification": list(Finding.objects.filter(audit=certification_audit).order_by("number"))}
    return d.made
