"""The training area's lists keep their content in the cache (``training/cached.py``): every row
they show or count retires them when it changes (recorded by ``tests/fragment_check.py``), what a
person does through the services shows at once (bulk invitations and acknowledgements assigned in
bulk included), a cached visit reads no row of the list, and what else a reader may do (edit a
requirement, open the plan items) follows their rights, not the cache."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from documents import services as documents
from qms_portal import services as core
from qms_portal.models import Role, Unit, User
from tests import factories
from tests.documents.factories import doc_setup
from tests.fragment_check import PieceRecorder, assert_cached_visit_reads_no_row
from tests.training import competence_factories as cf
from tests.training import matrix_factories as mf
from tests.training import plan_factories as pf
from tests.training import records_factories as rf
from tests.training import sessions_factories as sf
from training.models import Competence, EffectivenessCheck, Participant, Qualification, Session, TrainingPlan
from training.services import plan as plans
from training.services import qualifications, records
from training.services import sessions as sessions_services
from training.services import sessions_attendance as attendance
from training.services import sessions_invitations as invitations

pytestmark = pytest.mark.django_db

# Every cached list, with a filter or two, and the table of the rows it lists.
LISTS = [
    ("training:competence_list", {}, "training_competence"),
    ("training:competence_list", {"is_active": "true"}, "training_competence"),
    ("training:course_list", {}, "training_course"),
    ("training:course_list", {"topic": "procedure"}, "training_course"),
    ("training:session_list", {}, "training_session"),
    ("training:session_list", {"status": "held", "mine": "true"}, "training_session"),
    ("training:requirement_list", {}, "training_competencerequirement"),
    ("training:requirement_list", {"active": "all"}, "training_competencerequirement"),
    ("training:qualification_list", {}, "training_qualification"),
    ("training:qualification_list", {"state": "expiring", "active": "true"}, "training_qualification"),
    ("training:effectiveness_list", {}, "training_effectivenesscheck"),
    ("training:effectiveness_list", {"state": "all"}, "training_effectivenesscheck"),
    ("training:plan_list", {}, "training_trainingplan"),
    ("training:plan_list", {"status": "draft"}, "training_trainingplan"),
    ("training:planitem_list", {}, "training_planitem"),
    ("training:planitem_list", {"done": "true"}, "training_planitem"),
    ("training:revision_trainings", {}, "documents_acknowledgement"),
    ("training:revision_trainings", {"state": "trained"}, "documents_acknowledgement"),
]


@pytest.fixture
def t():
    """The documents' small tree (``doc_setup``) with a training coordinator on the department, a
    revision that needs training, a course on it held for the department (the office's staff member
    present, a reviewer absent), a requirement and an expiring qualification, an effectiveness check
    due, and a plan whose item the held session did."""
    s = doc_setup()
    s.coord = factories.make_user(f"{s.prefix}coord".lower(), s.dept, full_name=f"Điều phối {s.prefix}")
    factories.assign(s.coord, s.roles["training_coordinator"], s.dept, include_subunits=True)
    s.revision = mf.revision_needing_training(s, title="Quy trình đào tạo nội bộ")
    s.course = mf.course(s.revision)
    s.held = mf.session(s.course, s.dept, days_ago=0)  # (today: the plan's year is the sessions' own)
    s.present = mf.attend(s.held, s.staff)
    s.absent = mf.attend(s.held, s.reviewer1, Participant.Attendance.ABSENT)
    s.comp = cf.competence("iso-awareness-cached", name="ISO awareness")
    s.requirement = cf.requirement("staff", s.comp, s.dept, note="Mọi công chức")
    s.qualification = cf.qualification(s.staff, s.comp, until=10)  # expiring within 90 days
    s.check = rf.make_check(s.present, due_in_days=3)
    s.plan = pf.plan(s.dept, s.coord, year=timezone.localtime(s.held.starts_at).year)
    s.item = pf.item(s.plan, s.coord, course=s.course, participants=5)
    plans.plan_item_link_sessions(acting_user=s.coord, item=s.item, sessions=[s.held])
    return s


def visit(client, name, params=None, status=200):
    response = client.get(reverse(name), params or {})
    assert response.status_code == status, (name, response.status_code)
    return response.content.decode()


def item_row(item):
    return f'data-item="{item.pk}"'


def row(page, marker):
    """The table row of ``page`` that holds ``marker`` (a link, a name)."""
    found = [r for r in re.findall(r"<tr[^>]*>.*?</tr>", page, flags=re.S) if marker in r]
    assert len(found) == 1, (marker, len(found))
    return found[0]


# --- what each list shows retires it ---------------------------------------------------------------


def test_every_row_the_cached_lists_show_retires_them_when_it_changes(t, client_for, monkeypatch):
    recorder = PieceRecorder(monkeypatch)
    for person in (t.coord, t.mr, t.approver):
        client = client_for(person)
        for name, params, _table in LISTS:
            if client.get(reverse(name)).status_code == 403:
                continue
            visit(client, name, params)
    assert recorder.problems() == []
    assert recorder.models_seen() >= {
        "training.Competence", "training.Course", "training.Session", "training.CompetenceRequirement",
        "training.Qualification", "training.EffectivenessCheck", "training.Participant", "training.TrainingPlan",
        "training.PlanItem", "documents.Acknowledgement", "documents.Revision", "documents.Document",
        "qms_portal.Unit", "qms_portal.User", "qms_portal.Role",
    }


def test_the_check_fails_for_a_list_that_misses_a_generation(t, client_for, monkeypatch):
    from training import cached
    from training.views.sessions import SessionListView

    monkeypatch.setattr(SessionListView, "cache_generations", (cached.SESSIONS,))
    recorder = PieceRecorder(monkeypatch)
    visit(client_for(t.coord), "training:session_list")
    assert any("training.Course" in p for p in recorder.problems()), recorder.problems()


@pytest.mark.parametrize(("name", "params", "table"), LISTS)
def test_a_cached_visit_reads_no_row_of_the_list(name, params, table, t, client_for):
    reader = t.approver if name == "training:effectiveness_list" else t.coord
    client = client_for(reader)
    queries = assert_cached_visit_reads_no_row(client, reverse(name), params, table)
    assert queries < 10


# --- what a person does shows at once --------------------------------------------------------------


def test_invitations_in_bulk_attendance_and_a_new_session_show_at_once(t, client_for):
    client = client_for(t.coord)
    assert '<td class="text-end">1</td>' in row(visit(client, "training:course_list"), t.course.get_absolute_url())
    planned = sf.session(t.coord, t.dept, the_course=t.course)
    assert '<td class="text-end">2</td>' in row(visit(client, "training:course_list"), t.course.get_absolute_url())
    assert "0 / 0" in row(visit(client, "training:session_list"), planned.get_absolute_url())
    invitations.session_invite(acting_user=t.coord, session=planned, people=[t.nobody, t.reviewer2])  # in bulk
    assert "0 / 2" in row(visit(client, "training:session_list"), planned.get_absolute_url())
    # the absent reviewer is marked present: trained on the revision, one more person trained
    assert "Not yet trained" in row(visit(client, "training:revision_trainings"), t.reviewer1.full_name)
    assert "1 of 5" in row(visit(client, "training:planitem_list"), item_row(t.item))
    attendance.participant_mark(acting_user=t.coord, participant=t.absent, attendance=Participant.Attendance.PRESENT)
    assert "Not yet trained" not in row(visit(client, "training:revision_trainings"), t.reviewer1.full_name)
    assert "2 / 2" in row(visit(client, "training:session_list"), t.held.get_absolute_url())
    assert "2 of 5" in row(visit(client, "training:planitem_list"), item_row(t.item))


def test_a_session_held_and_a_session_cancelled_show_at_once(t, client_for):
    client = client_for(t.coord)
    invited = mf.session(t.course, t.dept, status=Session.Status.INVITED, days_ago=0)
    mf.attend(invited, t.reviewer2)
    item = pf.item(t.plan, t.coord, course=t.course, participants=3)
    plans.plan_item_link_sessions(acting_user=t.coord, item=item, sessions=[invited])
    assert "Not done" in row(visit(client, "training:planitem_list"), item_row(item))
    assert "1 of 2" in row(visit(client, "training:plan_list"), t.plan.get_absolute_url())
    sessions_services.session_transition(acting_user=t.coord, session=invited, name="hold")
    assert "Not done" not in row(visit(client, "training:planitem_list"), item_row(item))
    assert "2 of 2" in row(visit(client, "training:plan_list"), t.plan.get_absolute_url())
    # present at a session that is then cancelled: not trained
    planned = mf.session(t.course, t.dept, status=Session.Status.PLANNED, days_ago=0)
    mf.attend(planned, t.nobody)
    assert "Not yet trained" not in row(visit(client, "training:revision_trainings"), t.nobody.full_name)
    sessions_services.session_transition(acting_user=t.coord, session=planned, name="cancel", reason="Mưa bão")
    assert "Not yet trained" in row(visit(client, "training:revision_trainings"), t.nobody.full_name)
    assert "Cancelled" in row(visit(client, "training:session_list"), planned.get_absolute_url())


def test_requirements_qualifications_and_a_renamed_competence_show_at_once(t, client_for):
    client = client_for(t.coord)
    assert "Expiring" in row(visit(client, "training:qualification_list"), t.qualification.get_absolute_url())
    qualifications.qualification_withdraw(acting_user=t.coord, qualification=t.qualification, reason="Cấp nhầm")
    assert "Withdrawn" in row(visit(client, "training:qualification_list"), t.qualification.get_absolute_url())
    other = cf.competence("records-keeping-cached", name="Records keeping")
    assert visit(client, "training:requirement_list").count('data-testid="requirement"') == 1
    cf.requirement("document_controller", other, t.office)
    assert visit(client, "training:requirement_list").count('data-testid="requirement"') == 2
    sessions_services.competence_update(acting_user=factories._acting(), competence=Competence.objects.get(
        pk=t.comp.pk), name_en="ISO 9001 awareness")
    for name in ("training:requirement_list", "training:qualification_list", "training:competence_list"):
        assert "ISO 9001 awareness" in visit(client, name), name


def test_a_recorded_check_a_submitted_plan_and_a_new_item_show_at_once(t, client_for):
    head, coordinator = client_for(t.approver), client_for(t.coord)
    assert "Record" in row(visit(head, "training:effectiveness_list"), t.staff.full_name)
    records.effectivenesscheck_record(acting_user=t.approver, check=EffectivenessCheck.objects.get(pk=t.check.pk),
                                      rating=EffectivenessCheck.Rating.EFFECTIVE)
    assert "Nothing to show." in visit(head, "training:effectiveness_list")  # no longer due
    assert "Effective" in row(visit(head, "training:effectiveness_list", {"state": "done"}), t.staff.full_name)
    assert "Draft" in row(visit(coordinator, "training:plan_list"), t.plan.get_absolute_url())
    plans.plan_transition(acting_user=t.coord, plan=TrainingPlan.objects.get(pk=t.plan.pk), name="submit")
    assert "Awaiting approval" in row(visit(coordinator, "training:plan_list"), t.plan.get_absolute_url())
    pf.item(t.plan, t.coord, title="Kỹ năng giao tiếp", participants=7)
    assert "Kỹ năng giao tiếp" in visit(coordinator, "training:planitem_list")
    assert "1 of 2" in row(visit(coordinator, "training:plan_list"), t.plan.get_absolute_url())


def test_acknowledgements_assigned_in_bulk_and_a_new_revision_show_at_once(t, client_for):
    """The documents area assigns acknowledgements in bulk (no signal) and bumps its register's
    generation: the register of training on revisions depends on it."""
    client = client_for(t.coord)
    newcomer = factories.make_user(f"{t.prefix}new".lower(), t.dept, full_name=f"Người mới {t.prefix}")
    assert newcomer.full_name not in visit(client, "training:revision_trainings")
    assigned = documents.acknowledgements_assign(acting_user=t.author, revision=t.revision)
    assert assigned == 1
    assert "Not yet trained" in row(visit(client, "training:revision_trainings"), newcomer.full_name)
    other = mf.revision_needing_training(t, title="Quy trình lưu trữ hồ sơ")
    assert other.document.code in visit(client, "training:revision_trainings")


def test_a_renamed_unit_a_renamed_person_and_a_person_who_moved_show_at_once(t, client_for):
    client = client_for(t.coord)
    for name, params, _table in LISTS:
        if name != "training:effectiveness_list":
            visit(client, name, params)
    admin = factories._acting()
    core.unit_update(acting_user=admin, unit=Unit.objects.get(pk=t.dept.pk), name="Sở Nội vụ (mới)")
    core.user_update(acting_user=admin, user=User.objects.get(pk=t.staff.pk), full_name="Trần Thị Mới")
    for name in ("training:session_list", "training:requirement_list", "training:plan_list",
                 "training:planitem_list"):
        assert "Sở Nội vụ (mới)" in visit(client, name), name
    for name in ("training:qualification_list", "training:revision_trainings"):
        assert "Trần Thị Mới" in visit(client, name), name
    assert "Trần Thị Mới" in visit(client_for(t.approver), "training:effectiveness_list")
    core.user_update(acting_user=admin, user=User.objects.get(pk=t.staff.pk), primary_unit=t.dept)
    assert "Sở Nội vụ (mới)" in row(visit(client, "training:qualification_list"), t.qualification.get_absolute_url())


# --- what a reader may do follows their rights, not the cache --------------------------------------


def _role(code, *perms):
    from django.contrib.auth.models import Permission

    role = Role.objects.create(code=code, name=code)
    role.permissions.set([Permission.objects.get(content_type__app_label=p.split(".")[0],
                                                 codename=p.split(".")[1]) for p in perms])
    return role


def test_a_right_gained_elsewhere_shows_the_buttons_it_gives(t, client_for):
    """The management representative reads the requirements and the plans; a role on another unit
    that lets them change requirements, or read the plan items, shows the buttons at once (their
    scope for the lists themselves is the same)."""
    client = client_for(t.mr)
    edit = reverse("training:requirement_edit", args=[t.requirement.pk])
    items = reverse("training:planitem_list")
    assert edit not in visit(client, "training:requirement_list")
    assert f'href="{items}"' in visit(client, "training:plan_list")  # (the role carries it)
    reader = factories.make_user(f"{t.prefix}plans".lower(), t.dept)
    factories.assign(reader, _role("plans-only", "training.view_trainingplan"), t.dept)
    plan_reader = client_for(reader)
    assert f'href="{items}"' not in visit(plan_reader, "training:plan_list")
    factories.assign(reader, _role("items-elsewhere", "training.view_planitem"), t.other)
    assert f'href="{items}"' in visit(plan_reader, "training:plan_list")
    factories.assign(t.mr, _role("change-requirements", "training.change_competencerequirement"), t.other)
    assert edit in visit(client, "training:requirement_list")


def test_each_reader_sees_their_own_list(t, client_for):
    coordinator, head, outsider = client_for(t.coord), client_for(t.approver), client_for(t.outsider)
    edit = reverse("training:requirement_edit", args=[t.requirement.pk])
    assert edit in visit(coordinator, "training:requirement_list")
    assert edit not in visit(head, "training:requirement_list")
    assert t.held.get_absolute_url() in visit(coordinator, "training:session_list")
    assert t.held.get_absolute_url() not in visit(outsider, "training:session_list")  # (a possible trainer)
    assert Qualification.objects.filter(user=t.staff).exists()
    staff = client_for(t.staff)  # their own qualification only, through the model's widening
    assert t.qualification.get_absolute_url() in visit(staff, "training:qualification_list")
    assert edit in visit(coordinator, "training:requirement_list")


def test_a_new_day_moves_a_qualification_into_expired(t, client_for, monkeypatch):
    """The day is in every list's key: a state that turns on the day is never served stale."""
    client = client_for(t.coord)
    assert "Expiring" in row(visit(client, "training:qualification_list"), t.qualification.get_absolute_url())
    today, later = timezone.localdate, timezone.localdate() + timedelta(days=11)
    monkeypatch.setattr(timezone, "localdate", lambda value=None, timezone=None: later if value is None
                        else today(value, timezone))
    assert "Expired" in row(visit(client, "training:qualification_list"), t.qualification.get_absolute_url())
