"""The sessions part's rules, through the services: the catalogue, a session's trainer and dates,
invitations (by unit, role, person; skipping those invited; refused once the session started; over
capacity said), attendance (absent needs a reason; a walk-in is recorded as such; the score only
with a test), the workflow (close refused while attendance is incomplete; qualifications and
effectiveness checks only for those present and passed), and the reminder the day before."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qms_portal.models import Notification, ReminderClaim
from tests import factories
from tests.training import sessions_factories as f
from training.models import EffectivenessCheck, Participant, Qualification, Session
from training.services import sessions as services
from training.services import sessions_attendance as attendance
from training.services import sessions_invitations as invitations
from training.services.sessions_reminders import session_reminders_send

pytestmark = pytest.mark.django_db
A = Participant.Attendance


@pytest.fixture
def tree():
    return factories.small_tree()


@pytest.fixture
def su(tree):
    return tree.superuser


def test_a_session_is_numbered_by_its_unit_and_year(tree, su):
    s = f.session(su, tree.ward1)
    year = timezone.localtime(s.starts_at).year
    assert s.number == f"{tree.ward1.code}-TRN-{year}-001"
    assert f.session(su, tree.ward1).number.endswith("-002")


def test_a_session_needs_a_trainer_and_an_outside_trainer_needs_an_organisation(tree, su):
    with pytest.raises(ValidationError) as error:
        f.session(su, tree.ward1, external_trainer="", external_organisation="")
    assert "trainer" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        f.session(su, tree.ward1, external_trainer="Ông Giảng", external_organisation="")
    assert "external_organisation" in error.value.error_dict


def test_a_person_without_a_trainer_role_cannot_be_named_trainer(tree, su):
    nobody = factories.make_user("no-role-trainer", tree.ward1)
    with pytest.raises(ValidationError) as error:
        f.session(su, tree.ward1, trainer=nobody, external_trainer="")
    assert "trainer" in error.value.error_dict
    s = f.session(su, tree.ward1, trainer=tree.ward1_staff, external_trainer="")  # staff may be named
    assert s.trainer == tree.ward1_staff
    assert Notification.objects.filter(recipient=tree.ward1_staff, kind="training_trainer_named").count() == 1


def test_a_session_cannot_end_before_it_starts(tree, su):
    with pytest.raises(ValidationError) as error:
        f.session(su, tree.ward1, hours=-2)
    assert "ends_at" in error.value.error_dict


def test_invitations_by_unit_role_and_person_skip_those_already_invited(tree, su):
    s = f.session(su, tree.district)
    ward1 = f.people(tree.ward1, 3)
    ward2 = f.people(tree.ward2, 2)
    result = invitations.session_invite(acting_user=su, session=s, units=[tree.ward1])
    assert len(result.added) == 3 + 2  # the three, the ward's staff member and its MR
    result = invitations.session_invite(acting_user=su, session=s, units=[tree.district], include_subunits=True)
    assert len(result.added) == 2 + 1 and result.skipped == 5  # ward2's two, the steering member
    by_role = invitations.session_invite(acting_user=su, session=s, roles=[tree.roles["staff"]])
    assert by_role.added == [] and by_role.skipped == 1
    outsider = invitations.session_invite(acting_user=su, session=s, people=[tree.outsider])
    assert [p.via for p in outsider.added] == [Participant.Via.PERSON]
    vias = dict(Participant.objects.filter(session=s).values_list("user_id", "via"))
    assert vias[ward1[0].pk] == Participant.Via.UNIT and vias[ward2[0].pk] == Participant.Via.UNIT


def test_role_invitations_reach_holders_in_the_sessions_subtree_only(tree, su):
    s = f.session(su, tree.district)
    result = invitations.session_invite(acting_user=su, session=s, roles=[tree.roles["staff"]])
    assert {p.user for p in result.added} == {tree.ward1_staff}  # not the agency's staff member


def test_invitations_are_refused_for_a_session_in_the_past(tree, su):
    s = f.session(su, tree.ward1, starts_in=timedelta(days=-1))
    with pytest.raises(ValidationError) as error:
        invitations.session_invite(acting_user=su, session=s, people=[tree.ward1_staff])
    assert "already started or is in the past" in " ".join(error.value.messages)
    assert not Participant.objects.filter(session=s).exists()


def test_going_over_the_capacity_is_allowed_and_said(tree, su):
    s = f.session(su, tree.ward1, capacity=2)
    result = invitations.session_invite(acting_user=su, session=s, people=f.people(tree.ward1, 3))
    assert result.over_capacity and len(result.added) == 3
    message, warning = invitations.describe(result)
    assert "capacity of 2" in warning


def test_sending_the_invitations_tells_each_person_once_and_later_invitees_at_once(tree, su):
    s = f.session(su, tree.ward1)
    first = f.people(tree.ward1, 2)
    invitations.session_invite(acting_user=su, session=s, people=first)
    assert not Notification.objects.filter(kind="training_invited").exists()  # planned: nobody told yet
    services.session_transition(acting_user=su, session=s, name="invite")
    later = f.people(tree.ward1, 1, prefix="late")
    invitations.session_invite(acting_user=su, session=s, people=later + first)
    told = list(Notification.objects.filter(kind="training_invited").values_list("recipient_id", flat=True))
    assert sorted(told) == sorted(u.pk for u in first + later)


def test_invitations_cannot_be_sent_to_nobody(tree, su):
    s = f.session(su, tree.ward1)
    with pytest.raises(ValidationError, match="Invite people first"):
        services.session_transition(acting_user=su, session=s, name="invite")


def test_absent_needs_a_reason(tree, su):
    people = f.people(tree.ward1, 2)
    s = f.held_session(su, tree.ward1, people)
    p = Participant.objects.get(session=s, user=people[0])
    with pytest.raises(ValidationError) as error:
        attendance.participant_mark(acting_user=su, participant=p, attendance=A.ABSENT, absence_reason="  ")
    assert "absence_reason" in error.value.error_dict
    attendance.participant_mark(acting_user=su, participant=p, attendance=A.ABSENT,
                                absence_reason="Đi công tác (on official business)")
    p.refresh_from_db()
    assert p.attendance == A.ABSENT and p.absence_reason.startswith("Đi công tác") and p.marked_by == su


def test_attendance_is_not_recorded_before_the_day_of_the_session(tree, su):
    s = f.session(su, tree.ward1)
    invitations.session_invite(acting_user=su, session=s, people=[tree.ward1_staff])
    p = Participant.objects.get(session=s)
    with pytest.raises(ValidationError, match="from the day of the session"):
        attendance.participant_mark(acting_user=su, participant=p, attendance=A.PRESENT)


def test_a_score_only_when_the_course_has_a_test(tree, su):
    s = f.held_session(su, tree.ward1, [tree.ward1_staff])
    p = Participant.objects.get(session=s)
    with pytest.raises(ValidationError, match="no test"):
        attendance.participant_mark(acting_user=su, participant=p, attendance=A.PRESENT, score="80")
    tested = f.course(su, code="IA", pass_mark=70)
    s2 = f.held_session(su, tree.ward1, [tree.ward1_staff], the_course=tested)
    p2 = Participant.objects.get(session=s2)
    with pytest.raises(ValidationError, match="0 to 100"):
        attendance.participant_mark(acting_user=su, participant=p2, attendance=A.PRESENT, score="120")
    attendance.participant_mark(acting_user=su, participant=p2, attendance=A.PRESENT, score="85,5")
    p2.refresh_from_db()
    assert str(p2.score) == "85.5" and p2.passed is True


def test_a_walk_in_is_recorded_as_such(tree, su):
    s = f.held_session(su, tree.ward1, [tree.ward1_staff])
    walker = factories.make_user("walker", tree.ward2, full_name="Walker")
    p = attendance.participant_walk_in(acting_user=su, session=s, user=walker)
    assert p.via == Participant.Via.WALK_IN and p.attendance == A.PRESENT and p.unit == tree.ward2
    with pytest.raises(ValidationError, match="already on the list"):
        attendance.participant_walk_in(acting_user=su, session=s, user=tree.ward1_staff)


def test_the_whole_list_is_checked_before_anything_is_saved(tree, su):
    people = f.people(tree.ward1, 2)
    s = f.held_session(su, tree.ward1, people)
    a, b = Participant.objects.filter(session=s).order_by("pk")
    with pytest.raises(attendance.AttendanceErrors) as error:
        attendance.attendance_record(acting_user=su, session=s, marks={a.pk: (A.PRESENT, "", ""),
                                                                       b.pk: (A.ABSENT, "", "")})
    assert list(error.value.rows) == [b.pk]
    a.refresh_from_db()
    assert a.attendance == A.UNKNOWN


def test_close_is_refused_while_attendance_is_incomplete(tree, su):
    people = f.people(tree.ward1, 2)
    s = f.held_session(su, tree.ward1, people)
    services.session_transition(acting_user=su, session=s, name="hold")
    a, b = Participant.objects.filter(session=s).order_by("pk")
    attendance.participant_mark(acting_user=su, participant=a, attendance=A.PRESENT)
    with pytest.raises(ValidationError, match="not recorded"):
        services.session_transition(acting_user=su, session=s, name="close")
    s.refresh_from_db()
    assert s.status == Session.Status.HELD and not Qualification.objects.exists()


def test_closing_grants_qualifications_only_to_those_present_and_passed(tree, su):
    auditor = f.competence(su, code="internal-auditor", months=36)
    course = f.course(su, code="IA", pass_mark=70, competences=[auditor], topic="internal_auditor")
    people = f.people(tree.ward1, 4)
    s = f.held_session(su, tree.ward1, people, the_course=course)
    services.session_transition(acting_user=su, session=s, name="hold")
    rows = {p.user_id: p for p in Participant.objects.filter(session=s)}
    marks = {rows[people[0].pk].pk: (A.PRESENT, "", "90"), rows[people[1].pk].pk: (A.PRESENT, "", "50"),
             rows[people[2].pk].pk: (A.ABSENT, "Đi công tác", ""), rows[people[3].pk].pk: (A.EXCUSED, "", "")}
    attendance.attendance_record(acting_user=su, session=s, marks=marks)
    services.session_transition(acting_user=su, session=s, name="close")
    qualified = Qualification.objects.filter(competence=auditor)
    assert list(qualified.values_list("user_id", flat=True)) == [people[0].pk]
    q = qualified.get()
    ended = timezone.localtime(s.ends_at).date()
    assert q.participant == rows[people[0].pk] and q.obtained_on == ended
    assert q.valid_until.year == ended.year + 3
    check = EffectivenessCheck.objects.get()
    assert check.participant == rows[people[0].pk] and (check.due_on - ended).days in range(89, 93)


def test_a_present_participant_needs_a_score_before_closing_a_tested_course(tree, su):
    course = f.course(su, code="IA", pass_mark=70)
    s = f.held_session(su, tree.ward1, [tree.ward1_staff], the_course=course)
    services.session_transition(acting_user=su, session=s, name="hold")
    attendance.participant_mark(acting_user=su, participant=Participant.objects.get(session=s), attendance=A.PRESENT)
    with pytest.raises(ValidationError, match="test score"):
        services.session_transition(acting_user=su, session=s, name="close")


def test_cancelling_needs_a_reason_and_tells_everyone_invited(tree, su):
    s = f.session(su, tree.ward1)
    invitations.session_invite(acting_user=su, session=s, people=f.people(tree.ward1, 2))
    with pytest.raises(ValidationError, match="reason"):
        services.session_transition(acting_user=su, session=s, name="cancel")
    services.session_transition(acting_user=su, session=s, name="cancel", reason="Giảng viên bận")
    assert Notification.objects.filter(kind="training_session_cancelled").count() == 2
    with pytest.raises(ValidationError):
        services.session_update(acting_user=su, session=s, place="Phòng B")


def test_a_trainer_marks_the_sessions_naming_them_only(tree, su):
    trainer = tree.ward1_staff  # staff may be named trainers
    s = f.held_session(su, tree.ward1, f.people(tree.ward1, 1), trainer=trainer, external_trainer="")
    other = f.held_session(su, tree.ward1, f.people(tree.ward1, 1, prefix="o"))
    p = Participant.objects.get(session=s)
    attendance.participant_mark(acting_user=trainer, participant=p, attendance=A.PRESENT)
    with pytest.raises(PermissionDenied):
        attendance.participant_mark(acting_user=trainer, participant=Participant.objects.get(session=other),
                                    attendance=A.PRESENT)
    assert not trainer.has_perm("training.change_session", s)  # they mark; they do not run it


def test_the_reminder_the_day_before_is_sent_once_per_person(tree, su):
    trainer = tree.ward1_staff
    s = f.session(su, tree.ward1, starts_in=timedelta(hours=20), trainer=trainer, external_trainer="")
    s2 = f.session(su, tree.ward1, starts_in=timedelta(hours=22))
    far = f.session(su, tree.ward1, starts_in=timedelta(days=5))
    people = f.people(tree.ward1, 2)
    for one in (s, s2, far):
        invitations.session_invite(acting_user=su, session=one, people=people)
        services.session_transition(acting_user=su, session=one, name="invite")
    result = session_reminders_send()
    assert result.messages == 3  # the two invitees (both sessions in one message) and the trainer
    n = Notification.objects.get(kind="training_sessions_soon", recipient=people[0])
    assert n.params["count"] == 2
    assert session_reminders_send().messages == 0  # idempotent
    assert ReminderClaim.objects.filter(kind="training_session_soon").count() == 2
    s.refresh_from_db()
    assert s.reminded_at is not None
