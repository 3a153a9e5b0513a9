"""The sessions part's catalogue and sessions: competences and courses (a catalogue for the whole
portal), a session of a course organised by a unit, and its workflow planned → invited → held →
closed (or cancelled from planned or invited, with the reason).

Rules (each with a message for the person who typed it, nothing saved):

* a competence's code is unique and it has an English name; validity in months is 1 to 600;
* a course names at least its code and title; a pass mark is 1 to 100;
* a session has a trainer: a person of the portal OR an outside trainer by name and organisation;
  it ends after it starts; its capacity, when given, is at least 1; it is changed while planned or
  invited only; the trainer named must be someone who may be named a trainer
  (``training.train_session`` somewhere);
* sending the invitations needs at least one person invited and a session not yet started; a
  session is held once it has started; it is closed once every participant's attendance is
  recorded (and, when the course has a pass mark, every score of those present). Closing grants
  the course's competences to each participant present (and passed) through the competence part's
  ``qualification_create`` and plans their head's effectiveness check three months later.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms_portal.notifications import notify
from qms_portal.numbering import next_number
from qms_portal.permissions import can
from qms_portal.search import searchable
from qms_portal.services import require_can, save_tracked
from qms_portal.workflow import Guard, Transition, Workflow, register

from ..models import Competence, Course, EffectivenessCheck, Participant, Session
from .qualifications import add_months, qualification_create

NUMBER_KIND = "training:TRN"
NUMBER_PATTERN = "{unit}-TRN-{year}-{n:03}"
CHANGE = "training.change_session"
TRAINER_PERM = "training.train_session"
EFFECTIVENESS_MONTHS = 3
S = Session.Status
A = Participant.Attendance
EDITABLE = (S.PLANNED, S.INVITED)

COMPETENCE_FIELDS = ("code", "name_en", "name_vi", "name_zh_hans", "name_zh_hant", "description", "validity_months",
                     "is_active")
COURSE_FIELDS = ("code", "title", "topic", "description", "duration_hours", "validity_months", "pass_mark",
                 "revision", "is_active")
SESSION_FIELDS = ("course", "trainer", "external_trainer", "external_organisation", "starts_at", "ends_at", "mode",
                  "place", "capacity", "note")


def _strip(value):
    return " ".join(value.split()) if isinstance(value, str) else value


def _unknown(fields, allowed, name):
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise TypeError(f"{name}() got unexpected fields: {', '.join(unknown)}")


def _require_global(user, perm):
    """The catalogue belongs to no unit: a permission held anywhere is enough."""
    if not user.has_perm(perm):
        raise PermissionDenied


# ---- competences ---------------------------------------------------------------------------------------
def _check_competence(competence):
    if not competence.name_en:
        raise ValidationError({"name_en": _("Give the competence's name in English.")})
    if competence.validity_months is not None and not 1 <= competence.validity_months <= 600:
        raise ValidationError({"validity_months": _("Give a number of months from 1 to 600, or leave it empty.")})
    others = Competence.objects.filter(code=competence.code)
    if competence.pk:
        others = others.exclude(pk=competence.pk)
    if others.exists():
        raise ValidationError({"code": _("Another competence has the code “%(code)s”.") % {"code": competence.code}})


@transaction.atomic
def competence_create(*, acting_user, code, name_en, name_vi="", name_zh_hans="", name_zh_hant="", description="",
                      validity_months=None, is_active=True):
    """Add a competence to the catalogue (its name in the four languages)."""
    competence = Competence(code=(code or "").strip(), name_en=_strip(name_en), name_vi=_strip(name_vi),
                            name_zh_hans=_strip(name_zh_hans), name_zh_hant=_strip(name_zh_hant),
                            description=(description or "").strip(), validity_months=validity_months,
                            is_active=is_active)
    _require_global(acting_user, "training.add_competence")
    _check_competence(competence)
    return save_tracked(competence, acting_user)


@transaction.atomic
def competence_update(*, acting_user, competence, **fields):
    _unknown(fields, COMPETENCE_FIELDS, "competence_update")
    competence = Competence.objects.select_for_update().get(pk=competence.pk)
    require_can(acting_user, "change", competence)
    for name, value in fields.items():
        setattr(competence, name, _strip(value) if name.startswith("name_") else value)
    _check_competence(competence)
    return save_tracked(competence, acting_user)


# ---- courses -------------------------------------------------------------------------------------------
def _check_course(course):
    errors = {}
    if not course.code:
        errors["code"] = _("Give the course a code.")
    if not course.title:
        errors["title"] = _("Give the course a title.")
    if course.pass_mark is not None and not 1 <= course.pass_mark <= 100:
        errors["pass_mark"] = _("Give a pass mark from 1 to 100, or leave it empty when there is no test.")
    if course.validity_months is not None and not 1 <= course.validity_months <= 600:
        errors["validity_months"] = _("Give a number of months from 1 to 600, or leave it empty.")
    if errors:
        raise ValidationError(errors)
    others = Course.objects.filter(code=course.code)
    if course.pk:
        others = others.exclude(pk=course.pk)
    if others.exists():
        raise ValidationError({"code": _("Another course has the code “%(code)s”.") % {"code": course.code}})


def _course_key(course):
    return searchable(f"{course.code} {course.title}")[:800]


@transaction.atomic
def course_create(*, acting_user, code, title, topic=Course.Topic.OTHER, description="", duration_hours=None,
                  competences=(), validity_months=None, pass_mark=None, revision=None, is_active=True):
    """Add a course to the catalogue, with the competences it gives."""
    _require_global(acting_user, "training.add_course")
    course = Course(code=(code or "").strip(), title=_strip(title or ""), topic=topic,
                    description=(description or "").strip(), duration_hours=duration_hours,
                    validity_months=validity_months, pass_mark=pass_mark, revision=revision, is_active=is_active)
    _check_course(course)
    course.search_key = _course_key(course)
    return save_tracked(course, acting_user, m2m={"competences": list(competences)})


@transaction.atomic
def course_update(*, acting_user, course, competences=None, **fields):
    _unknown(fields, COURSE_FIELDS, "course_update")
    course = Course.objects.select_for_update().get(pk=course.pk)
    require_can(acting_user, "change", course)
    for name, value in fields.items():
        setattr(course, name, _strip(value) if name == "title" else value)
    _check_course(course)
    course.search_key = _course_key(course)
    m2m = {"competences": list(competences)} if competences is not None else None
    return save_tracked(course, acting_user, m2m=m2m)


# ---- sessions ------------------------------------------------------------------------------------------
def may_train(user):
    """Whether ``user`` may be named a session's trainer (holds ``training.train_session`` somewhere)."""
    return user is not None and user.is_active and (user.is_superuser or user.has_perm(TRAINER_PERM))


