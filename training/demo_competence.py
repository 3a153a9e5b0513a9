"""The competence part of the training demo (``training.demo.seed``, after sessions and records):

* **Requirements** at the root units (the city, for all its agencies): internal auditors must hold
  the internal auditor qualification (valid three years), document controllers document control,
  every official (staff) ISO 9001 awareness.
* **Qualifications from outside bodies**: the document controllers' document control (the
  Department of Home Affairs' from the Vietnam Productivity Centre, the construction bureau's from
  the China Quality Certification Centre, in their units' languages); the district ISO officer's
  expires next month (the 90-day reminder has gone to them and their head); ISO awareness of the
  one-stop-shop officer.
* **Internal auditors stay valid**: the sessions part grants the internal auditor course's
  graduates their qualification; any current internal auditor still without a valid one when this
  runs (the parts are merged later) gets one from an outside body, so that the audits demo's
  auditors pass the auditor check.

Idempotent: a requirement is looked up by unit, role and competence, a qualification by person,
competence and certificate reference."""

from datetime import timedelta

from django.utils import timezone

from qms_portal.models import Role, RoleAssignment, Unit, User
from qms_portal.notifications import muted
from qms_portal.services import save_tracked

from .models import Competence, CompetenceRequirement, Qualification
from .selectors.competence import valid_on_q
from .services import competence as services
from .services.qualifications import add_months, qualification_create

# code → (validity in months, English, Vietnamese, Simplified Chinese, Traditional Chinese)
COMPETENCES = {
    "internal-auditor": (36, "Internal auditor (ISO 9001)", "Chuyên gia đánh giá nội bộ ISO 9001",
                         "ISO 9001 内审员", "ISO 9001 內部稽核員"),
    "document-control": (36, "Document control", "Kiểm soát tài liệu", "文件控制", "文件管制"),
    "iso-awareness": (None, "ISO 9001 awareness", "Nhận thức chung về ISO 9001", "ISO 9001 意识", "ISO 9001 認知"),
}
# the role → the competence it requires (at the root units)
REQUIRED = [("internal_auditor", "internal-auditor", "Kiểm tra trước mỗi cuộc đánh giá nội bộ / 每次内审前核对"),
            ("document_controller", "document-control", ""),
            ("staff", "iso-awareness", "")]

VN, CN = "vi", "zh"
BODY = {VN: "Trung tâm Năng suất Việt Nam (VPC)", CN: "中国质量认证中心 (CQC)"}
AUDITOR_BODY = {VN: "QUACERT — Trung tâm Chứng nhận Phù hợp", CN: "中国质量认证中心 (CQC) 内审员培训班"}

# username → (competence, obtained months ago, valid until: months from today or None for its
#             validity, reference)
OUTSIDE = [
    ("doccontrol", "document-control", 14, None, "VPC-KSTL-2025-118"),
    ("cb-doccontrol", "document-control", 20, None, "CQC-WK-2025-0456"),
    ("dist-iso", "document-control", 35, 1, "VPC-KSTL-2024-031"),  # expires next month
    ("staff", "iso-awareness", 6, None, "SNV-NT-2026-021"),
]


def _language(user):
    unit = user.primary_unit
    return CN if unit is not None and unit.code.startswith("CB") else VN


def _competences(demo, acting):
    found = dict(demo.get("competences") or {})
    for code, (months, en, vi, hans, hant) in COMPETENCES.items():
        if code in found:
            continue
        competence = Competence.objects.filter(code=code).first()
        if competence is None:
            competence = save_tracked(Competence(code=code, name_en=en, name_vi=vi, name_zh_hans=hans,
                                                 name_zh_hant=hant, validity_months=months), acting_user=acting)
        found[code] = competence
    return found


def _qualify(acting, user, competence, obtained_on, valid_until, body, reference):
    if Qualification.objects.filter(user=user, competence=competence, reference=reference).exists():
        return 0
    qualification_create(acting_user=acting, user=user, competence=competence, obtained_on=obtained_on,
                         valid_until=valid_until, outside_body=body, reference=reference)
    return 1


def seed(demo):
    today = timezone.localdate()
    acting = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if acting is None:
        return 0
    competences = _competences(demo, acting)
    made = 0
    roots = list(Unit.objects.filter(parent__isnull=True, is_active=True).order_by("path"))
    with muted():
        for role_code, code, note in REQUIRED:
            role = Role.objects.filter(code=role_code).first()
            if role is None:
                continue
            for root in roots:
                competence = competences[code]
                if not CompetenceRequirement.objects.filter(unit=root, role=role, competence=competence).exists():
                    services.requirement_create(acting_user=acting, role=role, competence=competence, unit=root,
                                                note=note)
                    made += 1
        people = {u.username: u for u in User.objects.filter(username__in=[row[0] for row in OUTSIDE])
                  .select_related("primary_unit")}
        for username, code, months_ago, until, reference in OUTSIDE:
            user = people.get(username)
            if user is None or user.primary_unit is None:
                continue
            obtained = add_months(today, -months_ago)
            valid_until = add_months(today, until) if until is not None else None
            made += _qualify(acting, user, competences[code], obtained, valid_until, BODY[_language(user)], reference)
        made += _keep_auditors_valid(acting, competences["internal-auditor"], today)
    demo["competence_requirements"] = list(CompetenceRequirement.objects.filter(unit__in=roots).order_by("pk"))
    demo["competences"] = competences
    # This morning's expiry reminders, as beat would have sent them (each once).
    from .services.competence_reminders import qualification_reminders_send

    qualification_reminders_send(today=today)
    return made


def _keep_auditors_valid(acting, competence, today):
    """Every current internal auditor without a valid internal auditor qualification (for the next
    year at least) gets one from an outside body."""
    auditors = (User.objects.filter(is_active=True, primary_unit__isnull=False,
                                    pk__in=RoleAssignment.objects.current().filter(role__code="internal_auditor")
                                    .values("user_id")).select_related("primary_unit").order_by("pk"))
    horizon = today + timedelta(days=365)
    valid = set(Qualification.objects.filter(valid_on_q(horizon), competence=competence,
                                             user__in=auditors).values_list("user_id", flat=True))
    made = 0
    for user in auditors:
        if user.pk in valid:
            continue
        language = _language(user)
        reference = f"{'QC-DGNB' if language == VN else 'CQC-NS'}-{today.year - 1}-{user.pk:04d}"
        obtained = add_months(today, -10)
        made += _qualify(acting, user, competence, obtained, None, AUDITOR_BODY[language], reference)
    return made
