"""Builders for the plan part's tests. The sessions, records and competence parts are built beside
this one: their records are made here directly on the models (``save_tracked``), plans and items
through the plan part's services."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from qms_portal.services import save_tracked
from tests import factories
from training.models import Competence, CompetenceRequirement, Course, Participant, Qualification, Session
from training.services import plan as services

_n = [0]


def _next():
    _n[0] += 1
    return _n[0]


def competence(code=None, months=36, **kw):
    code = code or f"comp-{_next()}"
    kw.setdefault("name_en", f"Competence {code}")
    kw.setdefault("name_vi", f"Năng lực {code}")
    return save_tracked(Competence(code=code, validity_months=months, **kw), factories._acting())


def course(title=None, competences=(), topic=Course.Topic.OTHER, **kw):
    n = _next()
    obj = save_tracked(Course(code=kw.pop("code", f"C{n:03}"), title=title or f"Course {n}", topic=topic, **kw),
                       factories._acting())
    if competences:
        obj.competences.set(competences)
    return obj


def session(unit, crs=None, *, when=None, status=Session.Status.PLANNED, **kw):
    when = when or timezone.now()
    if not isinstance(when, datetime):
        when = timezone.make_aware(datetime.combine(when, time(8, 0)))
    crs = crs or course()
    return save_tracked(Session(course=crs, unit=unit, starts_at=when, ends_at=when + timedelta(hours=4),
                                status=status, number=kw.pop("number", f"S-{_next()}"), **kw), factories._acting())


def participant(sess, user, attendance=Participant.Attendance.UNKNOWN, via=Participant.Via.UNIT, **kw):
    return save_tracked(Participant(session=sess, user=user, unit=user.primary_unit, attendance=attendance, via=via,
                                    absence_reason=kw.pop("absence_reason", "Đi công tác" if attendance == "absent"
                                                          else ""), **kw), factories._acting())


def requirement(role_code, comp, unit):
    return save_tracked(CompetenceRequirement(role=factories.roles()[role_code], competence=comp, unit=unit),
                        factories._acting())


def qualification(user, comp, obtained_on=None, valid_until=None, **kw):
    obtained_on = obtained_on or timezone.localdate() - timedelta(days=400)
    return save_tracked(Qualification(user=user, competence=comp, obtained_on=obtained_on, valid_until=valid_until,
                                      **kw), factories._acting())


def coordinator(tree, unit=None, name="coord"):
    user = factories.make_user(f"{tree.prefix}{name}", unit or tree.district, full_name=f"Coordinator {name}")
    factories.assign(user, "training_coordinator", unit or tree.district)
    return user


def plan(unit, acting_user, year=None, **kw):
    return services.plan_create(acting_user=acting_user, unit=unit, year=year or timezone.localdate().year, **kw)


def item(p, acting_user, *, need="other", title="Tập huấn ISO 9001", participants=10, **kw):
    return services.plan_item_add(acting_user=acting_user, plan=p, need=need, title=title, participants=participants,
                                  **kw)