def trainer_candidates():
    """Who may be named a trainer: the active people holding a role with ``training.train_session``."""
    from qms_portal.models import RoleAssignment, User

    holders = RoleAssignment.objects.current().filter(
        unit__is_active=True, role__permissions__codename="train_session",
        role__permissions__content_type__app_label="training").values("user_id")
    return User.objects.filter(is_active=True, pk__in=holders).exclude(username="system")


def _check_session(session):
    errors = {}
    external = bool(session.external_trainer.strip())
    if session.trainer_id is None and not external:
        errors["trainer"] = _("Name the trainer: a person of the portal, or an outside trainer with their "
                              "organisation.")
    if session.trainer_id is not None and external:
        errors["external_trainer"] = _("Name either a person of the portal or an outside trainer, not both.")
    if external and not session.external_organisation.strip():
        errors["external_organisation"] = _("Give the outside trainer's organisation.")
    if session.starts_at and session.ends_at and session.ends_at < session.starts_at:
        errors["ends_at"] = _("The session cannot end before it starts.")
    if session.capacity is not None and session.capacity < 1:
        errors["capacity"] = _("Give a capacity of at least 1, or leave it empty.")
    if session.mode == Session.Mode.ONLINE and not session.place.strip():
        errors["place"] = _("Give the link of the online session.")
    if errors:
        raise ValidationError(errors)
    if session.trainer_id is not None and not trainer_candidates().filter(pk=session.trainer_id).exists():
        raise ValidationError({"trainer": _("%(name)s may not be named a trainer (no role allows it).")
                               % {"name": session.trainer}})
    if not session.course.is_active and session._state.adding:
        raise ValidationError({"course": _("This course is no longer offered.")})


