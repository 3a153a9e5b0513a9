"""The records part's rows of the access matrix (composed by ``tests/training/access.py``).

Objects, on each unit of the matrix: a session held there (``rec_session``) with a participant of
that unit recorded present (``rec_participant``, nobody of the matrix: the person's own reach of
their participation is tested in ``test_records_views``), and the effectiveness check of that
participation, due today (``rec_check``, scoped by the participant's unit)."""

from datetime import timedelta

from django.utils import timezone

from tests import factories
from tests.viewtests import LOGIN, Listing, P
from training.models import Course, EffectivenessCheck, Participant, Session

CHECK = "training.check_effectiveness"

ROWS = {
    "training:session_attendance_sheet": P("training.view_session", "rec_session"),
    "training:session_certificates": P("training.change_participant", "rec_session"),
    "training:participant_certificate": P("training.view_participant", "rec_participant"),
    "training:participant_feedback": P("training.view_participant", "rec_participant"),
    "training:my_records": LOGIN,
    "training:effectiveness_list": P(CHECK),
    "training:effectivenesscheck_detail": P("training.view_effectivenesscheck", "rec_check"),
    "training:effectivenesscheck_history": P("training.view_effectivenesscheck", "rec_check"),
    "training:effectiveness_record": P(CHECK, "rec_check"),
}

LISTS = {
    "training:effectiveness_list": Listing("rec_check", CHECK,
                                           lambda c: f'href="/training/effectiveness/{c.pk}/"'),
}

SPOT_CHECKS = {
    ("training:effectiveness_list", "department_head", "-", "GET", None): 200,
    ("training:effectiveness_list", "training_coordinator", "-", "GET", None): 403,
    ("training:effectiveness_record", "department_head", "in", "GET", None): 200,
    ("training:effectiveness_record", "department_head", "out", "GET", None): 404,
    ("training:effectiveness_record", "management_representative", "in", "GET", None): 403,
    ("training:session_certificates", "training_coordinator", "in", "GET", None): 200,
    ("training:session_certificates", "department_head", "in", "GET", None): 403,
    ("training:participant_certificate", "training_coordinator", "out", "GET", None): 404,
    ("training:participant_feedback", "staff", "in", "GET", None): 404,
}

_course = {}


def _records_course():
    if "c" not in _course or not Course.objects.filter(pk=_course["c"].pk).exists():
        _course["c"] = Course.objects.create(code=f"C-REC-MATRIX-{Course.objects.count()}",
                                             title="Nhận thức ISO 9001:2015")
    return _course["c"]


def make_objects(tree, unit, grantee=None, objects=None):
    starts = timezone.now() - timedelta(days=2)
    session = Session.objects.create(course=_records_course(), unit=unit, number=f"{unit.code}-TS-REC",
                                     starts_at=starts, ends_at=starts + timedelta(hours=3), status=Session.Status.HELD,
                                     external_trainer="Nguyễn Giảng Viên")
    person = factories.make_user(f"{unit.code}-rec-learner".lower(), unit, full_name="Học viên")
    participant = Participant.objects.create(session=session, user=person, unit=unit,
                                             attendance=Participant.Attendance.PRESENT)
    check = EffectivenessCheck.objects.create(participant=participant, due_on=timezone.localdate())
    return {"rec_session": session, "rec_participant": participant, "rec_check": check}
