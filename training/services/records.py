"""The records part's writes: a participant's certificate of completion (its number, given once),
their feedback on the session, and their head's check of the training's effectiveness (ISO 9001
7.2 c). Each checks who may do it and refuses what the rules forbid with a message for the person."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qms_portal.numbering import next_number
from qms_portal.permissions import can

from ..models import EffectivenessCheck, Feedback, Participant, Session

# Lock the row itself, never the rows its ordering or select_related join (PostgreSQL refuses a
# lock on the nullable side of an outer join).
SELF = ("self",)

NUMBER_KIND = "training:CERT"
NUMBER_PATTERN = "{unit}-CERT-{year}-{n}"
HELD = (Session.Status.HELD, Session.Status.CLOSED)
A = Participant.Attendance


def certificate_refusal(participant):
    """Why ``participant`` cannot have a certificate of completion (a sentence), or None."""
    session = participant.session
    if session.status not in HELD:
        return _("No certificate yet: the session has not been held.")
    if participant.attendance == A.ABSENT:
        return _("No certificate: %(name)s was absent from this session.") % {"name": _name(participant.user)}
    if participant.attendance == A.EXCUSED:
        return _("No certificate: %(name)s was excused from this session.") % {"name": _name(participant.user)}
    if participant.attendance != A.PRESENT:
        return _("No certificate: the attendance of %(name)s was not recorded.") % {"name": _name(participant.user)}
    if participant.passed is False:
        return _("No certificate: %(name)s scored %(score)s, below the pass mark of %(mark)s.") % {
            "name": _name(participant.user), "score": participant.score, "mark": session.course.pass_mark}
    return None


def _name(user):
    return user.full_name or user.username


def may_read(user, participant):
    """The person themselves, or whoever may read the participation (the coordinators, heads and
    representatives of the session's unit)."""
    return participant.user_id == user.pk or can(user, "view", participant)


def certificate_issue(*, acting_user, participant):
    """Issue ``participant``'s certificate: the first time, it takes the next number of the
    session's unit (``{unit}-CERT-{year}-{n}``, the year of issue) and the time; later calls return
    the same. Refused (``ValidationError``) for an absentee, someone excused or not recorded, a failed
    test, or a session not held yet."""
    if not may_read(acting_user, participant):
        raise PermissionDenied
    with transaction.atomic():
        locked = (Participant.objects.select_for_update(of=SELF)
                  .select_related("session__course", "session__unit", "user")
                  .get(pk=participant.pk))
        refusal = certificate_refusal(locked)
        if refusal:
            raise ValidationError(refusal, code="no_certificate")
        if not locked.certificate_number:
            now = timezone.now()
            locked.certificate_number = next_number(unit=locked.session.unit, kind=NUMBER_KIND, pattern=NUMBER_PATTERN,
                                                    year=timezone.localdate(now).year)
            locked.certificate_issued_at = now
            locked.save()
    participant.certificate_number, participant.certificate_issued_at = (locked.certificate_number,
                                                                         locked.certificate_issued_at)
    return locked


def feedback_refusal(user, participant):
    """Why ``user`` cannot give feedback as ``participant`` (a sentence), or None."""
    if participant.user_id != user.pk:
        return _("Only the participant gives their own feedback.")
    if participant.session.status not in HELD:
        return _("Feedback opens once the session has been held.")
    if participant.attendance != A.PRESENT:
        return _("Only participants who were present give feedback on the session.")
    return None


def feedback_submit(*, acting_user, participant, relevance, content, trainer, overall, comment=""):
    """The participant's evaluation of the session (each 1–5, a comment). Given again, it replaces
    the earlier answers (the History keeps them)."""
    refusal = feedback_refusal(acting_user, participant)
    if refusal:
        raise ValidationError(refusal, code="no_feedback")
    for label, value in ((_("useful for my work"), relevance), (_("content and materials"), content),
                         (_("trainer"), trainer), (_("overall"), overall)):
        if value not in (1, 2, 3, 4, 5):
            raise ValidationError(_("Rate “%(what)s” from 1 to 5.") % {"what": label}, code="rating")
    with transaction.atomic():
        Participant.objects.select_for_update().get(pk=participant.pk)
        feedback = Feedback.objects.filter(participant=participant).first() or Feedback(participant=participant)
        feedback.relevance, feedback.content, feedback.trainer, feedback.overall = relevance, content, trainer, overall
        feedback.comment = (comment or "").strip()
        feedback.save()
    return feedback


def effectivenesscheck_record(*, acting_user, check, rating, note=""):
    """The head records that their person's training worked (or not): a rating and a note (needed
    unless it was effective). Recorded once; the History keeps who and when."""
    if not can(acting_user, "training.check_effectiveness", check):
        raise PermissionDenied
    note = (note or "").strip()
    if rating not in EffectivenessCheck.Rating.values:
        raise ValidationError({"rating": _("Choose whether the training was effective.")})
    if rating != EffectivenessCheck.Rating.EFFECTIVE and not note:
        raise ValidationError({"note": _("Say what did not work, so that the training can be improved.")})
    with transaction.atomic():
        locked = EffectivenessCheck.objects.select_for_update().get(pk=check.pk)
        if locked.checked_on:
            raise ValidationError(_("This check was already recorded on %(date)s.") % {
                "date": locked.checked_on.isoformat()})
        locked.rating, locked.note = rating, note
        locked.checked_by, locked.checked_on = acting_user, timezone.localdate()
        locked.save()
    return locked