def _session_key(session):
    return searchable(f"{session.number} {session.course.code} {session.course.title} {session.place}")[:800]


@transaction.atomic
def session_create(*, acting_user, course, unit, starts_at, ends_at, trainer=None, external_trainer="",
                   external_organisation="", mode=Session.Mode.IN_PERSON, place="", capacity=None, note=""):
    """Plan a session of ``course`` organised by ``unit``, numbered ``{unit}-TRN-{year}-{n}``."""
    require_can(acting_user, "training.add_session", unit)
    session = Session(course=course, unit=unit, trainer=trainer, external_trainer=_strip(external_trainer or ""),
                      external_organisation=_strip(external_organisation or ""), starts_at=starts_at,
                      ends_at=ends_at, mode=mode, place=(place or "").strip(), capacity=capacity,
                      note=(note or "").strip())
    _check_session(session)
    session.number = "-"  # validated first: a refused form consumes no number
    session.full_clean(exclude=["number"])
    year = timezone.localtime(starts_at).year
    session.number = next_number(unit=unit, kind=NUMBER_KIND, pattern=NUMBER_PATTERN, year=year,
                                 taken=lambda text: Session.objects.filter(number=text).exists())
    session.search_key = _session_key(session)
    save_tracked(session, acting_user)
    _tell_trainer(session, acting_user)
    return session


def _tell_trainer(session, acting_user):
    if session.trainer_id and session.trainer_id != acting_user.pk:
        notify([session.trainer], "training_trainer_named", params={"object": session, "starts": session.starts_at},
               url=session.get_absolute_url(), key=f"trainingsession:{session.pk}:trainer:{session.trainer_id}")


def lock(session):
    return Session.objects.select_for_update(of=("self",)).select_related("unit", "course").get(pk=session.pk)


@transaction.atomic
def session_update(*, acting_user, session, **fields):
    """Change a session while it is planned or invited (``SESSION_FIELDS``). People already invited
    are told of a new time or place."""
    _unknown(fields, SESSION_FIELDS, "session_update")
    session = lock(session)
    require_can(acting_user, "change", session)
    if session.status not in EDITABLE:
        raise ValidationError(_("A session that was held, closed or cancelled cannot be changed."))
    before = (session.starts_at, session.ends_at, session.place, session.trainer_id)
    for name, value in fields.items():
        setattr(session, name, value.strip() if isinstance(value, str) else value)
    _check_session(session)
    session.search_key = _session_key(session)
    save_tracked(session, acting_user)
    if session.trainer_id != before[3]:
        _tell_trainer(session, acting_user)
    if session.status == S.INVITED and before[:3] != (session.starts_at, session.ends_at, session.place):
        people = [p.user for p in session.participants.select_related("user")]
        stamp = int(timezone.now().timestamp())
        notify(people, "training_session_changed", params={"object": session, "starts": session.starts_at,
                                                           "place": session.place or "—"},
               url=session.get_absolute_url(), key=f"trainingsession:{session.pk}:changed:{stamp}")
    return session


# ---- the workflow ----------------------------------------------------------------------------------------
def has_started(session, now=None):
    return session.starts_at <= (now or timezone.now())


def unrecorded(session):
    return session.participants.filter(attendance=A.UNKNOWN)


def scores_missing(session):
    if session.course.pass_mark is None:
        return session.participants.none()
    return session.participants.filter(attendance=A.PRESENT, score__isnull=True)


