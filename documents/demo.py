"""Demo documents: the 35-document set of a Department of Home Affairs (Quang Ninh), as the source
articles describe it — quality manual, policy and objectives, the 6 mandatory procedures, 22
operational procedures (one per administrative function, with steps) and 4 support procedures —
with legal references and a few revisions each. Built through the services and idempotent: a
document whose code exists is left as it is."""

from datetime import date

from django.db import transaction

from qms_portal.models import Unit, User
from qms_portal.notifications import muted

from . import services
from .models import OPEN_REVISION_STATUSES, Clause, Document, DocumentType, LegalDocument, RegisterSettings

PASSWORD = "demo-pass-2026"
DOHA = "DOHA"

LEGAL = [
    ("19/2014/QĐ-TTg", "Quyết định áp dụng Hệ thống quản lý chất lượng theo TCVN ISO 9001 vào hoạt động của các cơ "
     "quan, tổ chức thuộc hệ thống hành chính nhà nước", "Thủ tướng Chính phủ", date(2014, 3, 5)),
    ("61/2018/NĐ-CP", "Nghị định về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính",
     "Chính phủ", date(2018, 4, 23)),
    ("22/2008/QH12", "Luật Cán bộ, công chức", "Quốc hội", date(2008, 11, 13)),
    ("TCVN ISO 9001:2015", "Hệ thống quản lý chất lượng — Các yêu cầu", "Bộ Khoa học và Công nghệ",
     date(2015, 12, 31)),
]

# (type code, category, clauses, English, Tiếng Việt, 中文)
LEVEL1 = [
    ("STCL", "", ["4.3", "4.4"], "Quality manual", "Sổ tay chất lượng", "质量手册"),
    ("CS", "", ["5.2"], "Quality policy", "Chính sách chất lượng", "质量方针"),
    ("MT", "", ["6.2"], "Quality objectives", "Mục tiêu chất lượng", "质量目标"),
]
MANDATORY = [
    ("7.5.3", "Control of documents", "Kiểm soát tài liệu", "文件控制程序"),
    ("7.5.3", "Control of records", "Kiểm soát hồ sơ", "记录控制程序"),
    ("9.2", "Internal audit", "Đánh giá nội bộ", "内部审核程序"),
    ("8.7", "Control of nonconformity", "Kiểm soát sự không phù hợp", "不合格控制程序"),
    ("10.2", "Corrective action", "Hành động khắc phục", "纠正措施程序"),
    ("6.1", "Preventive action", "Hành động phòng ngừa", "预防措施程序"),
]
OPERATIONAL = [
    ("Establishment of public service units", "Thành lập đơn vị sự nghiệp công lập", "事业单位设立", 15),
    ("Reorganisation of administrative bodies", "Tổ chức lại cơ quan hành chính", "行政机构重组", 20),
    ("Approval of staffing quotas", "Giao biên chế công chức", "编制核定", 20),
    ("Civil servant recruitment", "Tuyển dụng công chức", "公务员录用", 30),
    ("Promotion of civil servants", "Nâng ngạch công chức", "公务员晋升", 20),
    ("Salary grade increases", "Nâng bậc lương", "工资晋级", 10),
    ("Appointment of leaders", "Bổ nhiệm cán bộ lãnh đạo", "领导干部任命", 15),
    ("Training and retraining of civil servants", "Đào tạo, bồi dưỡng công chức", "公务员培训", 15),
    ("Emulation and commendation", "Thi đua, khen thưởng", "评比表彰", 20),
    ("Registration of religious activities", "Đăng ký hoạt động tín ngưỡng, tôn giáo", "宗教活动登记", 20),
    ("Recognition of religious organisations", "Công nhận tổ chức tôn giáo", "宗教组织认定", 30),
    ("Archives: receiving records into the archive", "Thu nhận hồ sơ vào lưu trữ lịch sử", "档案接收", 10),
    ("Archives: use of archival records", "Khai thác, sử dụng tài liệu lưu trữ", "档案利用", 2),
    ("Administrative boundary adjustments", "Điều chỉnh địa giới hành chính", "行政区划调整", 30),
    ("Classification of administrative units", "Phân loại đơn vị hành chính", "行政单位分类", 20),
    ("Recognition of associations", "Thành lập hội, phê duyệt điều lệ hội", "社会团体登记", 30),
    ("Recognition of social funds", "Cấp giấy phép thành lập quỹ xã hội", "社会基金登记", 30),
    ("Youth affairs", "Công tác thanh niên", "青年工作", 10),
    ("Administrative reform inspection", "Kiểm tra cải cách hành chính", "行政改革检查", 15),
    ("Handling of complaints about staff", "Giải quyết khiếu nại về cán bộ, công chức", "公务员投诉处理", 30),
    ("Commune-level civil servant management", "Quản lý cán bộ, công chức cấp xã", "乡镇公务员管理", 15),
    ("Retirement procedures", "Giải quyết chế độ nghỉ hưu", "退休办理", 10),
]
# Procedures the department also sends to the district, its offices and wards (whose officers
# apply them): each of their people gets a read-and-acknowledge task when a revision takes effect,
# the one-stop-shop officer of Ward 1 (``staff``) among them.
FOR_THE_DISTRICT = {"Commune-level civil servant management", "Retirement procedures"}
DISTRICT = "DIST"
SUPPORT = [
    ("7.4", "Internal communication", "Trao đổi thông tin nội bộ", "内部沟通程序"),
    ("7.1.3", "IT equipment and network", "Quản lý trang thiết bị và mạng", "信息设备与网络管理程序"),
    ("8.4", "Procurement", "Mua sắm", "采购程序"),
    ("9.1.2", "Satisfaction survey", "Khảo sát sự hài lòng", "满意度调查程序"),
]

