"""The plan part of the audits demo (``audits.demo.seed`` calls ``seed(demo)`` first), built through
the services at the moments the story says (``demo_clock``): this year's programmes and the audits
the later parts build on. Idempotent: programmes are looked up by unit and year, audits by unit and
title; a second run makes nothing. Texts are in each agency's own language (Vietnamese for the
Vietnamese units, Chinese for the construction bureau), whatever language the demo is seeded in.

* **Central District** (in its internal audit phase): this year's programme, approved (signed) by
  ``dist-mr``; the internal audit of the district office, closed (its report signed by ``auditor``),
  and Ward 1's, in progress on site today (``auditor`` leads, ``dist-auditor`` is on the team,
  ``staff`` is audited).
* **Department of Home Affairs** (certified): this year's programme, approved by ``mr``; the
  certification audit of the source article (QUACERT, TCVN ISO 9001:2015), recorded by
  ``doccontrol`` — a shell the findings part fills with QUACERT's findings.
* **Construction bureau** (documentation phase), in Chinese: a draft programme waiting for ``cb-mr``.

``demo["audits"]`` holds ``closed``, ``in_progress``, ``certification`` (audits) and
``programmes`` (by unit code) for the later parts."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from qms_portal import services as core
from qms_portal.demo import DEMO_PASSWORD, demo_clock, project_start
from qms_portal.models import RoleAssignment, Unit, User
from qms_portal.notifications import muted

from .models import Audit, AuditProgramme
from .services import plan as services
from .services import plan_programme

# The district's second internal auditor (the core's demo has one, ``auditor``).
SECOND_AUDITOR = ("dist-auditor", "DIST-O02", ("Peter Dang", "Phạm Minh Tuấn", "邓鹏"),
                  ("Internal auditor, Home Affairs Office", "Chuyên gia đánh giá nội bộ, Phòng Nội vụ", "内务科内审员"))
LANGUAGE_INDEX = {"en": 0, "vi": 1, "zh-hans": 2}

PROGRAMME_TITLE = {
    "DIST": "Chương trình đánh giá nội bộ năm {year}",
    "DOHA": "Chương trình đánh giá nội bộ HTQLCL năm {year}",
    "CB": "{year}年度内部审核方案",
}
PROGRAMME_NOTES = {
    "DIST": "Mỗi phòng chuyên môn và phường được đánh giá ít nhất một lần trong năm theo TCVN ISO 9001:2015.",
    "DOHA": "Đánh giá nội bộ trước đợt đánh giá giám sát của QUACERT.",
    "CB": "按照GB/T 19001-2016，各处室每年至少审核一次。",
}
# [(unit code, the month as an offset from this month (None: the closed audit's month), clause numbers)]:
# the district's line of the closed audit, Ward 1's this month, two lines whose month has passed with
# no audit yet (the gaps the programme's page flags), and the months to come.
DIST_ENTRIES = [("DIST-O01", None, ["7.5", "8.2", "9.1"]), ("DIST-W01", 0, ["7.5", "8.5", "8.7"]),
                ("DIST-O03", -3, ["8.5", "9.1"]), ("DIST-W02", -5, ["7.1", "8.2"]), ("DIST-O05", 1, ["6.2", "8.5"]),
                ("DIST-W05", 2, []), ("DIST-O10", 3, ["9.2", "10.2"])]
DOHA_ENTRIES = [("DOHA-D01", 1, ["7.5"]), ("DOHA-D02", 2, ["7.2", "7.3"]), ("DOHA-D03", 3, ["8.2", "8.5"]),
                ("DOHA-D04", 4, ["8.5"]), ("DOHA-D05", 5, ["7.5.3"])]
CB_ENTRIES = [("CB-D01", 1, ["7.5"]), ("CB-D16", 2, ["8.2", "8.5", "8.7"]), ("CB-D07", 3, ["8.5", "9.1"]),
              ("CB-D10", 4, ["9.1.2"])]

CLOSED = {
    "title": "Đánh giá nội bộ Văn phòng HĐND và UBND quận",
    "criteria": "TCVN ISO 9001:2015; sổ tay chất lượng; quy trình kiểm soát tài liệu và hồ sơ của quận.",
    "summary": "Đoàn đánh giá đã phỏng vấn 6 công chức, xem xét 42 hồ sơ lưu trữ và việc cập nhật danh mục tài liệu. "
               "Văn phòng áp dụng đúng quy trình kiểm soát tài liệu; hồ sơ được lưu trữ đầy đủ.",
    "conclusion": "Hệ thống quản lý chất lượng tại Văn phòng được áp dụng và duy trì phù hợp với TCVN ISO 9001:2015. "
                  "Không phát hiện điểm không phù hợp; hai điểm cần lưu ý được ghi nhận để cải tiến.",
}
IN_PROGRESS = {
    "title": "Đánh giá nội bộ UBND Phường 1 — bộ phận một cửa",
    "criteria": "TCVN ISO 9001:2015 điều 7.5, 8.5, 8.7; quy trình tiếp nhận và trả kết quả hồ sơ.",
}
CERTIFICATION = {
    "title": "Đánh giá chứng nhận HTQLCL theo TCVN ISO 9001:2015",
    "body": "QUACERT",
    "auditors": "Nguyễn Thị Hằng (chuyên gia đánh giá trưởng)\nTrần Văn Quang\nLê Minh Châu",
    "criteria": "TCVN ISO 9001:2015; Quyết định 19/2014/QĐ-TTg; toàn bộ 35 quy trình của Sở.",
}


def _clauses(numbers):
    from documents.models import Clause

    return list(Clause.objects.filter(number__in=numbers))


class PlanDemo:
    def __init__(self, demo):
        self.demo = demo
        self.today = timezone.localdate()
        self.year = self.today.year
        self.people = {u.username: u for u in User.objects.filter(username__in=[
            "admin", "mr", "doccontrol", "depthead", "doha-office", "staff", "auditor", "dist-mr", "dist-iso",
            "dist-office", "cb-mr", "cb-doccontrol", SECOND_AUDITOR[0]])}
        self.units = {u.code: u for u in Unit.objects.filter(code__regex=r"^(DIST|DOHA|CB)")}
        self.made = 0

    def __getitem__(self, username):
        return self.people[username]

    def at(self, day):
        return demo_clock(min(day, self.today))

    def second_auditor(self):
        username, unit_code, names, positions = SECOND_AUDITOR
        index = LANGUAGE_INDEX.get(self.demo.get("language", "en"), 0)
        admin = self["admin"]
        user = self.people.get(username)
        if user is None:
            with demo_clock(project_start() + timedelta(days=5)):
                user = core.user_create(acting_user=admin, username=username, full_name=names[index],
                                        email=f"{username}@demo.example.org", primary_unit=self.units[unit_code],
                                        position=positions[index], language="vi", password=DEMO_PASSWORD)
                core.user_update(acting_user=admin, user=user, must_change_password=False)
            self.people[username] = user
        from qms_portal.roles import ensure_system_roles

        role = ensure_system_roles()["internal_auditor"]
        if not RoleAssignment.objects.current().filter(user=user, role=role).exists():
            with demo_clock(project_start() + timedelta(days=5)):
                core.role_assign(acting_user=admin, user=user, role=role, unit=self.units["DIST"],
                                 include_subunits=True, notify_user=False)
        return user

    # --- programmes -------------------------------------------------------------------------------

    def programme(self, code, by, entries, approver=None):
        unit = self.units[code]
        programme = AuditProgramme.objects.filter(unit=unit, year=self.year).first()
        if programme is not None:
            return programme
        start = date(self.year, 1, 6)
        with transaction.atomic(), self.at(start):
            programme = plan_programme.programme_create(
                acting_user=self[by], unit=unit, year=self.year, title=PROGRAMME_TITLE[code].format(year=self.year),
                notes=PROGRAMME_NOTES[code])
            for unit_code, month, clauses in entries:
                plan_programme.programme_entry_add(acting_user=self[by], programme=programme,
                                                   unit=self.units[unit_code], planned_month=month,
                                                   clauses=_clauses(clauses))
        if approver:
            with self.at(start + timedelta(days=3)):
                plan_programme.programme_transition(acting_user=self[approver], programme=programme, name="approve",
                                                    password=DEMO_PASSWORD)
        else:
            with self.at(start + timedelta(days=2)):
                plan_programme.programme_submit(acting_user=self[by], programme=programme)
        self.made += 1
        return programme

    # --- audits -----------------------------------------------------------------------------------

    def audit(self, code, title, *, by, start, end, lead, team=(), auditees=(), scope=(), clauses=(), entry=None,
              kind=Audit.Kind.INTERNAL, **fields):
        unit = self.units[code]
        found = Audit.objects.filter(unit=unit, title=title).first()
        if found is not None:
            return found, False
        with self.at(start - timedelta(days=21)):
            audit = services.audit_create(
                acting_user=self[by], unit=unit, kind=kind, title=title, starts_on=start, ends_on=end,
                lead_auditor=self[lead], team=[self[t] for t in team], auditees=[self[a] for a in auditees],
                scope_units=[self.units[s] for s in scope], clauses=_clauses(clauses), programme_entry=entry,
                **fields)
        self.made += 1
        return audit, True

    def move(self, day, audit, who, name, **kwargs):
        with self.at(day):
            services.audit_transition(acting_user=self[who], audit=audit, name=name, **kwargs)
        audit.refresh_from_db()
        return audit


def _entry(programme, unit):
    return programme.entries.filter(unit=unit).first()


def _shifted(entries, closed_month, current_month):
    """Entries with their month: an offset from this month (kept within the year), or the closed
    audit's month."""
    rows = []
    for code, offset, clauses in entries:
        month = closed_month if offset is None else min(12, max(1, current_month + offset))
        rows.append((code, month, clauses))
    return rows


