"""Builders for the sessions part's tests: a competence, a course, a session with people invited,
through the services."""

from datetime import timedelta

from django.utils import timezone

from tests import factories
from training.models import Competence, Course
from training.services import sessions as services
from training.services import sessions_invitations as invitations


def competence(user, code="iso-awareness", months=None, **kw):
    found = Competence.objects.filter(code=code).first()
    if found:
        return found
    return services.competence_create(acting_user=user, code=code, name_en=kw.pop("name_en", code.replace("-", " ")),
                                      name_vi=kw.pop("name_vi", "Nhận thức ISO"), validity_months=months, **kw)


def course(user, code="AW", competences=None, pass_mark=None, **kw):
    found = Course.objects.filter(code=code).first()
    if found:
        return found
    comps = competences if competences is not None else [competence(user)]
    return services.course_create(acting_user=user, code=code, title=kw.pop("title", f"Course {code}"),
                                  topic=kw.pop("topic", Course.Topic.AWARENESS), competences=comps,
                                  pass_mark=pass_mark, **kw)


def session(user, unit, the_course=None, starts_in=timedelta(days=7), hours=4, trainer=None, **kw):
    the_course = the_course or course(user)
    starts = timezone.now().replace(microsecond=0) + starts_in
    if trainer is None and "external_trainer" not in kw:
        kw.update(external_trainer="Nguyễn Văn Giảng", external_organisation="QUACERT")
    return services.session_create(acting_user=user, course=the_course, unit=unit, starts_at=starts,
                                   ends_at=starts + timedelta(hours=hours), trainer=trainer, place="Hội trường A",
                                   **kw)


def people(unit, count, prefix="p"):
    return [factories.make_user(f"{unit.code}-{prefix}{i}".lower(), unit, full_name=f"Người {prefix}{i} {unit.code}")
            for i in range(count)]


def held_session(user, unit, invitees, the_course=None, trainer=None, **kw):
    """A session whose invitations were sent and that started an hour ago."""
    s = session(user, unit, the_course=the_course, trainer=trainer, **kw)
    invitations.session_invite(acting_user=user, session=s, people=invitees)
    services.session_transition(acting_user=user, session=s, name="invite")
    start = timezone.now().replace(microsecond=0) - timedelta(hours=1)
    return services.session_update(acting_user=user, session=s, starts_at=start, ends_at=start + timedelta(hours=3))