TEXT = {
    "en": ("Purpose", "This procedure sets out how {title} is carried out: who does each step, in which order and "
           "within which time limit.", "Scope", "It applies to every division of the department.",
           "Responsibilities", "The head of the division in charge ensures that the procedure is followed."),
    "vi": ("Mục đích", "Quy trình này quy định cách thực hiện {title}: ai thực hiện từng bước, theo trình tự nào và "
           "trong thời hạn bao lâu.", "Phạm vi áp dụng", "Áp dụng cho tất cả các phòng thuộc Sở.",
           "Trách nhiệm", "Trưởng phòng chủ trì chịu trách nhiệm bảo đảm quy trình được thực hiện."),
    "zh-hans": ("目的", "本程序规定{title}的办理方式：每个步骤由谁负责、按什么顺序、在什么时限内完成。", "适用范围",
                "适用于本局各科室。", "职责", "主办科室负责人负责确保本程序得到执行。"),
}
STEPS = {
    "en": ["Receive the file at the one-stop-shop desk", "Check and appraise the file", "Leader reviews and signs",
           "Return the result to the citizen"],
    "vi": ["Tiếp nhận hồ sơ tại Bộ phận một cửa", "Thẩm định hồ sơ", "Lãnh đạo xem xét, ký duyệt",
           "Trả kết quả cho công dân"],
    "zh-hans": ["一站式窗口受理", "审查材料", "领导审核签发", "送达办理结果"],
}
POSITIONS = {
    "en": ["One-stop-shop officer", "Specialist of the division", "Director", "One-stop-shop officer"],
    "vi": ["Công chức Bộ phận một cửa", "Chuyên viên phòng chuyên môn", "Giám đốc Sở", "Công chức Bộ phận một cửa"],
    "zh-hans": ["窗口工作人员", "科室经办人", "局长", "窗口工作人员"],
}


def _pick(en, vi, zh, language):
    return {"en": en, "vi": vi, "zh-hans": zh}.get(language, en)


def _content(title, language):
    h1, p1, h2, p2, h3, p3 = TEXT.get(language, TEXT["en"])
    # Headings and blocks as the editor (Trix) writes them, so an edited draft keeps its shape.
    return f"<h1>{h1}</h1><div>{p1.format(title=title)}</div><h1>{h2}</h1><div>{p2}</div><h1>{h3}</h1><div>{p3}</div>"


def _steps(days, language):
    titles, positions = STEPS.get(language, STEPS["en"]), POSITIONS.get(language, POSITIONS["en"])
    split = [0.5, max(days - 3, 1), 2, 0.5]
    return [{"title": t, "responsible_position": p, "time_limit": d, "time_unit": "days"}
            for t, p, d in zip(titles, positions, split, strict=True)]