def _complete(session, user):
    return not unrecorded(session).exists() and not scores_missing(session).exists()


def _tell_invited(session, people=None):
    """Each invited person is told, once, in their own language (one message per person)."""
    if people is None:
        people = [p.user for p in session.participants.exclude(via=Participant.Via.WALK_IN).select_related("user")]
    notify(people, "training_invited",
           params={"object": session, "course": session.course, "starts": session.starts_at,
                   "place": session.place or "—"},
           url=session.get_absolute_url(), key=f"trainingsession:{session.pk}:invited")


def _on_invite(session, user, reason, data):
    _tell_invited(session)


def participants_passed(session):
    """The participants present (and, when the course has a pass mark, passed): who is qualified."""
    rows = session.participants.filter(attendance=A.PRESENT)
    if session.course.pass_mark is not None:
        rows = rows.filter(score__gte=session.course.pass_mark)
    return rows


def _on_close(session, user, reason, data):
    """Grant the course's competences to those present (and passed), and plan their head's check of
    the training's effectiveness three months after the session."""
    obtained = timezone.localtime(session.ends_at).date()
    due = add_months(obtained, EFFECTIVENESS_MONTHS)
    competences = list(session.course.competences.all())
    rows = list(participants_passed(session).select_related("user", "session__course"))
    have_check = set(EffectivenessCheck.objects.filter(participant__session=session).values_list("participant_id",
                                                                                                  flat=True))
    for participant in rows:
        for competence in competences:
            qualification_create(acting_user=user, user=participant.user, competence=competence, obtained_on=obtained,
                                 participant=participant, check=False)
        if participant.pk not in have_check:
            save_tracked(EffectivenessCheck(participant=participant, due_on=due), user)


def _on_cancel(session, user, reason, data):
    people = [p.user for p in session.participants.select_related("user")]
    notify(people, "training_session_cancelled", params={"object": session, "reason": reason},
           url=session.get_absolute_url(), key=f"trainingsession:{session.pk}:cancelled")


def _transitions():
    return [
        Transition(name="invite", label=gettext_lazy("Send the invitations"), sources=(S.PLANNED,), target=S.INVITED,
                   permission=CHANGE, effect=_on_invite, button="primary",
                   guards=(Guard(lambda s, u: s.participants.exists(),
                                 gettext_lazy("Invite people first (by unit, role or name).")),
                           Guard(lambda s, u: not has_started(s),
                                 gettext_lazy("The session has already started: invitations can no longer be "
                                              "sent.")))),
        Transition(name="hold", label=gettext_lazy("Record the session held"), sources=(S.INVITED,), target=S.HELD,
                   permission=CHANGE, button="success",
                   guards=(Guard(lambda s, u: has_started(s),
                                 gettext_lazy("The session has not started yet.")),)),
        Transition(name="close", label=gettext_lazy("Close the session"), sources=(S.HELD,), target=S.CLOSED,
                   permission=CHANGE, effect=_on_close, button="success",
                   guards=(Guard(_complete, gettext_lazy(
                       "Record every participant's attendance first (nobody may stay “not recorded”), and the test "
                       "score of everyone present when the course has a pass mark.")),)),
        Transition(name="cancel", label=gettext_lazy("Cancel the session"), sources=(S.PLANNED, S.INVITED),
                   target=S.CANCELLED, permission=CHANGE, effect=_on_cancel, reason_required=True,
                   button="outline-danger"),
    ]


def register_workflow():
    return register(Workflow(model=Session, transitions=_transitions()))


def session_transition(*, acting_user, session, name, reason="", password=None, data=None):
    """Send the invitations, record the session held, close it (qualifications and effectiveness
    checks), or cancel it with the reason (everyone invited is told)."""
    return Session.workflow.perform(session, name, acting_user=acting_user, reason=reason, password=password,
                                    data=data)


def may_change(user, session):
    return session.status in EDITABLE and can(user, "change", session)
