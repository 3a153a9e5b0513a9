"""Small factories for the records part's tests: courses, sessions and participants made through
the ORM (the sessions part's services are built in parallel; the records part only reads them)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from tests import factories
from training.models import Course, EffectivenessCheck, Participant, Session

_seq = [0]


def _n():
    _seq[0] += 1
    return _seq[0]


def make_course(title="Nhận thức ISO 9001:2015", pass_mark=None, hours="4", topic=Course.Topic.AWARENESS):
    n = _n()
    return Course.objects.create(code=f"C-REC-{n}", title=title, topic=topic, pass_mark=pass_mark,
                                 duration_hours=Decimal(hours) if hours else None)


def make_session(unit, course=None, *, status=Session.Status.HELD, trainer=None, days_ago=3, place="Hội trường tầng 2",
                 external_trainer="", external_organisation=""):
    course = course or make_course()
    starts = timezone.now() - timedelta(days=days_ago)
    return Session.objects.create(course=course, unit=unit, number=f"{unit.code}-TS-{starts.year}-{_n():02}",
                                  trainer=trainer, external_trainer=external_trainer,
                                  external_organisation=external_organisation, starts_at=starts,
                                  ends_at=starts + timedelta(hours=4), place=place, status=status)


def add_participant(session, user, *, attendance=Participant.Attendance.PRESENT, reason="", via=Participant.Via.UNIT,
                    score=None, unit=None):
    return Participant.objects.create(session=session, user=user, unit=unit or user.primary_unit, via=via,
                                      attendance=attendance, absence_reason=reason,
                                      score=Decimal(str(score)) if score is not None else None,
                                      marked_at=timezone.now() if attendance != "unknown" else None)


def make_check(participant, *, due_in_days=0):
    return EffectivenessCheck.objects.create(participant=participant,
                                             due_on=timezone.localdate() + timedelta(days=due_in_days))


def person(name, unit, *, language="en", position="Chuyên viên", **kw):
    return factories.make_user(f"{unit.code}-person-{_n()}".lower(), unit, full_name=name,
                               language=language, position=position, **kw)