def _through_workflow(document, revision, people, content, effective, steps=None, legal=(), reason="",
                      stop_at=None):
    author, reviewer, approver = people
    revision = services.revision_save_draft(
        acting_user=author, revision=revision, lock_version=revision.lock_version, content=content, reason=reason,
        effective_date=effective, legal_refs=legal, steps=steps)
    services.revision_set_reviewers(acting_user=author, revision=revision, reviewers=[reviewer])
    services.revision_transition(acting_user=author, revision=revision, name="submit")
    if stop_at == "in_review":
        return revision
    services.revision_transition(acting_user=reviewer, revision=revision, name="accept", password=PASSWORD)
    services.revision_transition(acting_user=approver, revision=revision, name="approve", password=PASSWORD)
    services.revision_publish(revision=revision)
    return revision


def seed(language="en"):
    """Idempotent: documents whose code exists are skipped. Returns the number created."""
    unit = Unit.objects.filter(code=DOHA).first()
    people = [User.objects.filter(username=u).first() for u in ("doccontrol", "depthead", "mr")]
    if unit is None or not all(people):
        return 0
    services.ensure_system_types()
    types = {t.code: t for t in DocumentType.objects.all()}
    clauses = {c.number: c for c in Clause.objects.all()}
    admin = User.objects.filter(is_superuser=True, username="admin").first() or people[0]
    if not RegisterSettings.objects.filter(unit=unit).exists():
        services.register_settings_save(acting_user=admin, unit=unit, prefix="SNV",
                                        pattern="{prefix}-{type}-{number:02d}")
    legal = []
    for number, title, issuer, issued in LEGAL:
        row = LegalDocument.objects.filter(number=number).first() or services.legal_document_save(
            acting_user=admin, number=number, title=title, issuer=issuer, issue_date=issued, effective_date=issued)
        legal.append(row)
    plan = [(t, c, cl, en, vi, zh, None) for t, c, cl, en, vi, zh in LEVEL1]
    plan += [("QT", "mandatory", [cl], en, vi, zh, None) for cl, en, vi, zh in MANDATORY]
    plan += [("QT", "operational", ["8.1", "8.5"], en, vi, zh, days) for en, vi, zh, days in OPERATIONAL]
    plan += [("QT", "support", [cl], en, vi, zh, None) for cl, en, vi, zh in SUPPORT]
    district = Unit.objects.filter(code=DISTRICT).first()
    created = 0
    author = people[0]
    with muted():
        for index, (type_code, category, clause_numbers, en, vi, zh, days) in enumerate(plan, start=1):
            title = _pick(en, vi, zh, language)
            if Document.objects.filter(unit=unit, title=title).exists():
                continue
            with transaction.atomic():
                document = services.document_create(
                    acting_user=author, unit=unit, doc_type=types[type_code], title=title, process_owner=author,
                    category=category, clauses=[clauses[n] for n in clause_numbers if n in clauses],
                    legal_time_limit_days=days)
                if en in FOR_THE_DISTRICT and district is not None:
                    for audience in (unit, district):  # the department's own people, and the district's
                        services.distribution_add(acting_user=author, document=document, unit=audience)
                steps = _steps(days, language) if days else None
                refs = [legal[0], legal[3]] + ([legal[1]] if days else []) + ([legal[2]] if index % 5 == 0 else [])
                first = document.revisions.get()
                _through_workflow(document, first, people, _content(title, language), date(2025, 12, 1), steps,
                                  refs)
                if index % 3 == 0:  # a second revision for the 2015 edition
                    draft = services.revision_create_draft(acting_user=author, document=document)
                    content = _content(title, language) + "<div>TCVN ISO 9001:2015</div>"
                    _through_workflow(document, draft, people, content, date(2026, 9, 1), steps, refs,
                                      reason="TCVN ISO 9001:2008 → TCVN ISO 9001:2015")
            created += 1
    # Left in progress, so the demo has something to review and approve (with real notifications).
    pending = Document.objects.filter(unit=unit, current_revision__isnull=False).order_by("code")[:2]
    for document in pending:
        if document.revisions.filter(status__in=OPEN_REVISION_STATUSES).exists():
            continue
        draft = services.revision_create_draft(acting_user=author, document=document)
        _through_workflow(document, draft, people, draft.content + "<div>+</div>", date.today(),
                          [{k: getattr(s, k) for k in ("title", "responsible_position", "time_limit", "time_unit")}
                           for s in draft.steps.all()] or None,
                          list(draft.legal_refs.all()), stop_at="in_review",
                          reason=_pick("Legal references updated", "Cập nhật căn cứ pháp lý", "更新法律依据", language))
    return created
