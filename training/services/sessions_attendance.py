"""Attendance at a session, marked by its trainer or the training coordinator (on a phone, one row
at a time or the whole list at once): present, absent (a reason is required, e.g. "on official
business") or excused; the test score when the course has a pass mark; and a walk-in (someone not
invited, recorded as such, present).

Attendance is recorded from the day of the session until it is closed (not in a cancelled one).
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qms_portal.services import require_can, save_tracked

from ..models import Participant, Session

# Lock the row itself, never the rows its ordering or select_related join (PostgreSQL refuses a
# lock on the nullable side of an outer join).
SELF = ("self",)

MARK = "training.mark_attendance"
A = Participant.Attendance
S = Session.Status
OPEN_FOR_ATTENDANCE = (S.PLANNED, S.INVITED, S.HELD)


def attendance_open(session, today=None):
    """Whether attendance may be recorded now: the session's day has come and it is not closed or
    cancelled."""
    today = today or timezone.localdate()
    return session.status in OPEN_FOR_ATTENDANCE and timezone.localtime(session.starts_at).date() <= today


def _check_open(session):
    if session.status not in OPEN_FOR_ATTENDANCE:
        raise ValidationError(_("Attendance can no longer be changed: the session is “%(state)s”.")
                              % {"state": session.get_status_display()})
    if timezone.localtime(session.starts_at).date() > timezone.localdate():
        raise ValidationError(_("Attendance is recorded from the day of the session (%(day)s).")
                              % {"day": timezone.localtime(session.starts_at).date().isoformat()})


def parse_score(value):
    if value in (None, ""):
        return None
    try:
        score = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        raise ValidationError({"score": _("Give the score as a number from 0 to 100.")}) from None
    if not Decimal(0) <= score <= Decimal(100):
        raise ValidationError({"score": _("Give the score as a number from 0 to 100.")})
    return score.quantize(Decimal("0.1"))


def _apply(participant, session, acting_user, attendance, absence_reason, score):
    if attendance not in A.values or attendance == A.UNKNOWN:
        raise ValidationError({"attendance": _("Choose present, absent or excused.")})
    reason = " ".join((absence_reason or "").split())
    if attendance == A.ABSENT and not reason:
        raise ValidationError({"absence_reason": _("Say why %(name)s was absent (for example: on official "
                                                   "business).") % {"name": participant.user.full_name
                                                                     or participant.user.username}})
    score = parse_score(score)
    if score is not None and session.course.pass_mark is None:
        raise ValidationError({"score": _("This course has no test: leave the score empty.")})
    if attendance != A.PRESENT:
        score = None
    participant.attendance, participant.absence_reason = attendance, reason if attendance != A.PRESENT else ""
    participant.score = score
    participant.marked_by, participant.marked_at = acting_user, timezone.now()
    participant.session = session
    return save_tracked(participant, acting_user)


def _lock_session(session, acting_user):
    session = Session.objects.select_for_update(of=SELF).select_related("unit", "course").get(pk=session.pk)
    require_can(acting_user, MARK, session)
    _check_open(session)
    return session


@transaction.atomic
def participant_mark(*, acting_user, participant, attendance, absence_reason="", score=None):
    """Record one participant's attendance (and test score)."""
    session = _lock_session(participant.session, acting_user)
    participant = Participant.objects.select_for_update(of=SELF).select_related("user").get(pk=participant.pk)
    return _apply(participant, session, acting_user, attendance, absence_reason, score)


@transaction.atomic
def attendance_record(*, acting_user, session, marks):
    """Record the whole list at once: ``marks`` is ``{participant id: (attendance, reason, score)}``
    (rows left "not recorded" are skipped). Every row is checked; the errors come back together,
    ``{participant id: [messages]}`` in a ``ValidationError``, and nothing is saved."""
    session = _lock_session(session, acting_user)
    rows = {p.pk: p for p in Participant.objects.select_for_update(of=SELF)
            .filter(session=session, pk__in=list(marks))
            .select_related("user")}
    errors = {}
    for pk, (attendance, reason, score) in marks.items():
        participant = rows.get(pk)
        if participant is None or attendance in ("", A.UNKNOWN, None):
            continue
        try:
            parsed = parse_score(score)
        except ValidationError as error:
            errors[pk] = error.messages
            continue
        reason = " ".join((reason or "").split())
        if attendance == A.PRESENT:
            reason = ""
        else:
            parsed = None
        if (participant.attendance, participant.absence_reason, participant.score) == (attendance, reason, parsed):
            continue
        try:
            with transaction.atomic():
                _apply(participant, session, acting_user, attendance, reason, score if parsed is not None else None)
        except ValidationError as error:
            errors[pk] = error.messages
    if errors:
        raise AttendanceErrors(errors)
    return session


class AttendanceErrors(ValidationError):
    def __init__(self, rows):
        self.rows = rows
        super().__init__([message for messages in rows.values() for message in messages])


@transaction.atomic
def participant_walk_in(*, acting_user, session, user, score=None):
    """Record ``user``, who was not invited, as present: a walk-in (``via`` walk-in)."""
    session = _lock_session(session, acting_user)
    if user is None or not user.is_active:
        raise ValidationError({"user": _("Choose a person who can sign in.")})
    existing = Participant.objects.filter(session=session, user=user).first()
    if existing is not None:
        raise ValidationError({"user": _("%(name)s is already on the list: mark them there.")
                               % {"name": user.full_name or user.username}})
    participant = Participant(session=session, user=user, unit_id=user.primary_unit_id, via=Participant.Via.WALK_IN)
    participant.user = user
    return _apply(participant, session, acting_user, A.PRESENT, "", score)