def seed(demo):
    """Returns how many programmes and audits were made (0 on a second run, or without the core's
    demo)."""
    if not Unit.objects.filter(code="DIST").exists() or not User.objects.filter(username="dist-iso").exists():
        demo["audits"] = {}
        return 0
    d = PlanDemo(demo)
    today = d.today
    closed_start = max(today - timedelta(days=40), date(d.year, 1, 12))
    if closed_start >= today:
        closed_start = today - timedelta(days=3)
    with muted():
        d.second_auditor()
        dist = d.programme("DIST", "dist-iso", _shifted(DIST_ENTRIES, closed_start.month, today.month), "dist-mr")
        doha = d.programme("DOHA", "doccontrol", _shifted(DOHA_ENTRIES, today.month, today.month), "mr")
        cb = d.programme("CB", "cb-doccontrol", _shifted(CB_ENTRIES, today.month, today.month))

        closed, made = d.audit("DIST", CLOSED["title"], by="dist-iso", start=closed_start,
                               end=closed_start + timedelta(days=1), lead="auditor", team=("dist-auditor",),
                               auditees=("dist-office",), scope=("DIST-O01",), clauses=("7.5", "8.2", "9.1"),
                               entry=_entry(dist, d.units["DIST-O01"]), criteria_note=CLOSED["criteria"])
        if made:
            d.move(closed_start - timedelta(days=10), closed, "dist-iso", "notify")
            d.move(closed_start, closed, "auditor", "start")
            d.move(closed_start + timedelta(days=1), closed, "auditor", "report")
            with d.at(closed_start + timedelta(days=6)):
                _write_report(closed, d["auditor"], CLOSED["summary"], CLOSED["conclusion"])
            d.move(closed_start + timedelta(days=7), closed, "auditor", "close", password=DEMO_PASSWORD)

        in_progress, made = d.audit("DIST", IN_PROGRESS["title"], by="dist-iso", start=today,
                                    end=today + timedelta(days=1), lead="auditor", team=("dist-auditor",),
                                    auditees=("staff",), scope=("DIST-W01",), clauses=("7.5", "8.5", "8.7"),
                                    entry=_entry(dist, d.units["DIST-W01"]), criteria_note=IN_PROGRESS["criteria"])
        if made:
            d.move(today - timedelta(days=10), in_progress, "dist-iso", "notify")
            d.move(today, in_progress, "auditor", "start")

        audit_day = project_start().date() + timedelta(days=300)
        certification, made = d.audit(
            "DOHA", CERTIFICATION["title"], by="doccontrol", start=audit_day, end=audit_day + timedelta(days=1),
            lead="doccontrol", auditees=("mr", "depthead", "doha-office"), kind=Audit.Kind.CERTIFICATION,
            certification_body=CERTIFICATION["body"], external_auditors=CERTIFICATION["auditors"],
            criteria_note=CERTIFICATION["criteria"], response_due=audit_day + timedelta(days=90))
        if made:
            d.move(audit_day - timedelta(days=14), certification, "doccontrol", "notify")
            d.move(audit_day, certification, "doccontrol", "start")
    demo["audits"] = {"closed": closed, "in_progress": in_progress, "certification": certification,
                      "programmes": {"DIST": dist, "DOHA": doha, "CB": cb}}
    return d.made


def _write_report(audit, user, summary, conclusion):
    """The closed audit's report text (the findings part owns editing it; the demo writes it here so
    that the plan part's demo can close its audit with the lead auditor's signature)."""
    from qms_portal.services import save_tracked

    audit = Audit.objects.get(pk=audit.pk)
    audit.summary, audit.conclusion = summary, conclusion
    save_tracked(audit, user)
