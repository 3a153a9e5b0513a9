"""The annual training plan's rules, through its services and selectors: one plan per unit and
year, what an item must say, the sessions an item may be linked to, done vs planned (items with a
held or closed session, people present at them), the needs found in the data (competence gaps,
expiring qualifications, revisions that need training, new staff), and the approval (the
management representative only, with at least one item; changes after it are recorded)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qms_portal.history import reason_text
from qms_portal.workflow import TransitionError
from tests import factories
from tests.training import plan_factories as f
from training.models import PlanItem, TrainingPlan
from training.selectors import plan as selectors
from training.services import plan as services

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YEAR = TODAY.year


@pytest.fixture
def t():
    tree = factories.small_tree()
    tree.coord = f.coordinator(tree)
    tree.mr = factories.make_user(f"{tree.prefix}mr", tree.district, full_name="Đại diện lãnh đạo")
    factories.assign(tree.mr, "management_representative", tree.district)
    return tree


def test_one_plan_per_unit_and_year_and_only_where_the_coordinator_works(t):
    f.plan(t.ward1, t.coord)
    with pytest.raises(ValidationError) as error:
        f.plan(t.ward1, t.coord)
    assert "already has a training plan" in str(error.value)
    with pytest.raises(ValidationError):
        f.plan(t.ward2, t.coord, year=1999)
    with pytest.raises(PermissionDenied):
        f.plan(t.division, t.coord)


def test_an_item_says_what_is_planned_and_a_sensible_month_and_number(t):
    plan = f.plan(t.ward1, t.coord)
    with pytest.raises(ValidationError) as error:
        services.plan_item_add(acting_user=t.coord, plan=plan, need="gap", title="  ")
    assert "choose a course or give a title" in str(error.value)
    with pytest.raises(ValidationError) as error:
        services.plan_item_add(acting_user=t.coord, plan=plan, need="gap", title="x", month=13, participants=-1)
    assert set(error.value.error_dict) == {"month", "participants"}
    with pytest.raises(PermissionDenied):
        services.plan_item_add(acting_user=t.mr, plan=plan, need="gap", title="x")
    assert not plan.items.exists()


def test_sessions_linked_are_the_plan_units_subtree_in_its_year(t):
    plan = f.plan(t.district, t.coord)
    item = f.item(plan, t.coord)
    mine = f.session(t.ward1, when=date(YEAR, 3, 10))
    other_unit = f.session(t.division, when=date(YEAR, 3, 10))
    other_year = f.session(t.ward1, when=date(YEAR - 1, 3, 10))
    cancelled = f.session(t.ward2, when=date(YEAR, 3, 10), status="cancelled")
    for wrong in (other_unit, other_year, cancelled):
        with pytest.raises(ValidationError):
            services.plan_item_link_sessions(acting_user=t.coord, item=item, sessions=[mine, wrong])
    services.plan_item_link_sessions(acting_user=t.coord, item=item, sessions=[mine])
    assert list(item.sessions.all()) == [mine]
    # an item with a session linked is not taken out
    with pytest.raises(ValidationError):
        services.plan_item_remove(acting_user=t.coord, item=item)
    services.plan_item_link_sessions(acting_user=t.coord, item=item, sessions=[])
    services.plan_item_remove(acting_user=t.coord, item=item)
    assert not PlanItem.objects.filter(pk=item.pk).exists()
    assert PlanItem.history.filter(id=item.pk, history_type="-").exists()


def test_done_vs_planned_counts_held_or_closed_sessions_and_people_present_once(t):
    plan = f.plan(t.district, t.coord)
    a = f.item(plan, t.coord, title="ISO 9001 awareness", participants=4)
    b = f.item(plan, t.coord, title="Internal auditor course", participants=2)
    c = f.item(plan, t.coord, title="Document control", participants=3)
    people = [factories.make_user(f"{t.prefix}p{i}", t.ward1) for i in range(4)]
    held = f.session(t.ward1, when=date(YEAR, 2, 1), status="held")
    closed = f.session(t.ward2, when=date(YEAR, 4, 1), status="closed")
    planned = f.session(t.ward1, when=date(YEAR, 11, 1), status="planned")
    for i, person in enumerate(people):
        f.participant(held, person, attendance="present" if i < 3 else "absent")
    f.participant(closed, people[0], attendance="present")  # the same person again: counted once for a
    f.participant(planned, people[1])
    services.plan_item_link_sessions(acting_user=t.coord, item=a, sessions=[held, closed])
    services.plan_item_link_sessions(acting_user=t.coord, item=c, sessions=[planned])
    items = {i.pk: i for i in selectors.items_of(plan)}
    assert items[a.pk].done and items[a.pk].people_trained == 3
    assert not items[b.pk].done and items[b.pk].people_trained == 0
    assert not items[c.pk].done  # its session is only planned
    assert selectors.summary(list(items.values())) == {
        "items_total": 3, "items_done": 1, "items_percent": 33, "people_planned": 9, "people_trained": 3,
        "people_percent": 33}
    listed = selectors.plan_list_queryset(t.coord).get(pk=plan.pk)
    assert (listed.items_total, listed.items_done, listed.people_planned, listed.people_trained) == (3, 1, 9, 3)


def test_approval_is_the_management_representatives_with_items_and_changes_after_it_are_recorded(t):
    plan = f.plan(t.ward1, t.coord)
    with pytest.raises(TransitionError):  # no item yet
        services.plan_transition(acting_user=t.mr, plan=plan, name="approve", password=factories.PASSWORD)
    f.item(plan, t.coord)
    with pytest.raises(PermissionDenied):
        services.plan_transition(acting_user=t.coord, plan=plan, name="approve", password=factories.PASSWORD)
    with pytest.raises(ValidationError):  # a signature: the password again
        services.plan_transition(acting_user=t.mr, plan=plan, name="approve", password="wrong")
    services.plan_transition(acting_user=t.mr, plan=plan, name="approve", password=factories.PASSWORD)
    plan.refresh_from_db()
    assert plan.status == TrainingPlan.Status.APPROVED
    # still changed afterwards, each change saying so on the History tab
    services.plan_update(acting_user=t.coord, plan=plan, budget="15 triệu đồng")
    item = f.item(plan, t.coord, title="Bổ sung: tập huấn quy trình mới")
    last = plan.history.order_by("-history_id").first()
    assert last.budget == "15 triệu đồng"
    assert reason_text(last.history_change_reason) == "Changed after the plan was approved"
    assert reason_text(item.history.first().history_change_reason) == "Changed after the plan was approved"
    with pytest.raises(TransitionError):  # approved once: nothing more to approve
        services.plan_transition(acting_user=t.mr, plan=plan, name="approve", password=factories.PASSWORD)


# --- needs found in the data ---------------------------------------------------------------------------


def test_suggestions_find_gaps_expiring_qualifications_revisions_and_new_staff(t):
    from documents.models import Revision
    auditing = f.competence("internal-auditor", name_en="Internal auditing")
    awareness = f.competence("iso-awareness", name_en="ISO 9001 awareness")
    auditor_course = f.course("Internal auditor course", competences=[auditing], code="IA-1")
    f.course("ISO awareness", competences=[awareness], topic="awareness", code="AW-1")
    f.requirement("internal_auditor", auditing, t.city)  # set at the city: applies below it too
    f.requirement("staff", awareness, t.district)
    lacking = factories.make_user(f"{t.prefix}aud1", t.ward1)
    factories.assign(lacking, "internal_auditor", t.ward1)
    qualified = factories.make_user(f"{t.prefix}aud2", t.ward2)
    factories.assign(qualified, "internal_auditor", t.ward2)
    f.qualification(qualified, auditing, valid_until=date(YEAR + 2, 1, 1))
    expired = factories.make_user(f"{t.prefix}aud3", t.ward2)
    factories.assign(expired, "internal_auditor", t.ward2)
    f.qualification(expired, auditing, obtained_on=date(YEAR - 4, 1, 1), valid_until=TODAY - timedelta(days=1))
    outside = factories.make_user(f"{t.prefix}aud4", t.division)  # another branch: not in the district's plan
    factories.assign(outside, "internal_auditor", t.division)
    # ward1 staff (from the tree) lacks awareness; a qualification expiring this year, not renewed
    soon = factories.make_user(f"{t.prefix}soon", t.ward2)
    f.qualification(soon, awareness, valid_until=date(YEAR, 12, 31))
    renewed = factories.make_user(f"{t.prefix}renewed", t.ward2)
    f.qualification(renewed, awareness, valid_until=date(YEAR, 12, 31))
    f.qualification(renewed, awareness, obtained_on=TODAY - timedelta(days=1), valid_until=date(YEAR + 3, 1, 1))
    doc = _document(t)

    plan = f.plan(t.district, t.coord, year=YEAR)
    found = {s.key: s for s in selectors.suggestions(plan)}
    assert found[f"gap:{auditing.pk}"].participants == 2  # lacking + expired; not the division's
    assert found[f"gap:{auditing.pk}"].course == auditor_course
    assert found[f"gap:{awareness.pk}"].participants == 1  # the ward1 staff member
    assert found[f"refresher:{awareness.pk}"].participants == 1  # "soon"; "renewed" has a new one
    revision = Revision.objects.get(document=doc)
    assert found[f"revision:{revision.pk}"].need == PlanItem.Need.REVISION
    assert doc.code in found[f"revision:{revision.pk}"].title
    assert found["new_staff"].participants >= 5  # everyone made today in the district's subtree
    # one click: the item as the data shows it, and the suggestion then reads "already in the plan"
    item = services.plan_item_add_suggested(acting_user=t.coord, plan=plan, key=f"gap:{auditing.pk}")
    assert (item.need, item.course, item.participants) == ("gap", auditor_course, 2)
    assert selectors.suggestion(plan, f"gap:{auditing.pk}").planned
    with pytest.raises(ValidationError):
        services.plan_item_add_suggested(acting_user=t.coord, plan=plan, key=f"gap:{auditing.pk}")
    with pytest.raises(ValidationError):
        services.plan_item_add_suggested(acting_user=t.coord, plan=plan, key="gap:999999")
    # a qualification obtained closes the gap
    f.qualification(lacking, auditing, obtained_on=TODAY, valid_until=date(YEAR + 3, 1, 1))
    assert selectors.suggestion(plan, f"gap:{auditing.pk}").participants == 1


def test_suggestions_of_a_ward_leave_out_the_rest_of_the_district(t):
    comp = f.competence()
    f.requirement("staff", comp, t.city)
    other = factories.make_user(f"{t.prefix}w2staff", t.ward2)
    factories.assign(other, "staff", t.ward2)
    plan = f.plan(t.ward2, t.coord)
    found = {s.key: s for s in selectors.suggestions(plan)}
    assert found[f"gap:{comp.pk}"].participants == 1  # ward2's, not ward1's staff member


def _document(t):
    """An effective procedure of ward1 with one revision (the documents' services)."""
    from documents.models import Document, DocumentType, Revision
    from qms_portal.services import save_tracked

    doc_type = DocumentType.objects.filter(level=DocumentType.Level.PROCEDURE).first()
    if doc_type is None:
        doc_type = DocumentType.objects.create(code="QT", name="Quy trình", level=DocumentType.Level.PROCEDURE)
    doc = save_tracked(Document(unit=t.ward1, code=f"{t.prefix}QT-01", title="Quy trình tiếp nhận hồ sơ",
                                doc_type=doc_type, process_owner=t.ward1_mr), t.superuser)
    save_tracked(Revision(document=doc, number=1, status=Revision.Status.EFFECTIVE, author=t.ward1_mr,
                          effective_date=TODAY, needs_training=True), t.superuser)
    return doc


# --- the message when a plan awaits approval -----------------------------------------------------------


def test_submitting_a_plan_tells_each_person_who_may_approve_it_once(t, django_capture_on_commit_callbacks):
    from django.core import mail

    from qms_portal.models import Notification
    from qms_portal.notifications import render_title

    twice = factories.make_user(f"{t.prefix}mr2", t.ward1, full_name="Approver on two units")
    factories.assign(twice, "management_representative", t.ward1)
    factories.assign(twice, "management_representative", t.district)  # reaches ward 1 twice: one message
    elsewhere = factories.make_user(f"{t.prefix}mr3", t.ward2, full_name="Approver of Ward 2")
    factories.assign(elsewhere, "management_representative", t.ward2)
    head = factories.make_user(f"{t.prefix}head", t.ward1, full_name="Head of Ward 1")
    factories.assign(head, "department_head", t.ward1)  # reads the plan, does not approve it
    plan = f.plan(t.ward1, t.coord)
    with pytest.raises(TransitionError):  # nothing to submit yet
        services.plan_transition(acting_user=t.coord, plan=plan, name="submit")
    assert not Notification.objects.filter(kind="trainingplan_submitted").exists()
    f.item(plan, t.coord)
    with pytest.raises(PermissionDenied):  # the approver does not submit
        services.plan_transition(acting_user=t.mr, plan=plan, name="submit")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_transition(acting_user=t.coord, plan=plan, name="submit")
    plan.refresh_from_db()
    assert plan.status == TrainingPlan.Status.SUBMITTED
    messages = Notification.objects.filter(kind="trainingplan_submitted")
    # the district's and the ward's management representatives (t.ward1_mr holds it on ward 1)
    assert sorted(messages.values_list("recipient", flat=True)) == sorted([t.mr.pk, t.ward1_mr.pk, twice.pk])
    assert all(m.url == plan.get_absolute_url() for m in messages)
    assert str(plan) in render_title(messages.first())
    emailed = sorted(address for m in mail.outbox for address in m.to)
    assert emailed and emailed == sorted(u.email for u in (t.mr, t.ward1_mr, twice) if u.email)
    # returned with a reason, submitted again, approved from there
    with pytest.raises(ValidationError):
        services.plan_transition(acting_user=t.mr, plan=plan, name="return")
    services.plan_transition(acting_user=t.mr, plan=plan, name="return", reason="Thiếu kinh phí")
    plan.refresh_from_db()
    assert plan.status == TrainingPlan.Status.DRAFT
    services.plan_transition(acting_user=t.coord, plan=plan, name="submit")
    assert Notification.objects.filter(kind="trainingplan_submitted", recipient=t.mr).count() == 2
    services.plan_transition(acting_user=t.mr, plan=plan, name="approve", password=factories.PASSWORD)
    plan.refresh_from_db()
    assert plan.status == TrainingPlan.Status.APPROVED
