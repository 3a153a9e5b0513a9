"""The records part of the training demo (``training.demo.seed``, after the sessions part): for the
sessions held or closed — those the sessions part shared (``demo["sessions"]``), else every such
session in the database — feedback from most participants present (through the services, as each
participant), their certificates of completion (numbered ``{unit}-CERT-{year}-{n}``), some of the
heads' effectiveness checks recorded (effective, one partly with a note), and one check left due
(so the list, My work and the reminder have something). Idempotent: feedback given, certificates
issued and checks recorded are left as they are. Without any session held it adds nothing."""

from datetime import timedelta

from django.utils import timezone

from qms_portal.notifications import muted

from .models import EffectivenessCheck, Feedback, Participant, Session
from .services import records as services

A = Participant.Attendance
HELD = (Session.Status.HELD, Session.Status.CLOSED)
COMMENTS = {"vi": ["Nội dung thiết thực, áp dụng được ngay vào công việc một cửa.", "Cần thêm ví dụ thực tế."],
            "zh-hans": ["培训内容实用，讲师讲解清楚。", "希望增加案例讨论。"],
            "zh-hant": ["課程內容實用，講師說明清楚。", "希望增加案例討論。"],
            "en": ["Practical and clear.", "More examples, please."]}
# (relevance, content, trainer, overall), in turn
RATINGS = [(5, 4, 5, 5), (4, 4, 5, 4), (5, 5, 4, 5), (3, 4, 4, 4), (4, 3, 5, 4)]


def _shared_sessions(demo):
    found = demo.get("sessions")
    if isinstance(found, dict):
        found = list(found.values())
    found = [s for s in (found or []) if isinstance(s, Session)]
    if found:
        return Session.objects.filter(pk__in=[s.pk for s in found], status__in=HELD)
    return Session.objects.filter(status__in=HELD)


def _head_of(participant):
    from nonconformities.services.escalation import nearest_holders
    from qms_portal.models import User

    if participant.unit_id is None:
        return None
    ids = nearest_holders("department_head", [participant.unit]).get(participant.unit_id, [])
    return User.objects.filter(pk__in=ids, is_active=True).order_by("pk").first()


def seed(demo):
    sessions = list(_shared_sessions(demo).select_related("course", "unit").order_by("starts_at", "pk"))
    made = 0
    with muted():
        for session in sessions:
            present = list(session.participants.filter(attendance=A.PRESENT).select_related("user", "unit")
                           .order_by("pk"))
            for i, p in enumerate(present):
                p.session = session
                if services.certificate_refusal(p) is None and not p.certificate_number:
                    services.certificate_issue(acting_user=p.user, participant=p)
                    made += 1
                if i % 5 != 4 and not Feedback.objects.filter(participant=p).exists():
                    relevance, content, trainer, overall = RATINGS[i % len(RATINGS)]
                    language = (p.user.language or "vi").lower()
                    comments = COMMENTS.get(language, COMMENTS["vi"])
                    services.feedback_submit(acting_user=p.user, participant=p, relevance=relevance, content=content,
                                             trainer=trainer, overall=overall,
                                             comment=comments[i % 2] if i % 3 == 0 else "")
                    made += 1
        made += _checks(sessions)
    demo["records"] = {"sessions": [s.pk for s in sessions]}
    return made


def _checks(sessions):
    """Record the checks of the earliest session's participants (effective; one partly), and leave
    one due: a participant present without a check gets one due in five days when none is due."""
    today = timezone.localdate()
    checks = list(EffectivenessCheck.objects.filter(participant__session__in=sessions, checked_on__isnull=True)
                  .select_related("participant__unit", "participant__user").order_by("due_on", "pk"))
    made = 0
    for i, check in enumerate(checks[:-1][:4]):  # the last one stays due
        head = _head_of(check.participant)
        if head is None:
            continue
        partly = i == 1
        services.effectivenesscheck_record(
            acting_user=head, check=check, rating="partly" if partly else "effective",
            note="Còn lúng túng khi lập hồ sơ theo quy trình mới; kèm cặp thêm một tháng." if partly else
            "Áp dụng đúng quy trình, hồ sơ lập đầy đủ.")
        made += 1
    soon = today + timedelta(days=14)
    if not EffectivenessCheck.objects.filter(participant__session__in=sessions, checked_on__isnull=True,
                                             due_on__lte=soon).exists():
        spare = (Participant.objects.filter(session__in=sessions, attendance=A.PRESENT, effectiveness__isnull=True,
                                            unit__isnull=False).order_by("pk").first())
        if spare is not None:
            EffectivenessCheck.objects.create(participant=spare, due_on=today + timedelta(days=5))
            made += 1
    return made
