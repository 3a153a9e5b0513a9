"""The matrix part of the training demo (``training.demo.seed``, after sessions, records and
competence): a procedure's effective revision that its approver marked "needs training", a course on
it and a session held five days ago that most of the people it was distributed to attended (one
absent on official business), so the document's page shows its training coverage per unit beside
the acknowledgements and the matrix shows the others' gaps. When the competence part left no
requirement (it runs first), every staff member's ISO 9001 awareness is required from the top unit
down, so that the matrix has columns and gaps.

Robust on its own: it uses what the earlier parts built when it is there (``demo``), and looks up
or makes what it needs. Idempotent: the course is found by its code."""

from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from documents.models import Acknowledgement, Revision
from qms_portal.demo import demo_clock
from qms_portal.models import Role, Unit, User
from qms_portal.services import save_tracked

from .models import Competence, CompetenceRequirement, Course, Participant, Session

ABSENCE = {"vi": "Đi công tác", "zh-hans": "出差", "en": "On official business"}
TITLE = {"vi": "Tập huấn quy trình %(code)s (lần ban hành %(label)s)", "zh-hans": "%(code)s 程序文件第%(label)s版培训",
         "en": "Training on %(code)s, revision %(label)s"}


def _revision():
    """The effective revision distributed to the most people (a procedure everyone applies)."""
    return (Revision.objects.filter(status=Revision.Status.EFFECTIVE, document__is_withdrawn=False)
            .annotate(people=Count("acknowledgements")).filter(people__gte=3)
            .select_related("document", "document__unit").order_by("-people", "document__code").first())


def _acting():
    return User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()


def _requirements(acting):
    """When no requirement exists: every staff member's ISO 9001 awareness, from each top unit down."""
    if CompetenceRequirement.objects.exists():
        return 0
    staff = Role.objects.filter(code="staff").first()
    if staff is None:
        return 0
    awareness = Competence.objects.filter(code="iso-awareness").first() or save_tracked(Competence(
        code="iso-awareness", name_en="ISO 9001 awareness", name_vi="Nhận thức về ISO 9001",
        name_zh_hans="ISO 9001 意识", name_zh_hant="ISO 9001 認知", validity_months=36), acting)
    made = 0
    for top in Unit.objects.filter(parent__isnull=True, is_active=True):
        save_tracked(CompetenceRequirement(role=staff, competence=awareness, unit=top,
                                           note="ISO 9001:2015 7.3"), acting)
        made += 1
    return made


def seed(demo):
    acting = _acting()
    if acting is None:
        return 0
    made = _requirements(acting)
    revision = _revision()
    if revision is None:
        return made
    language = demo.get("language", "en")
    document = revision.document
    code = f"REV-{document.code}-{revision.label}"[:40]
    if Course.objects.filter(code=code).exists():
        return made
    approver = revision.approver or document.process_owner
    if not revision.needs_training:
        revision.needs_training = True  # as its approver ticked it when approving
        save_tracked(revision, approver)
    course = save_tracked(Course(code=code, title=TITLE.get(language, TITLE["en"]) % {
        "code": document.code, "label": revision.label}, topic=Course.Topic.PROCEDURE, revision=revision,
        duration_hours=2), acting)
    people = list(Acknowledgement.objects.filter(revision=revision).select_related("user", "unit")
                  .order_by("unit__code", "user__full_name"))
    start = timezone.now() - timedelta(days=5)
    with demo_clock(start - timedelta(days=10)):
        session = save_tracked(Session(course=course, unit=document.unit, trainer=approver, starts_at=start,
                                       ends_at=start + timedelta(hours=2), place=document.unit.name,
                                       status=Session.Status.HELD), acting)
    demo["matrix_session"] = session
    attending = people[: max(2, len(people) * 2 // 3)]
    with demo_clock(start + timedelta(hours=2)):
        for n, ack in enumerate(attending):
            absent = n == len(attending) - 1
            save_tracked(Participant(
                session=session, user=ack.user, unit=ack.unit, via=Participant.Via.UNIT,
                attendance=Participant.Attendance.ABSENT if absent else Participant.Attendance.PRESENT,
                absence_reason=ABSENCE.get(language, ABSENCE["en"]) if absent else "",
                marked_by=approver, marked_at=timezone.now()), acting)
    demo["revision_needing_training"] = revision
    return made + 2 + len(attending)
